"""Normalization keeps a map back to the caller's text; checks detect on the cleaned text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.normalize import fold_char, normalize, normalize_html_field


@pytest.mark.parametrize(
    ("source", "is_html", "expected"),
    [
        ("１３８ＡＢｃ", False, "138ABc"),
        ("甲\u3000乙\u00a0丙\t丁", False, "甲 乙 丙\t丁"),
        ("行一\r\n行二\r行三", False, "行一\n行二\n行三"),
        ("零\u200b宽\ufeff", False, "零宽"),
        ("<p>第一段</p><p>第二段&nbsp;完</p>", False, "<p>第一段</p><p>第二段&nbsp;完</p>"),  # plain text is text
        ("通知。<!-- 绝密 -->", False, "通知。<!-- 绝密 -->"),
        ("<p>第一段</p><p>第二段&nbsp;完</p>", True, "\n第一段\n\n第二段 完\n"),
        ("a<b and c>d", False, "a<b and c>d"),
        ("<div>正文<script>alert(1)</script><style>p{}</style>结束</div>", True, "\n正文结束\n"),
        ("<head><title>标题</title></head><noscript>可见</noscript>", True, "标题可见"),
        ("<span>文</span><b>字</b>&amp;&#x4E2D;&#22269;", True, "文字&中国"),
        ("<!-- 注释 -->可见", True, "可见"),
    ],
)
def test_normalized_text(source, is_html, expected):
    assert normalize(source, is_html=is_html).text == expected


def test_spans_map_to_source():
    source = "<p>电话：<b>１３８</b>&nbsp;0013</p>"
    norm = normalize(source, is_html=True)
    start = norm.text.index("138")
    s, e = norm.to_source(start, start + 3)
    assert source[s:e] == "１３８"
    space = norm.text.index(" ")
    assert source[slice(*norm.to_source(space, space + 1))] == "&nbsp;"


def test_crlf_is_one_character_covering_both():
    norm = normalize("a\r\nb", is_html=False)
    assert norm.text == "a\nb"
    assert norm.to_source(1, 2) == (1, 3)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.booleans())
def test_offsets_are_monotonic_and_inside_source(source, is_html):
    norm = normalize(source, is_html=is_html)
    assert len(norm.source_starts) == len(norm.text) == len(norm.source_ends)
    previous = (0, 0)
    for s, e in zip(norm.source_starts, norm.source_ends, strict=True):
        assert 0 <= s < e <= len(source)
        # each character comes after the previous one, or shares its span (an entity such as
        # &NotEqualTilde; expands to two characters)
        assert s >= previous[1] - 1 or (s, e) == previous
        previous = (s, e)


def test_crlf_in_html_text_keeps_per_character_offsets():
    source = "<p>一行\r\n二行 13800138000</p>"
    norm = normalize(source, is_html=True)
    start = norm.text.index("13800138000")
    assert source[slice(*norm.to_source(start, start + 11))] == "13800138000"
    assert source[slice(*norm.to_source(norm.text.index("二"), norm.text.index("二") + 1))] == "二"


def test_html_comments_and_attributes_are_fields_of_their_own():
    source = (
        '<p title="提示文字">正文<!-- 内部备注 --><a href="https://x.example/a" alt="x">链接</a>'
        '<img alt="图片说明"></p>'
    )
    comment = normalize_html_field(source, "comment")
    assert comment.text == " 内部备注 "
    assert source[slice(*comment.to_source(1, 5))] == "内部备注"
    attribute = normalize_html_field(source, "attribute")
    assert attribute.text.split("\n") == ["提示文字", "https://x.example/a", "x", "图片说明"]
    at = attribute.text.index("图片说明")
    assert source[slice(*attribute.to_source(at, at + 4))] == "图片说明"


def _per_character(source: str, *, crlf: bool) -> tuple[str, list[int], list[int]]:
    """The plain definition: fold each character alone; with ``crlf``, a \\n right after \\r joins its span."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(source):
        folded = fold_char(ch)
        if not folded:
            continue
        if crlf and ch == "\n" and source[i - 1 : i] == "\r" and chars and chars[-1] == "\n" and ends[-1] == i:
            ends[-1] = i + 1
            continue
        chars.append(folded)
        starts.append(i)
        ends.append(i + 1)
    return "".join(chars), starts, ends


_TRICKY = st.text(alphabet=st.sampled_from(list("a1。中 \r\n\t<>&;\u3000\u00a0\u200b\ufeff\u2060１Ａｚ")), max_size=60)


@given(_TRICKY)
def test_plain_text_folded_in_runs_equals_folding_each_character(source):
    norm = normalize(source, is_html=False)
    text, starts, ends = _per_character(source, crlf=True)
    assert (norm.text, list(norm.source_starts), list(norm.source_ends)) == (text, starts, ends)


@given(_TRICKY)
def test_html_text_folded_in_runs_equals_folding_each_character(source):
    from checks.html_model import parse_html

    expected: tuple[list[str], list[int], list[int]] = ([], [], [])
    for piece in parse_html(source).pieces:
        for i, ch in enumerate(piece.text):
            folded = fold_char(ch)
            if folded:
                expected[0].append(folded)
                expected[1].append(piece.start + i if piece.exact else piece.start)
                expected[2].append(piece.start + i + 1 if piece.exact else piece.end)
    norm = normalize(source, is_html=True)
    assert (norm.text, list(norm.source_starts), list(norm.source_ends)) == (
        "".join(expected[0]),
        expected[1],
        expected[2],
    )


def test_a_lone_surrogate_is_read_as_a_replacement_character_where_it_stands():
    source = "通知a\ud83d。\udc00"
    normalized = normalize(source, is_html=False)
    assert normalized.text == "通知a\ufffd。\ufffd"
    assert normalized.to_source(3, 4) == (3, 4) and normalized.to_source(5, 6) == (5, 6)
    assert fold_char("\ud800") == "\ufffd" and fold_char("\U0001f600") == "\U0001f600"  # a real astral character stays


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ({"body": "通知a\ud83d。联系电话13800138000，王小明。"}, ("body", "pii.phone")),
        (
            {"body": "<p>通知\udc00。</p><p title='x\ud800'>联系电话13800138000</p><!-- \udbff -->", "is_html": True},
            ("body", "pii.phone"),
        ),
        ({"body": "县政府召开会议。", "title": "电话13800138000\ud83d", "summary": "\udfff"}, ("title", "pii.phone")),
    ],
)
def test_a_draft_with_lone_surrogates_is_checked_past_them(check, draft, expected):
    body = draft.pop("body")
    found = {(f.field, f.category) for f in check(body, **draft).findings}
    assert expected in found  # the checks ran over the whole text, not stopped at the broken character
