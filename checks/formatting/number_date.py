"""format.number_date: GB/T 15835—2011 basics for years and dates.

- A year in Chinese numerals is a number used as a label, so its zero is 〇 (5.2.5: 二〇一二,
  not 二零一二); the digit 0, the letter O and the circle ○ are look-alikes typed by mistake.
  Before GB/T 15835—2011 took effect (2011-11-01) the form of that zero was not fixed and GB 2312
  had no 〇, so 一九八○年 and 二零零七年 in a document dated earlier are left alone; a digit or a
  letter in a Chinese year is wrong at any date.
- Dates in Chinese prose are written 2024年3月5日 (or, by 5.4.1, 2024-03-05); 2024.3.5 and
  2024/3/5 are not standard.
- One date is written in one style: 2024年五月 and 二〇二四年6月20日 mix Arabic and Chinese numerals
  and are rewritten in Arabic numerals, which GB/T 9704—2012 prescribes for dates in 公文 (and which
  GB/T 15835 prefers for calendar dates).
- A year is not shortened to two digits (23年 → 2023年). Only a two-digit year that is clearly a
  calendar year is reported (23年5月, 较23年同期, 23年底), never a duration (工作23年, 23年来); the
  four-digit year is suggested only when the document's date leaves one century plausible.
- One document uses one style (局部体例一致): when both Arabic and Chinese-numeral dates occur,
  the minority style is reported, with the date rewritten in the majority style. Before GB/T 9704—2012
  took effect (2012-07-01) the 成文日期 of a 公文 was written in Chinese numerals while the body used
  Arabic ones, so documents dated earlier are not checked for this, and only dates from then on are
  compared: a consolidated law keeps “本条例自一九九三年一月一日起施行” as enacted next to the Arabic
  dates of its later amendments, and a quotation keeps the style of its source.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.formatting.textspans import (
    DIGIT_RUN,
    DIGIT_RUN_OR_YEAR,
    YEAR_FIRST,
    SpanSet,
    finditer_at,
    inside,
    is_han,
    verbatim_spans,
)
from checks.hits import Hit

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
# Its look-behind rules out only ASCII digits before the year: it may begin after a full-width one.
_ASCII_DIGIT_RUN = re.compile("[0-9]+")
_ARABIC_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_CN_SMALL = r"三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_CN_DATE = re.compile(
    rf"(?<![{_YEAR_CHARS}])(?P<y>[一二][{_YEAR_CHARS}]{{3}})年(?P<m>十[一二]?|[一二三四五六七八九])月(?P<d>{_CN_SMALL})日"
)
# Any year-month(-day), each part in either numeral style; a date whose parts differ is reported.
_ANY_DATE = re.compile(
    rf"(?:(?<![\d.．])(?P<ay>\d{{4}})|(?<![{_YEAR_CHARS}\d])(?P<cy>[一二][{_YEAR_CHARS}]{{3}}))年"
    r"(?:(?P<am>\d{1,2})|(?P<cm>十[一二]?|[一二三四五六七八九]))月"
    rf"(?:(?P<ad>\d{{1,2}})日|(?P<cd>{_CN_SMALL})日)?"
)
_LUNAR_MARKERS = ("农历", "夏历", "阴历", "旧历")
# A two-digit year followed by a month or by a word that only a calendar year takes.
_SHORT_YEAR = re.compile(
    r"(?<![\d.．:：/\-A-Za-z'’])(?P<yy>\d{2})年"
    r"(?=(?P<next>\d{1,2}月|同期|上半年|下半年|全年|年初|年底|年末|底(?![线气色蕴])|初(?![心衷])|度(?!过)"
    r"|第?[一二三四1-4]季度|[春夏秋冬]季))"
)
# Words before “23年” that make it a duration or another calendar's year (民国23年 is 1934).
_NOT_A_SHORT_YEAR = tuple(
    "近 前 后 最近 连续 长达 历时 历经 整整 已经 已 共 满 逾 超过 达 第 每 用了 经过 过去 前后 "
    "公元 公元前 民国 光绪 宣统 同治 咸丰 道光 嘉庆 乾隆 雍正 康熙 明治 大正 昭和 平成 令和".split()
)
# “10年同期平均值” is a ten-year average: 同期 follows a calendar year only after a comparison (较23年同期).
_COMPARISON = ("较", "比", "与", "同", "和", "及", "于", "对比", "相比", "相较")
# GB/T 15835—2011 (〇 as the zero of a year) took effect on 2011-11-01; GB/T 9704—2012 (Arabic numerals
# for the 成文日期) on 2012-07-01.
GBT_15835_2011 = dt.date(2011, 11, 1)
GBT_9704_2012 = dt.date(2012, 7, 1)
_OLD_ZEROS = "○零"
# A two-digit year gets a four-digit suggestion only if exactly one century puts it in this window
# around the document's date (years before it, years after it).
_SHORT_YEAR_WINDOW = (30, 5)


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


def full_year(short: int, around: int) -> int | None:
    """The four-digit year of a two-digit one, when exactly one century is plausible around ``around``."""
    before, after = _SHORT_YEAR_WINDOW
    candidates = [c * 100 + short for c in range(around // 100 - 1, around // 100 + 2)]
    plausible = [y for y in candidates if around - before <= y <= around + after]
    return plausible[0] if len(plausible) == 1 else None


class NumberDateCheck:
    """Wrong zeros in Chinese-numeral years, 2024.3.5-style dates, mixed numerals in a date or a document,
    and two-digit years."""

    name: ClassVar[str] = "format.number_date"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"

    def run(self, doc: Document) -> list[Finding]:
        text = doc.text
        when = doc.doc_date
        within = list(self._mixed_within(text))
        # A year with a wrong zero inside a mixed date is reported once, by the date (its fix covers both).
        in_date = _Covered([(w.start, w.end) for w in within])
        zeros = [h for h in self._zeros(text, when) if not in_date(h.start)]
        hits = [
            *zeros,
            *within,
            *self._separated(text),
            *self._short_years(text, when),
            *self._mixed(text, when),
        ]
        return [h.to_finding(doc, CATEGORY) for h in sorted(hits, key=lambda h: (h.start, h.end))]

    @staticmethod
    def _zeros(text: str, when: dt.date) -> Iterator[Hit]:
        accepted = _OLD_ZEROS if when < GBT_15835_2011 else ""
        for match in finditer_at(_CN_YEAR, YEAR_FIRST, text):
            year = match.group(0)
            wrong = sorted({ch for ch in year if ch in _WRONG_ZEROS and ch not in accepted})
            if not wrong or sum(ch in "一二三四五六七八九" for ch in year) < 2:
                continue
            fixed = "".join("〇" if ch in _WRONG_ZEROS else ch for ch in year)
            names = "、".join(_ZERO_NAMES.get(ch, f"“{ch}”") for ch in wrong)
            yield Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.zero",
                f"汉字年份“{year}”中的零应写作“〇”，应为“{fixed}”",
                fixed,
                f"{_STANDARD} 5.2.5：数字用作编号（如年份）时，“0”的汉字书写形式为“〇”；"
                f"此处用了{names}（匹配：“{year}”）",
            )

    @staticmethod
    def _mixed_within(text: str) -> Iterator[Hit]:
        for match in finditer_at(_ANY_DATE, DIGIT_RUN_OR_YEAR, text):
            cy = match.group("cy")
            if cy is not None and sum(ch in "一二三四五六七八九" for ch in cy) < 2:
                continue  # 二000年: not a Chinese-numeral year with a typo, leave it to the editor
            styles = {
                "A" if match.group("ay") else "C",
                "A" if match.group("am") else "C",
            }
            if match.group("ad") or match.group("cd"):
                styles.add("A" if match.group("ad") else "C")
            if len(styles) < 2:
                continue
            after = text[match.end() : match.end() + 1]
            if not (match.group("ad") or match.group("cd")) and after and after in "初廿卅十一二三四五六七八九":
                continue  # 2024年五月初五, 2024年八月十五: a lunar (夏历) date, written in Chinese numerals
            if any(m in text[max(0, match.start() - 4) : match.start()] for m in _LUNAR_MARKERS):
                continue
            y = int(match.group("ay")) if match.group("ay") else cn_year_to_int(cy or "")
            m = int(match.group("am")) if match.group("am") else cn_small_to_int(match.group("cm"))
            day_text = match.group("ad") or match.group("cd")
            d = None
            if day_text:
                d = int(day_text) if day_text.isdigit() else cn_small_to_int(day_text)
            if not _valid(y, m, d or 1):
                continue
            fixed = f"{y}年{m}月" + (f"{d}日" if d else "")
            zero_note = ""
            if cy is not None and any(ch in _WRONG_ZEROS for ch in cy):
                zero_note = f"；汉字年份“{cy}”中的零也应写作“〇”"
            yield Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.mixed_in_date",
                f"日期“{match.group(0)}”中阿拉伯数字与汉字数字混用，应统一写作“{fixed}”",
                fixed,
                f"{_STANDARD}：同一日期的年、月、日应使用同一种数字形式（局部体例一致），公历年月日宜用阿拉伯数字；"
                f"GB/T 9704—2012：公文成文日期用阿拉伯数字将年、月、日标全（匹配：“{match.group(0)}”{zero_note}）",
            )

    @staticmethod
    def _short_years(text: str, when: dt.date) -> Iterator[Hit]:
        for match in finditer_at(_SHORT_YEAR, DIGIT_RUN, text):
            before = text[max(0, match.start() - 4) : match.start()]
            if before.endswith(_NOT_A_SHORT_YEAR):
                continue
            if match.group("next") == "同期" and not before.endswith(_COMPARISON):
                continue
            short = int(match.group("yy"))
            year = full_year(short, when.year)
            shown = match.group(0)
            fix = f"，应为“{year}年”" if year else "，请写出完整的四位年份"
            basis = (
                f"按文稿日期（{when.isoformat()}）只能是 {year} 年"
                if year
                else f"按文稿日期（{when.isoformat()}）无法确定世纪，不给出修改建议"
            )
            yield Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.short_year",
                f"年份“{shown}”不应简写为两位数字{fix}",
                f"{year}年" if year else None,
                f"{_STANDARD}：年份一般不简写（“1990年”不写为“90年”）；此处“{shown}”后接"
                f"“{match.group('next')}”，是公历年份；{basis}",
            )

    @staticmethod
    def _separated(text: str) -> Iterator[Hit]:
        skip = SpanSet(verbatim_spans(text))
        han_line = _LinesWithHan(text)
        for match in finditer_at(_SEPARATED_DATE, _ASCII_DIGIT_RUN, text):
            y, m, d = (int(match.group(g)) for g in ("y", "m", "d"))
            if not _valid(y, m, d) or inside(match.start(), skip):
                continue
            if not han_line(match.start()):
                continue  # a bare date in a table cell or a list of values, not Chinese prose
            fixed = arabic_date(y, m, d)
            yield Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.separator",
                f"日期“{match.group(0)}”在中文行文中应写作“{fixed}”",
                fixed,
                f"{_STANDARD} 5.4.1：公历年月日写作“2008年8月8日”，或按 GB/T 7408 扩展格式用“-”分隔"
                f"（2008-08-08），不用“{match.group('sep')}”分隔（匹配：“{match.group(0)}”）",
            )

    @staticmethod
    def _mixed(text: str, when: dt.date) -> Iterator[Hit]:
        if when < GBT_9704_2012:
            return
        arabic = []
        for match in finditer_at(_ARABIC_DATE, DIGIT_RUN, text):
            y, m, d = (int(match.group(g)) for g in ("y", "m", "d"))
            if _valid(y, m, d) and dt.date(y, m, d) >= GBT_9704_2012:
                arabic.append((match, (y, m, d)))
        chinese = []
        for match in finditer_at(_CN_DATE, YEAR_FIRST, text):
            ymd = (
                cn_year_to_int(match.group("y")),
                cn_small_to_int(match.group("m")),
                cn_small_to_int(match.group("d")),
            )
            if _valid(*ymd) and dt.date(*ymd) >= GBT_9704_2012:
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
            yield Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.mixed_style",
                f"同一文稿中日期写法不一致，建议统一用{style_name}写作“{fixed}”",
                fixed,
                f"{_STANDARD}：同一文本中数字形式应保持局部体例一致；本文{counts}，少数一方被标出"
                f"（匹配：“{match.group(0)}”）",
                severity=Severity.INFO,
            )


class _LinesWithHan:
    """Whether the line holding an offset has a Chinese character; each line is read at most once, so
    many dates on one long line cost one pass over it."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._breaks = [m.start() for m in re.finditer("\n", text)]
        self._known: dict[int, bool] = {}

    def __call__(self, offset: int) -> bool:
        line = bisect_left(self._breaks, offset)  # breaks before the offset's line
        found = self._known.get(line)
        if found is None:
            start = self._breaks[line - 1] + 1 if line else 0
            end = self._breaks[line] if line < len(self._breaks) else len(self._text)
            found = self._known[line] = any(is_han(ch) for ch in self._text[start:end])
        return found


class _Covered:
    """Whether an offset lies in one of the spans, by bisect over starts and a running maximum of ends."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self._starts = [s for s, _ in spans]
        self._reach = list(accumulate((e for _, e in spans), max))

    def __call__(self, offset: int) -> bool:
        i = bisect_right(self._starts, offset)  # spans with start <= offset
        return i > 0 and self._reach[i - 1] > offset
