"""format.number_date: GB/T 15835—2011 basics for years and dates.

- A year in Chinese numerals is a number used as a label, so its zero is 〇 (5.2.5: 二〇一二,
  not 二零一二); the digit 0, the letter O and the circle ○ are look-alikes typed by mistake.
- Dates in Chinese prose are written 2024年3月5日 (or, by 5.4.1, 2024-03-05); 2024.3.5 and
  2024/3/5 are not standard.
- One document uses one style (局部体例一致): when both Arabic and Chinese-numeral dates occur,
  the minority style is reported, with the date rewritten in the majority style.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from checks.check import Scope, make_finding
from checks.document import Document
from checks.finding import Finding, Severity
from checks.formatting.textspans import inside, is_han, verbatim_spans

CATEGORY = "format.number_date"
_STANDARD = "GB/T 15835—2011《出版物上数字用法》"
_CN_DIGITS = "〇一二三四五六七八九"
_WRONG_ZEROS = "0OoＯｏ○零"
_ZERO_NAMES = {"0": "阿拉伯数字“0”", "O": "字母“O”", "o": "字母“o”", "○": "图形符号“○”", "零": "“零”"}
_YEAR_CHARS = f"{_CN_DIGITS}{_WRONG_ZEROS}"
_CN_YEAR = re.compile(rf"(?<![{_YEAR_CHARS}\dA-Za-z])[一二][{_YEAR_CHARS}]{{3}}(?![{_YEAR_CHARS}\dA-Za-z])")
_SEPARATED_DATE = re.compile(
    r"(?<![A-Za-z0-9_./．／\-])(?P<y>(?:19|20)\d{2})(?P<sep>[./．／])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![A-Za-z0-9_./．／\-])"
)
_ARABIC_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_CN_SMALL = r"三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_CN_DATE = re.compile(
    rf"(?<![{_YEAR_CHARS}])(?P<y>[一二][{_YEAR_CHARS}]{{3}})年(?P<m>十[一二]?|[一二三四五六七八九])月(?P<d>{_CN_SMALL})日"
)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    rule: str
    message: str
    suggestion: str | None
    explanation: str
    severity: Severity = Severity.WARN


def cn_year_to_int(year: str) -> int:
    return int("".join(str(_CN_DIGITS.index(ch)) if ch in _CN_DIGITS else "0" for ch in year))


def cn_small_to_int(value: str) -> int:
    """一..三十一 written with 十."""
    if "十" not in value:
        return _CN_DIGITS.index(value)
    tens, _, units = value.partition("十")
    return (_CN_DIGITS.index(tens) if tens else 1) * 10 + (_CN_DIGITS.index(units) if units else 0)


def int_to_cn_small(n: int) -> str:
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[units] if units else "")


def arabic_date(y: int, m: int, d: int) -> str:
    return f"{y}年{m}月{d}日"


def chinese_date(y: int, m: int, d: int) -> str:
    return "".join(_CN_DIGITS[int(c)] for c in str(y)) + f"年{int_to_cn_small(m)}月{int_to_cn_small(d)}日"


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


class NumberDateCheck:
    """Wrong zeros in Chinese-numeral years, 2024.3.5-style dates, and mixed date styles."""

    name: ClassVar[str] = "format.number_date"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"

    def run(self, doc: Document) -> list[Finding]:
        text = doc.text
        hits = [*self._zeros(text), *self._separated(text), *self._mixed(text)]
        return [
            make_finding(
                doc,
                category=CATEGORY,
                start=h.start,
                end=h.end,
                severity=h.severity,
                message=h.message,
                suggestion=h.suggestion,
                rule=h.rule,
                explanation=h.explanation,
            )
            for h in sorted(hits, key=lambda h: (h.start, h.end))
        ]

    @staticmethod
    def _zeros(text: str) -> Iterator[_Hit]:
        for match in _CN_YEAR.finditer(text):
            year = match.group(0)
            wrong = sorted({ch for ch in year if ch in _WRONG_ZEROS})
            if not wrong or sum(ch in "一二三四五六七八九" for ch in year) < 2:
                continue
            fixed = "".join("〇" if ch in _WRONG_ZEROS else ch for ch in year)
            names = "、".join(_ZERO_NAMES.get(ch, f"“{ch}”") for ch in wrong)
            yield _Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.zero",
                f"汉字年份“{year}”中的零应写作“〇”，应为“{fixed}”",
                fixed,
                f"{_STANDARD} 5.2.5：数字用作编号（如年份）时，“0”的汉字书写形式为“〇”；"
                f"此处用了{names}（匹配：“{year}”）",
            )

    @staticmethod
    def _separated(text: str) -> Iterator[_Hit]:
        skip = verbatim_spans(text)
        for match in _SEPARATED_DATE.finditer(text):
            y, m, d = (int(match.group(g)) for g in ("y", "m", "d"))
            if not _valid(y, m, d) or inside(match.start(), skip):
                continue
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if not any(is_han(ch) for ch in line):
                continue  # a bare date in a table cell or a list of values, not Chinese prose
            fixed = arabic_date(y, m, d)
            yield _Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.separator",
                f"日期“{match.group(0)}”在中文行文中应写作“{fixed}”",
                fixed,
                f"{_STANDARD} 5.4.1：公历年月日写作“2008年8月8日”，或按 GB/T 7408 扩展格式用“-”分隔"
                f"（2008-08-08），不用“{match.group('sep')}”分隔（匹配：“{match.group(0)}”）",
            )

    @staticmethod
    def _mixed(text: str) -> Iterator[_Hit]:
        arabic = []
        for match in _ARABIC_DATE.finditer(text):
            y, m, d = (int(match.group(g)) for g in ("y", "m", "d"))
            if _valid(y, m, d):
                arabic.append((match, (y, m, d)))
        chinese = []
        for match in _CN_DATE.finditer(text):
            ymd = (
                cn_year_to_int(match.group("y")),
                cn_small_to_int(match.group("m")),
                cn_small_to_int(match.group("d")),
            )
            if _valid(*ymd):
                chinese.append((match, ymd))
        if not arabic or not chinese:
            return
        # Ties go to Arabic numerals, which GB/T 9704—2012 prescribes for dates in 公文.
        minority, to_style, style_name = (
            (chinese, arabic_date, "阿拉伯数字") if len(chinese) <= len(arabic) else (arabic, chinese_date, "汉字数字")
        )
        counts = f"阿拉伯数字日期 {len(arabic)} 处，汉字数字日期 {len(chinese)} 处"
        for match, ymd in minority:
            fixed = to_style(*ymd)
            yield _Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.mixed_style",
                f"同一文稿中日期写法不一致，建议统一用{style_name}写作“{fixed}”",
                fixed,
                f"{_STANDARD}：同一文本中数字形式应保持局部体例一致；本文{counts}，少数一方被标出"
                f"（匹配：“{match.group(0)}”）",
                Severity.INFO,
            )
