"""format.doc_number: 发文字号 in the GB/T 9704—2012 form 机关代字〔年份〕序号号.

GB/T 9704—2012 7.2.4: the year is written in full and enclosed in 六角括号 〔〕; the sequence
number takes no 第 and no leading zeros (1, not 01), followed by 号. Editors type the brackets
from whatever their keyboard offers ([] 【】 () （）), so this is the most common format error
on government sites. The corrected 文号 is computable, so every finding carries a suggestion
(except a two-digit year, whose century the check cannot know).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.normalize import fold_char

CATEGORY = "format.doc_number"
_OPEN = "[【(（［〈﹝〖〔"
_CLOSE = "]】)）］〉﹞〗〕"
_CORE = (
    rf"(?P<sp>[ ]?)(?P<open>[{re.escape(_OPEN)}])[ ]?"
    r"(?P<year>(?:19|20)\d{2}|\d{2})(?P<nian>年?)[ ]?"
    rf"(?P<close>[{re.escape(_CLOSE)}])"
    r"[ ]?(?P<di>第?)[ ]?(?P<seq>\d{1,6})[ ]?号"
)
# In running text the 机关代字 is the run of Chinese characters right before the bracket.
DOC_NUMBER = re.compile(rf"(?P<org>[\u4e00-\u9fff]{{1,16}}){_CORE}")
_METADATA_VALUE = re.compile(rf"(?P<org>[\u4e00-\u9fff]{{0,16}}){_CORE}")
# Every 文号 holds an opening bracket followed by its year, at most 17 characters after the match starts
# (16 of 机关代字, a space) and at most 20 before it ends (the bracket … 号, every optional part present).
_BRACKET_YEAR = re.compile(rf"[{re.escape(_OPEN)}](?=[ ]?\d)")
_BEFORE_BRACKET = 17
_FROM_BRACKET = 20

# Words that end the prose before a 文号 (根据国发〔2024〕1号, 局作出温国土资发…): the 机关代字 starts after
# the last of them.
_LEAD_WORDS = (
    "根据",
    "依据",
    "按照",
    "依照",
    "参照",
    "对照",
    "详见",
    "参见",
    "转发",
    "印发",
    "下发",
    "下达",
    "作出",
    "发布",
    "颁布",
    "出台",
    "制定",
    "执行",
    "落实",
    "贯彻",
    "通过",
    "废止",
    "修改",
    "文件",
    "关于",
    "见",
    "据",
)
_CUT_CHARS = tuple("的和与及或在是为将对由把从了即")
# Announcements numbered by their own rules (中国人民银行公告〔2018〕第10号) legitimately keep 第.
_KEEPS_DI = ("公告", "通告", "令")

ISSUES = {
    "bracket": "年份应用六角括号“〔〕”括入",
    "nian": "年份后不加“年”字",
    "ordinal": "序号前不加“第”字",
    "leading_zero": "序号不编虚位（1不编为01）",
    "short_year": "年份应标全称（四位数字）",
    "space": "文号中不应有空格",
}


@dataclass(frozen=True, slots=True)
class DocNumberIssue:
    """What is wrong with one 文号 and, when computable, its corrected form."""

    issues: tuple[str, ...]
    corrected: str | None

    @property
    def rule(self) -> str:
        return f"{CATEGORY}.{'+'.join(self.issues)}"

    def describe(self) -> str:
        return "；".join(ISSUES[i] for i in self.issues)


def trim_org(org: str) -> str:
    """The 机关代字 part of the Chinese run before the bracket (best effort; never empty if org is not)."""
    cut = 0
    for word in (*_LEAD_WORDS, *_CUT_CHARS):
        pos = org.rfind(word)
        if pos >= 0 and pos + len(word) < len(org):
            cut = max(cut, pos + len(word))
    return org[cut:][-12:]


def assess(match: re.Match[str], org: str, *, issuer: str | None = None) -> DocNumberIssue | None:
    """Compare one matched 文号 with GB/T 9704—2012 7.2.4; None when it is correct.

    ``org`` is the 机关代字 that the corrected form starts with (may be empty); ``issuer`` the
    full code, when longer, to tell an announcement that keeps 第 (…公告〔2018〕第10号).
    """
    keeps_di = (issuer or org).endswith(_KEEPS_DI)
    issues: list[str] = []
    if match.group("open") != "〔" or match.group("close") != "〕":
        issues.append("bracket")
    if match.group("nian"):
        issues.append("nian")
    if match.group("di") and not keeps_di:
        issues.append("ordinal")
    seq = match.group("seq")
    if len(seq) > 1 and seq.startswith("0"):
        issues.append("leading_zero")
    year = match.group("year")
    if len(year) == 2:
        issues.append("short_year")
    if " " in match.group(0)[match.start("sp") - match.start() :]:
        issues.append("space")
    if not issues:
        return None
    corrected = None
    if len(year) == 4:
        di = match.group("di") if keeps_di else ""
        corrected = f"{org}〔{year}〕{di}{seq.lstrip('0') or '0'}号"
    return DocNumberIssue(tuple(issues), corrected)


def find_doc_numbers(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``DOC_NUMBER.finditer(text)``, scanning only the stretches around a bracket and year.

    Tried at every Chinese character, the pattern first runs over up to 16 of them before it finds no
    bracket: most of a format check's time on a long text. A match never reaches outside its bracket's
    window and the pattern has no anchors or lookarounds, so scanning each merged window finds the same
    matches.
    """
    for start, end in _bracket_windows(text):
        yield from DOC_NUMBER.finditer(text, start, end)


