"""A Word file into the workspace form: the heading becomes the title, the title suggests the document
type, and the closing date line gives 成文日期. Consumes the reader's output (checks.docx_reader).

Guesses only fill what the reader cannot know; the editor sees and can change every field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.docx_reader import DocxContent

SENTENCE_END = re.compile(r"[。；！？;!?：:，,]$")
_Y, _MD = "[0-9〇零一二三四五六七八九]{4}", "[0-9一二三四五六七八九十]{1,3}"
DATE_LINE = re.compile(rf"^\s*({_Y})\s*年\s*({_MD})\s*月\s*({_MD})\s*日\s*$")
DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
# Most specific first: a 通知 about a 公示 is a 公示; a 解读 of a 办法 is a 解读.
DOC_TYPES = (
    ("interpretation", ("解读", "答记者问", "图解")),
    ("publicity", ("公示",)),
    ("reply", ("答复", "回复", "复函")),
    ("normative", ("办法", "规定", "条例", "细则", "实施意见", "指导意见", "规范")),
    ("notice", ("通知", "通告", "公告", "启事")),
    ("news", ("召开", "举行", "开展", "调研", "会议")),
)
MAX_TITLE = 80


@dataclass(frozen=True)
class ImportedDocx:
    title: str
    body: str
    doc_type: str | None
    written_date: str | None


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if all(c in DIGITS for c in text):  # 二〇二四: digit by digit
        return int("".join(str(DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")  # 十, 十二, 二十, 二十三
    if "十" not in text:
        return DIGITS.get(text, 0)
    return (DIGITS.get(tens, 1) if tens else 1) * 10 + (DIGITS.get(units, 0) if units else 0)


def written_date(lines: list[str]) -> str | None:
    """The last date line of the document (the 成文日期 under the signature), as YYYY-MM-DD."""
    for line in reversed(lines[-6:]):
        match = DATE_LINE.match(line)
        if match:
            year, month, day = (_number(g) for g in match.groups())
            if 1900 < year < 2200 and 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def doc_type_of(title: str) -> str | None:
    for doc_type, words in DOC_TYPES:
        if any(word in title for word in words):
            return doc_type
    return None


def _looks_like_heading(line: str) -> bool:
    return 0 < len(line) <= MAX_TITLE and not SENTENCE_END.search(line)


def from_docx(content: DocxContent) -> ImportedDocx:
    lines = content.text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    core = (content.title or "").strip()
    title = core
    rest = [line for line in lines[1:] if line.strip()]
    if lines and rest and (lines[0].strip() == core or _looks_like_heading(lines[0].strip())):
        title = lines[0].strip()
        lines = lines[1:]
        while lines and not lines[0].strip():
            lines.pop(0)
    body = "\n".join(lines)
    return ImportedDocx(title=title, body=body, doc_type=doc_type_of(title), written_date=written_date(lines))
