"""The reviewer's rich-text view: marks land on the findings' text and never change the tree around it."""

from __future__ import annotations

import re

import pytest

from review_service.web.rich_view import editable_html, marked_html

BODIES = [
    "<p>联系电话：<b>13800138000</b>，地址&amp;某处</p>",
    "<table><tr><td>张三</td><td>13912345678</td></tr></table><p>再接再励</p>",
    '<ul><li>一、<a href="https://www.gov.cn/">原文</a></li><li>二、&lt;附件&gt;</li></ul>',
    "<p>甲<br>乙\r\n丙</p><pre>  代码  </pre>",
]
MARK = re.compile(r'<mark class="mark sev-(?:block|warn|info)" data-finding="\d+">|<sup>\d+</sup></mark>|</mark>')


def _text_positions(body: str) -> list[int]:
    """Offsets of characters outside tags (where a finding may start or end)."""
    inside, out = False, []
    for i, ch in enumerate(body):
        if ch == "<":
            inside = True
        if not inside:
            out.append(i)
        if ch == ">":
            inside = False
    return out


@pytest.mark.parametrize("body", BODIES)
def test_every_span_marks_without_changing_the_rendering(body: str) -> None:
    plain = marked_html(body, [])
    positions = _text_positions(body)
    for start in positions:
        for end in (e for e in [*positions, len(body)] if e > start):
            finding = {"field": "body", "start": start, "end": end, "severity": "warn"}
            marked = marked_html(body, [finding])
            assert 'data-finding="1"' in marked, (start, end)
            assert MARK.sub("", marked) == plain, (start, end, marked)


def test_marks_carry_the_list_numbers_and_only_body_findings() -> None:
    body = "<p>电话<b>13800138000</b>，再接再励。</p>"
    findings = [
        {"field": "title", "start": 0, "end": 2, "severity": "block"},
        {"field": "body", "start": body.index("1380"), "end": body.index("1380") + 11, "severity": "block"},
        {"field": "body", "start": body.index("再接再励"), "end": body.index("再接再励") + 4, "severity": "info"},
    ]
    marked = marked_html(body, findings)
    assert '<b><mark class="mark sev-block" data-finding="2">13800138000<sup>2</sup></mark></b>' in marked
    assert '<mark class="mark sev-info" data-finding="3">再接再励<sup>3</sup></mark>' in marked
    assert 'data-finding="1"' not in marked


@pytest.mark.parametrize(
    "body",
    [
        '<p onclick="x()">a<img src=x onerror=alert(1)></p>',
        "<p>a<script>alert(1)</script></p>",
        '<p><a href="javascript:alert(1)">b</a><svg onload=alert(1)></svg></p>',
        "<p>a<style>*{color:red}</style><iframe src=//e></iframe></p>",
        '<p title="a" title="b">dup</p>',
        "<p>cut <b",
    ],
)
def test_hostile_or_refused_bodies_render_without_active_parts(body: str) -> None:
    finding = {"field": "body", "start": 3, "end": 5, "severity": "severity<script>"}
    out = marked_html(body, [finding])
    for bad in ("onclick", "<script", "onerror", "javascript:", "<iframe", "<style", "onload", "<svg"):
        assert bad not in out
    assert editable_html(body) is None  # the rich editor is not offered for what the model refuses


def test_the_editor_starts_from_the_canonical_tree() -> None:
    body = '<p data-block-key="x1">甲<b>乙</b></p><p>丙&nbsp;丁</p>'
    assert editable_html(body) == "<p>甲<b>乙</b></p><p>丙\xa0丁</p>"


@pytest.mark.parametrize(
    ("body", "notes"),
    [
        (
            '<p>通知</p><video src="https://v.example.cn/a.mp4?x=1&amp;y=2" poster="https://v.example.cn/p.jpg" '
            "controls></video>",
            ["〔视频：https://v.example.cn/a.mp4?x=1&amp;y=2，封面 https://v.example.cn/p.jpg〕"],
        ),
        (
            '<p>讲话录音</p><audio controls><source src="https://v.example.cn/a.mp3" type="audio/mpeg"></audio>',
            ["〔音频〕", "〔媒体源：https://v.example.cn/a.mp3〕"],
        ),
    ],
)
def test_audio_and_video_the_reader_gets_are_named_in_the_reviewer_view(body: str, notes: list[str]) -> None:
    """The page's allow-list drops media elements; the reviewer must still see that a clip goes out, and from where."""
    out = marked_html(body, [])
    for note in notes:
        assert f"<code>{note}</code>" in out, out
    assert "<video" not in out and "<audio" not in out and "<source" not in out


def test_text_that_looks_like_a_media_tag_stays_text() -> None:
    body = '<p title="&lt;video src=&quot;x&quot;&gt;">&lt;audio src="y"&gt;</p>'
    out = marked_html(body, [])
    assert "〔" not in out and "&lt;audio" in out


def test_tel_links_the_model_allows_keep_their_target() -> None:
    assert 'href="tel:12345"' in marked_html('<p><a href="tel:12345">值班电话</a></p>', [])


def test_background_images_and_link_pings_are_named_in_the_reviewer_view() -> None:
    body = (
        '<table background="https://img.example.cn/bg.png"><tr><td>甲</td></tr></table>'
        '<p><a href="https://www.gov.cn/" ping="https://track.example.com/p">原文</a></p>'
    )
    out = marked_html(body, [])
    assert "<code>〔元素：背景图 https://img.example.cn/bg.png〕</code>" in out, out
    assert "<code>〔链接：点击时通知 https://track.example.com/p〕</code>" in out, out
    assert "background=" not in out and "ping=" not in out
    assert "〔" not in marked_html('<p><a href="https://www.gov.cn/">原文</a><img src="https://e.cn/a.png"></p>', [])


@pytest.mark.parametrize("body", ["<p>甲</p><!-- 联系人 <张三> -->", "<pre>\n\n  代码</pre>"])
def test_the_editor_is_not_offered_for_a_tree_its_seed_would_not_rebuild(body: str) -> None:
    """The editor writes back the tree it starts from: a seed that parses to another tree (escapes in a
    comment stay literal; a leading line break in <pre> is dropped) would change untouched content."""
    assert editable_html(body) is None


def test_the_editor_seed_rebuilds_the_same_tree_for_ordinary_rich_text() -> None:
    from checks.html_model import parse_html

    for body in [*BODIES, '<p title="a&quot;b<c>">x</p><!-- 备注 -->', "<ul><li>a<li>b</ul>"]:
        seed = editable_html(body)
        assert seed is not None and parse_html(seed).canonical == parse_html(body).canonical, body
