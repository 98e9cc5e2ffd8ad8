"""format.number_date, number usage beyond dates (GB/T 15835—2011, GB/T 15834—2011 for the range marks):

- an approximate number says so once: 约300余人, 近20多家 and 约50人左右 stack two markers of approximation;
  余 does not follow a decimal (1.2余吨), and 20多余处 doubles 多 and 余;
- adjacent Chinese numerals that form an approximate number are not separated by a 顿号 (二、三十人 → 二三十人);
- one number is written in one kind of numeral: 5千万 → 5000万, 3百 → 300 (万 and 亿 may serve as units);
- when the first year of a range carries 年, so does the second (2023年—2025 → 2023年—2025年);
- numbered headings run on: 一、二、四 skips 三, and item 54 missing between 53 and 55 is reported where the
  sequence breaks (a restart at 1 begins a new list); a skip is a hint (an excerpt may skip items on purpose), a
  repeated or backward number a warning.

The usage rules apply to texts dated from GB/T 15835—2011's entry into force (2011-11-01); older texts followed the
usage of their time (二、三个月 was common). The numbering rule applies to any date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.formatting.number_date import GBT_15835_2011, cn_small_to_int, int_to_cn_small
from checks.formatting.textspans import DIGIT_RUN, finditer_at
from checks.hits import Hit

CATEGORY = "format.number_date"
NUMBERS = "GB/T 15835—2011《出版物上数字用法》"
_CN_NUM = "零〇一二三四五六七八九十百千万亿两"
_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)"
_APPROX_BEFORE = "约|大约|近|将近|接近|大概|估计"
# 约300余人, 近20多家: an approximation word before a number that is followed by 余/多
_STACKED = re.compile(rf"(?P<word>{_APPROX_BEFORE})(?P<num>{_NUM})(?P<mark>余|多)(?=[\u4e00-\u9fff])(?!余|多|元?钱)")
_STACKED_AROUND = re.compile(
    rf"(?P<word>{_APPROX_BEFORE})(?P<num>{_NUM})(?P<unit>[^\d，。；、\s]{{1,4}}?)(?P<mark>左右)"
)
_DECIMAL_YU = re.compile(r"(?<![\d.])(?P<num>\d+\.\d+)(?P<mark>余)(?=[\u4e00-\u9fff])")
_DUO_YU = re.compile(rf"(?<![\d.])(?P<num>\d+|[{_CN_NUM}]+)多余(?=[个名人处家项次件条台辆所座万亿元吨户间])")
_CN_PAIR_COMMA = re.compile(
    r"(?<![一二三四五六七八九十第])([一二三四五六七八九])、([二三四五六七八九])([十百千万])?(?=[个名人天年月日次家项种批位户件条所])"
)
_MIXED = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?P<cn>十(?!分|足)|百(?!分)|千(?!米|克|瓦|帕|焦|赫|伏|卡|兆|字节|方))(?P<big>万|亿)?"
)
_YEAR_RANGE_NO_YEAR = re.compile(r"(?<!\d)(?P<a>\d{4})年(?P<sep>—|－|-|~|～|至|到)(?P<b>\d{4})(?![\d年\-－./])")
_MULT = {"十": 10, "百": 100, "千": 1000}


class NumberUsageCheck:
    name: ClassVar[str] = "format.number_usage"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"

    def run(self, doc: Document) -> list[Finding]:
        text = doc.text
        hits = list(_enumerations(text))
        if doc.doc_date >= GBT_15835_2011:
            # a text written before the standard took effect is judged by the usage of its time
            hits += [*_stacked(text), *_decimal_yu(text), *_cn_pair_comma(text), *_mixed(text), *_year_ranges(text)]
        return [h.to_finding(doc, CATEGORY) for h in sorted(hits, key=lambda h: (h.start, h.end))]


def _stacked(text: str) -> Iterator[Hit]:
    for m in _STACKED.finditer(text):
        shown = m.group(0)
        fixed = m.group("word") + m.group("num")
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.approximation",
            f"“{shown}”重复表示约数，应为“{fixed}”或“{m.group('num')}{m.group('mark')}”",
            fixed,
            f"{NUMBERS}：概数、约数用一种方式表示；“{m.group('word')}”与“{m.group('mark')}”都表示约数，不叠用（匹配：“{shown}”）",
        )  # fmt: skip
    for m in _STACKED_AROUND.finditer(text):
        shown = m.group(0)
        fixed = m.group("word") + m.group("num") + m.group("unit")
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.approximation",
            f"“{shown}”重复表示约数，应为“{fixed}”或“{m.group('num')}{m.group('unit')}左右”",
            fixed,
            f"{NUMBERS}：概数、约数用一种方式表示；“{m.group('word')}”与“左右”都表示约数，不叠用（匹配：“{shown}”）",
        )  # fmt: skip
    for m in _DUO_YU.finditer(text) if "多余" in text else ():
        shown = m.group(0)
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.approximation",
            f"“{shown}”中“多”“余”重复表示约数，应为“{m.group('num')}多”或“{m.group('num')}余”",
            m.group("num") + "余",
            f"{NUMBERS}：概数、约数用一种方式表示；“多”与“余”都表示约数，不叠用（匹配：“{shown}”）",
        )  # fmt: skip


def _decimal_yu(text: str) -> Iterator[Hit]:
    for m in finditer_at(_DECIMAL_YU, DIGIT_RUN, text):
        shown = m.group(0)
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.approximation",
            f"“{shown}”：小数后不能加“余”表示约数，应写作“约{m.group('num')}”或给出整数",
            None,
            f"{NUMBERS}：“余”“多”接在整数（通常为整十、整百等）之后表示约数，小数本身已是精确值（匹配：“{shown}”）",
        )  # fmt: skip


def _cn_pair_comma(text: str) -> Iterator[Hit]:
    for m in _CN_PAIR_COMMA.finditer(text):
        a, b = cn_small_to_int(m.group(1)), cn_small_to_int(m.group(2))
        if b != a + 1:
            continue  # 一、三: not two neighbouring numbers, so not an approximation
        shown = m.group(0)
        fixed = m.group(1) + m.group(2) + (m.group(3) or "")
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.approximate_comma",
            f"相邻数字连用表示概数，中间不用顿号：“{shown}”应为“{fixed}”",
            fixed,
            f"{NUMBERS}：相邻的两个数字并列连用表示概数（三五天、七八十种），连用的两个数字之间不得用顿号隔开"
            f"（匹配：“{shown}”）",
        )  # fmt: skip


def _mixed(text: str) -> Iterator[Hit]:
    for m in finditer_at(_MIXED, DIGIT_RUN, text):
        num, cn, big = m.group("num"), m.group("cn"), m.group("big") or ""
        value = float(num) * _MULT[cn]
        if value != int(value):
            continue
        shown = m.group(0)
        fixed = f"{int(value)}{big}"
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.mixed_numeral",
            f"同一数值中阿拉伯数字与汉字数字混用：“{shown}”应为“{fixed}”",
            fixed,
            f"{NUMBERS}：一个数值用一种数字形式书写，阿拉伯数字不与“十、百、千”连用（“万”“亿”可作单位，如"
            f"“3000万”）（匹配：“{shown}”）",
        )  # fmt: skip


def _year_ranges(text: str) -> Iterator[Hit]:
    for m in finditer_at(_YEAR_RANGE_NO_YEAR, DIGIT_RUN, text):
        if int(m.group("a")) >= int(m.group("b")):
            continue
        shown = m.group(0)
        fixed = shown + "年"
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.range_unit",
            f"年份范围前后应一致标出“年”：“{shown}”应为“{fixed}”",
            fixed,
            f"{NUMBERS}：表示时间范围的两个年份应写法一致，前一年份带“年”时后一年份也应带“年”（匹配：“{shown}”）",
        )  # fmt: skip


# ----------------------------------------------------------------------------- numbered headings

_HEADINGS = (
    ("cn", re.compile(r"(?m)^[ \t\u3000]*(?P<n>[一二三四五六七八九十]{1,3})、")),
    ("cn_paren", re.compile(r"(?m)^[ \t\u3000]*（(?P<n>[一二三四五六七八九十]{1,3})）")),
    ("arabic", re.compile(r"(?m)^[ \t\u3000]*(?P<n>\d{1,3})(?:、|[.．](?!\d))")),
    ("arabic_paren", re.compile(r"(?m)^[ \t\u3000]*[（(](?P<n>\d{1,3})[）)]")),
)
# A heading sequence restarts under each heading of the level above, so a break is only judged between two
# headings of one kind with no heading of a higher kind between them.
_LEVEL = {"cn": 0, "cn_paren": 1, "arabic": 2, "arabic_paren": 3}


def _value(kind: str, raw: str) -> int | None:
    if not kind.startswith("cn"):
        return int(raw)
    try:
        value = cn_small_to_int(raw)
    except ValueError:
        return None  # 十十: not a numeral
    return value if 0 < value < 100 else None


def _enumerations(text: str) -> Iterator[Hit]:
    marks: list[tuple[int, str, int, re.Match[str]]] = []
    for kind, pattern in _HEADINGS:
        for m in pattern.finditer(text):
            value = _value(kind, m.group("n"))
            if value is not None:
                marks.append((m.start("n"), kind, value, m))
    marks.sort(key=lambda x: x[0])
    last: dict[str, tuple[int, re.Match[str]]] = {}
    for _, kind, value, m in marks:
        for other, level in _LEVEL.items():
            if level > _LEVEL[kind]:
                last.pop(other, None)  # a higher heading starts the lower lists afresh
        prev = last.get(kind)
        last[kind] = (value, m)
        if prev is None or value == 1 or value == prev[0] + 1:
            continue
        expected = prev[0] + 1
        shown = m.group("n")
        want = int_to_cn_small(expected) if kind.startswith("cn") else str(expected)
        before = int_to_cn_small(prev[0]) if kind.startswith("cn") else str(prev[0])
        problem = "重复" if value == prev[0] else ("跳号" if value > expected else "顺序颠倒")
        # A skipped number may be an excerpt of a longer list (items quoted selectively): a hint to verify. A repeated
        # or backward number is wrong whatever the intent.
        severity = Severity.INFO if problem == "跳号" else Severity.WARN
        yield Hit(
            m.start("n"), m.end("n"), f"{CATEGORY}.enumeration",
            f"序号{problem}：上一项为“{before}”，此处为“{shown}”，应为“{want}”（或补上缺少的项）",
            None,
            f"{NUMBERS}：层次序号应连续编排（此处前一项为“{before}”，本项为“{shown}”；可能漏项、多项或编号有误，"
            "请核对后修改）",
            severity=severity,
        )  # fmt: skip
