"""The format checks' narrowed scans find what a scan of the whole text finds.

文号 are looked for only around a bracket followed by a year, verbatim spans only on lines holding
``://``, ``www.``, ``@``, ``:\\`` or a backtick: the matches must be the same, in the same order.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.formatting.doc_number import DOC_NUMBER, find_doc_numbers
from checks.formatting.textspans import _VERBATIM, verbatim_spans

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