def _bracket_windows(text: str) -> Iterator[tuple[int, int]]:
    """Disjoint, ordered spans that hold every place a 文号 can stand."""
    current: tuple[int, int] | None = None
    for match in _BRACKET_YEAR.finditer(text):
        start, end = max(0, match.start() - _BEFORE_BRACKET), match.start() + _FROM_BRACKET
        if current is not None and start <= current[1]:
            current = (current[0], end)
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def doc_number_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the bracketed year of every 文号-like match (so other checks can leave them alone)."""
    return [(m.start("open"), m.end("close")) for m in find_doc_numbers(text)]


def _same_source_run(doc: Document, start: int, end: int) -> bool:
    """True when the span comes from one stretch of the caller's text, with no markup dropped inside."""
    norm = doc.normalized
    return all(norm.source_ends[k] == norm.source_starts[k + 1] for k in range(start, end - 1))


class DocNumberCheck:
    """Flags 文号 whose brackets, 第 or leading zeros break GB/T 9704—2012 7.2.4."""

    name: ClassVar[str] = "format.doc_number"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"
    severity: ClassVar[Severity] = Severity.WARN

    def run(self, doc: Document) -> list[Finding]:
        out: list[Finding] = []
        for match in find_doc_numbers(doc.text):
            issuer = org = trim_org(match.group("org"))
            if not _same_source_run(doc, match.end("org") - len(org), match.end()):
                org = ""  # 机关代字 in another HTML element: fix only the bracketed part, keep the markup
            issue = assess(match, org, issuer=issuer)
            if issue is None:
                continue
            start = match.end("org") - len(org)
            found = doc.text[start : match.end()]
            hit = Hit(
                start,
                match.end(),
                issue.rule,
                self._message(found, issue),
                issue.corrected,
                self._explanation(found, issue),
                self.severity,
            )
            out.append(hit.to_finding(doc, CATEGORY))
        if doc.field == "body":
            finding = self._metadata_finding(doc)
            if finding is not None:
                out.append(finding)
        return out

    def _metadata_finding(self, doc: Document) -> Finding | None:
        raw = doc.metadata.value("doc_number")
        if raw is None:
            return None
        value = "".join(fold_char(ch) for ch in raw)
        match = _METADATA_VALUE.fullmatch(value)
        if match is None:
            return None
        issue = assess(match, match.group("org"))
        if issue is None:
            return None
        hit = Hit(
            0,
            0,
            issue.rule,
            "元数据" + self._message(raw, issue),
            issue.corrected,
            self._explanation(raw, issue) + "（元数据 doc_number）",
            self.severity,
        )
        return hit.in_field("metadata", CATEGORY)

    @staticmethod
    def _message(found: str, issue: DocNumberIssue) -> str:
        fix = f"，应为“{issue.corrected}”" if issue.corrected else ""
        return f"发文字号“{found}”格式不规范：{issue.describe()}{fix}"

    @staticmethod
    def _explanation(found: str, issue: DocNumberIssue) -> str:
        return (
            f"GB/T 9704—2012 7.2.4：年份应标全称，用六角括号“〔〕”括入；发文顺序号不加“第”字，"
            f"不编虚位，后加“号”字（匹配：“{found}”；问题：{issue.describe()}）"
        )
