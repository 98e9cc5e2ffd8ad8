"""The format checks' narrowed scans find what a scan of the whole text finds.

文号 are looked for only around a bracket followed by a year, verbatim spans only on lines holding
``://``, ``www.``, ``@``, ``:\\`` or a backtick, and patterns that open with a look-behind only where they
may begin (a run of digits, 一 or 二): the matches must be the same, in the same order.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.formatting import number_date, number_usage, punctuation_usage, textspans
from checks.formatting.doc_number import DOC_NUMBER, find_doc_numbers
from checks.formatting.textspans import _VERBATIM, finditer_at, verbatim_spans

DOC_NUMBER_PIECES = [
    "国",
    "发",
    "办",
    "函",
    "根据",
    "〔",
    "〕",
    "[",
    "]",
    "【",
    "】",
    "（",
    "）",
    "(",
    ")",
    "20",
    "19",
    "24",
    "2024",
    "0",
    "7",
    "年",
    "第",
    "号",
    " ",
    "\n",
    "a",
    "，",
]
VERBATIM_PIECES = [
    "http",
    "https",
    "ftp",
    "://",
    "www.",
    "gov",
    ".cn",
    ".",
    "@",
    "a",
    "Z",
    "9",
    "_",
    "-",
    "C:\\",
    ":",
    "\\",
    "/",
    "`",
    " ",
    "\n",
    "中",
    "，",
    "（",
]


def _matches(found) -> list[tuple[tuple[int, int], dict[str, str]]]:
    return [(m.span(), m.groupdict()) for m in found]


def _opt(piece: str) -> st.SearchStrategy[str]:
    return st.sampled_from(["", piece])


# A 文号 with every optional part drawn, so that the texts hold many near and whole matches.
DOC_NUMBER_LIKE = st.tuples(
    st.text(alphabet="国发办函根据", max_size=18),
    _opt(" "),
    st.sampled_from("〔[【（(〈"),
    _opt(" "),
    st.sampled_from(["2024", "1999", "24", "3", "20245"]),
    _opt("年"),
    _opt(" "),
    st.sampled_from("〕]】）)〉"),
    _opt(" "),
    _opt("第"),
    _opt(" "),
    st.sampled_from(["7", "007", "1234567", ""]),
    _opt(" "),
    _opt("号"),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(DOC_NUMBER_PIECES), DOC_NUMBER_LIKE), max_size=30).map("".join))
def test_doc_numbers_found_around_brackets_equal_a_whole_scan(text):
    assert _matches(find_doc_numbers(text)) == _matches(DOC_NUMBER.finditer(text))


def test_the_longest_doc_number_the_pattern_allows_is_found_whole():
    org = "国" * 20  # the pattern takes the last 16
    text = f"根据{org} 【 2024年 】 第 000123 号文件，{org}[24]7号"
    assert _matches(find_doc_numbers(text)) == _matches(DOC_NUMBER.finditer(text))
    whole = ["国" * 16 + " 【 2024年 】 第 000123 号", "国" * 16 + "[24]7号"]
    assert [m.group(0) for m in find_doc_numbers(text)] == whole


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(VERBATIM_PIECES), max_size=50).map("".join))
def test_verbatim_spans_on_marked_lines_equal_a_whole_scan(text):
    assert verbatim_spans(text) == [m.span() for m in _VERBATIM.finditer(text)]


def _patterns_and_starts() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """Each pattern the format checks search with ``finditer_at``, with where its matches begin."""
    return [
        (number_date._CN_YEAR, textspans.YEAR_FIRST),
        (number_date._ANY_DATE, textspans.DIGIT_RUN_OR_YEAR),
        (number_date._SHORT_YEAR, textspans.DIGIT_RUN),
        (number_date._SEPARATED_DATE, number_date._ASCII_DIGIT_RUN),
        (number_date._ARABIC_DATE, textspans.DIGIT_RUN),
        (number_date._CN_DATE, textspans.YEAR_FIRST),
        (number_usage._DECIMAL_YU, textspans.DIGIT_RUN),
        (number_usage._MIXED, textspans.DIGIT_RUN),
        (number_usage._YEAR_RANGE_NO_YEAR, textspans.DIGIT_RUN),
        (punctuation_usage._RANGE, textspans.DIGIT_RUN),
        (punctuation_usage._MOJIBAKE, punctuation_usage._MOJIBAKE_FIRST),
    ]


NUMBER_PIECES = [
    "2024", "1999", "24", "3", "12", "05", "２０２４", "１２", "١٢", "二〇二四", "二〇〇", "一九九九", "二O二", "二零",
    "年", "月", "日", "十", "十二", "百", "千", "万", "亿", "五", "三十一", "余", "多", "个", "人", "元", "同期",
    "上半年", "季度", "第", ".", "．", "/", "-", "－", "~", "～", "至", "—", ":", "a", "x", " ", "\n", "的", "约",
    "锟斤拷", "烫", "屯", "\ufffd", "Ã©", "Â", "\u00a9", "鈥溿", "锛屽", "銆傚",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(NUMBER_PIECES), max_size=24).map("".join))
def test_patterns_tried_where_they_may_begin_find_what_a_whole_scan_finds(text):
    for pattern, starts in _patterns_and_starts():
        assert _matches(finditer_at(pattern, starts, text)) == _matches(pattern.finditer(text)), pattern.pattern


def test_the_mojibake_pattern_is_the_one_written_out_before_its_first_characters_were_named():
    assert punctuation_usage._MOJIBAKE.pattern == (
        r"(?:锟斤拷)+|(?:烫){3,}|(?:屯){3,}|\ufffd+"
        r"|(?:[ÃÂÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ][\u0080-\u00bf¡-¿]){2,}"
        r"|鈥[溿濇檚攢︹渶]|锛[屽涚氬]|銆[傚亗]"
    )


def test_a_date_after_a_full_width_digit_is_found_as_a_whole_scan_finds_it():
    text = "见２2024.1.5通知，１２24年3月，二〇二四年5月６日"
    assert [m.group("y") for m in finditer_at(number_date._SEPARATED_DATE, number_date._ASCII_DIGIT_RUN, text)] == [
        "2024"
    ]
    for pattern, starts in _patterns_and_starts():
        assert _matches(finditer_at(pattern, starts, text)) == _matches(pattern.finditer(text)), pattern.pattern
