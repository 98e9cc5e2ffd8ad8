"""Markup remnants are a plain-text problem: an HTML draft's tags are its structure, in every field of it."""

from __future__ import annotations

from checks import DraftInput

BODY = (
    '<p data-block-key="a1">请联系经办人，办理相关手续。</p>'
    '<p title="说明">详见<a href="https://www.gov.cn/zhengce/">原文</a>。<!-- 内部备注 --></p>'
)


def test_an_html_draft_has_no_markup_remnant_findings_but_plain_text_and_titles_do(engine) -> None:
    html = engine.check(DraftInput(body=BODY, title="通知", is_html=True))
    assert not [f for f in html.findings if f.rule.endswith("markup_remnant")]
    plain = engine.check(DraftInput(body="请联系经办人，<b>办理</b>相关手续。", title="通知"))
    assert [f.field for f in plain.findings if f.rule.endswith("markup_remnant")] == ["body", "body"]
    title = engine.check(DraftInput(body=BODY, title="通知<br>全文", is_html=True))
    assert [f.field for f in title.findings if f.rule.endswith("markup_remnant")] == ["title"]
