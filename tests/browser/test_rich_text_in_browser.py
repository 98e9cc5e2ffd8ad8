"""Rich text in Chromium: reviewers read an HTML draft rendered with its findings marked (not its source),
and a proofreader edits it as rich text; what the editor saves goes through the same model and refusals."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.browser.test_review_in_browser import open_as

BODY = (
    '<p data-block-key="a1">请联系经办人，电话<b>13912345678</b>，办理相关手续。</p>'
    '<p data-block-key="b2">详见<a href="https://www.gov.cn/zhengce/">原文</a>。</p>'
)


def _versions(server, people, draft_id: int) -> list[dict]:
    r = httpx.get(f"{server.url}/api/v1/drafts/{draft_id}/versions", headers=people["editor"].headers, timeout=60)
    assert r.status_code == 200, r.text
    data = r.json()
    return data if isinstance(data, list) else data["items"]


def _version(server, people, draft_id: int, number: int) -> dict:
    url = f"{server.url}/api/v1/drafts/{draft_id}/versions/{number}"
    r = httpx.get(url, headers=people["editor"].headers, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_reviewers_read_rendered_rich_text_and_proofreaders_edit_it_as_rich_text(
    browser: Browser, site, screens
) -> None:
    server, people, _ = site
    created = httpx.post(
        f"{server.url}/api/v1/drafts",
        json={"title": "办理通知", "format": "html", "body": BODY},
        headers=people["editor"].headers,
        timeout=60,
    )
    assert created.status_code == 201, created.text
    draft_id = created.json()["id"]
    r = httpx.post(f"{server.url}/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
    assert r.status_code == 200, r.text

    proofreader = open_as(browser, server, "proof1")
    proofreader.goto(f"{server.url}/drafts/{draft_id}")
    rendered = proofreader.locator("#html-preview")
    expect(rendered.locator("b")).to_contain_text("13912345678")  # bold is bold, not "<b>"
    phone = rendered.locator("mark.mark[data-finding]").filter(has_text="13912345678")
    expect(phone).to_be_visible()
    number = phone.get_attribute("data-finding")
    expect(proofreader.locator(f"#f{number}")).to_contain_text("电话")  # the mark's number is the finding's
    assert "<p" not in rendered.inner_text() and "data-block-key" not in rendered.inner_html()
    expect(proofreader.locator("#marked-body")).to_be_hidden()  # the source only on request
    screens.take(proofreader, "rich_text")

    proofreader.click("#btn-edit")
    editor = proofreader.locator("#rich-editor")
    expect(editor).to_be_visible()
    expect(proofreader.locator("textarea#body")).to_be_hidden()
    expect(editor.locator("b")).to_have_text("13912345678")
    editor.locator("p").first.click()
    proofreader.keyboard.press("End")
    proofreader.keyboard.type("请携带身份证。")
    editor.locator("a").click()  # a second paragraph made a heading with the toolbar
    proofreader.click("#rich-toolbar [data-value=h3]")
    screens.take(proofreader, "rich_editor")
    proofreader.click("#btn-save")
    expect(proofreader.locator(".flash")).to_contain_text("已保存校对修改")

    saved = _version(server, people, draft_id, 2)
    body = saved["body"]
    assert "<b>13912345678</b>" in body and "请携带身份证。" in body
    assert "<h3>" in body and 'href="https://www.gov.cn/zhengce/"' in body
    assert "contenteditable" not in body and "<mark" not in body and "<sup" not in body
    expect(proofreader.locator("#html-preview h3")).to_contain_text("原文")


def test_active_content_typed_into_the_editor_is_refused_and_changes_nothing(browser: Browser, site) -> None:
    server, people, _ = site
    created = httpx.post(
        f"{server.url}/api/v1/drafts",
        json={"title": "通知", "format": "html", "body": "<p>区政府召开常务会议。</p>"},
        headers=people["editor"].headers,
        timeout=60,
    )
    draft_id = created.json()["id"]
    httpx.post(f"{server.url}/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
    before = len(_versions(server, people, draft_id))
    proofreader = open_as(browser, server, "proof2")
    alerts: list[str] = []
    proofreader.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    proofreader.goto(f"{server.url}/drafts/{draft_id}/edit")
    editor = proofreader.locator("#rich-editor")
    expect(editor).to_be_visible()
    # What a paste from a hostile page could leave in the editor's tree.
    editor.evaluate(
        """node => {
        const img = document.createElement('img');
        img.setAttribute('src', 'x');
        img.setAttribute('onerror', 'alert(1)');
        node.append(img);
    }"""
    )
    proofreader.click("#btn-save")
    expect(proofreader.locator(".flash-error").first).to_contain_text("<img onerror=>")
    assert len(_versions(server, people, draft_id)) == before
    assert alerts == []  # the page's policy never ran the handler
