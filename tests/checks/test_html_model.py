"""The one HTML model: what the parse reports for the checks, the refusals and the canonical form."""

from __future__ import annotations

import pytest

from checks.html_model import REFUSED_PARSE_ERRORS, parse_html
from checks.html_safety import html_refusal


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('<a href="/a" href="/b">x</a>', "duplicate-attribute"),
        ('<p>x</p><img src="a.png"', "eof-in-tag"),
        ("<p>x</p><img src=a.png alt", "eof-in-tag"),
        ("<p>x</p><!-- 未闭合", "eof-in-comment"),
        ("<p>x</p><!-->", "abrupt-closing-of-empty-comment"),
        ("<p>x</p><!--->", "abrupt-closing-of-empty-comment"),
        ("<!-- a --!><p>x</p>", "incorrectly-closed-comment"),
        ("<!-- a <!-- b --><p>x</p>", "nested-comment"),
        ("<p>一<search>二</search></p>", "unsupported-element"),
        ("<my-widget>x</my-widget>", "unsupported-element"),
    ],
)
def test_refused_parse_errors_have_stable_codes(body, code):
    model = parse_html(body)
    assert code in {r.code for r in model.refusals}
    assert code in REFUSED_PARSE_ERRORS
    assert html_refusal(body).code == code.replace("-", "_")


@pytest.mark.parametrize(
    "body",
    [
        "<p>第一段<p>第二段",  # omitted optional end tags are valid HTML
        "<ul><li>一<li>二</ul>",
        "<table><tr><td>甲<td>乙</table>",
        "<p>a &lt b &amp c</p>",  # entities without ';' in text are parse errors browsers recover from alike
        "<p>x<!-- 正常注释 --></p>",
        "<p>a</p ><br/><img src=a.png alt=''/>",
        "<P CLASS=x>大写</P>",
        "<p><o:p></o:p>从 Word 粘贴</p>",
    ],
)
def test_ordinary_html_is_accepted(body):
    assert parse_html(body).refusals == ()
    assert html_refusal(body) is None


def test_refusal_messages_name_the_place_in_both_languages():
    body = '<p>通知</p><a href="/a" href="/b">x</a>'
    refusal = html_refusal(body)
    assert refusal.offset == body.index("<a")
    assert str(refusal.offset) in refusal.message_zh and "duplicate-attribute" in refusal.message_en
    active = html_refusal('<p>通知</p><img src=x onerror="alert(1)">')
    assert active.code == "active_content" and "<img onerror=>" in active.message_zh


def test_located_text_points_into_the_source():
    body = '<p title="提示">正文&amp;说明</p><!-- 备注 --><a href="https://www.gov.cn/">链接</a>'
    model = parse_html(body)
    for piece in model.pieces:
        if piece.exact:
            assert body[piece.start : piece.end] == piece.text
    assert [(c.text, body[c.start : c.end]) for c in model.comments] == [(" 备注 ", " 备注 ")]
    assert [(a.text, body[a.start : a.end]) for a in model.attributes] == [
        ("提示", "提示"),
        ("https://www.gov.cn/", "https://www.gov.cn/"),
    ]
    amp = next(p for p in model.pieces if p.text == "&")
    assert body[amp.start : amp.end] == "&amp;" and not amp.exact


def test_script_and_style_text_is_code_not_prose():
    model = parse_html("<p>正文</p><script>var 秘密 = 1;</script><style>p{}</style>")
    assert "秘密" not in "".join(p.text for p in model.pieces)


def test_one_parse_per_body():
    body = "<p>一次解析</p>" * 3
    assert parse_html(body) is parse_html(body)


@pytest.mark.parametrize(
    "body",
    [
        "<b>" * 300,  # nesting deeper than 256 open elements
        "".join(f"<p><i class=c{i}></p>" for i in range(300)),  # active formatting elements
        "<a " + " ".join(f"x{i}=1" for i in range(300)) + ">",  # attributes of one tag
        "<" * 5000,  # parse errors
        "<i>x</i>" * 31_000,  # tokens
    ],
)
def test_input_that_would_make_the_parse_slow_is_refused_as_too_complex(body):
    model = parse_html(body)
    assert "too-complex" in {r.code for r in model.refusals}
    assert html_refusal(body).code in {"too_complex", "duplicate_attribute", "unsupported_element"}
    assert model.canonical == "\x00" + body  # hashed as its source: never the hash of a parsed tree


def test_limits_leave_ordinary_pages_alone():
    page = "<h2>一、总体要求</h2>" + "<p>各单位要<b>高度重视</b>，<a href='/x'>认真落实</a>。</p>" * 2000
    model = parse_html(page)
    assert model.refusals == () and model.active is None
