"""The editor widget in Chromium against a real service: debounced checks, underlines, list, apply, mask, CORS."""

from __future__ import annotations

PHONE = "13800138000"


def open_demo(page, service, token: str, debounce: int = 300):
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if r.url.endswith("/api/v1/check") else None)
    page.goto(f"{service.base_url}/integrations/widget/demo?debounce={debounce}#token={token}")
    return checks


def test_findings_are_underlined_by_severity_and_listed(page, service, browser_token):
    open_demo(page, service, browser_token())
    plain = page.locator("#plain").locator("xpath=..")  # the widget wraps the textarea
    page.wait_for_selector(".rw-panel >> nth=0 >> .rw-item[data-category='pii.phone']")
    mark = plain.locator("mark.rw-block")
    assert mark.first.inner_text() == PHONE
    color = mark.first.evaluate("m => getComputedStyle(m).textDecorationColor")
    assert color == "rgb(197, 34, 31)"  # block: red wavy underline
    assert plain.locator("mark.rw-warn").count() >= 1  # the name 王小明 in a 公示 is a warning
    panel = page.locator(".rw-panel").first
    assert "发现" in panel.locator(".rw-status").inner_text()
    item = panel.locator(".rw-item[data-category='pii.phone']")
    assert "阻断" in item.inner_text() and PHONE in item.inner_text()


def test_typing_is_debounced_into_one_check(page, service, browser_token):
    checks = open_demo(page, service, browser_token(), debounce=400)
    page.wait_for_function("window.reviewWidgets && window.reviewWidgets.plain.checks >= 1")
    before = len(checks)
    page.locator("#plain").press("End")
    page.locator("#plain").press_sequentially("联系邮箱zhangsan@163.com", delay=30)
    page.wait_for_selector(".rw-panel >> nth=0 >> .rw-item[data-category='pii.email']")
    page.wait_for_timeout(600)
    assert len(checks) - before == 1  # 22 keystrokes, one request


def test_apply_a_suggestion_with_one_click(page, service, browser_token):
    open_demo(page, service, browser_token())
    panel = page.locator(".rw-panel").first
    panel.locator(".rw-item[data-category='pii.phone'] .rw-apply").click()
    page.wait_for_function(
        "!window.reviewWidgets.plain.findings.some(f => f.category === 'pii.phone') &&"
        " document.querySelector('#plain').value.includes('138****8000')"
    )
    assert PHONE not in page.locator("#plain").input_value()


def test_offsets_survive_characters_outside_the_bmp(page, service, browser_token):
    open_demo(page, service, browser_token())
    page.wait_for_function("window.reviewWidgets && window.reviewWidgets.plain.checks >= 1")
    page.locator("#plain").fill(f"😀𠀀联系电话{PHONE}。")
    page.wait_for_function("document.querySelector('.rw-backdrop mark.rw-block')?.textContent === '13800138000'")


def test_contenteditable_highlights_and_mask_all(page, service, browser_token):
    open_demo(page, service, browser_token())
    page.wait_for_function("window.reviewWidgets && window.reviewWidgets.rich.checks >= 1")
    highlighted = page.evaluate(
        "[...CSS.highlights.entries()].filter(([name]) => name.endsWith('-block'))"
        ".flatMap(([, highlight]) => [...highlight].map((range) => range.toString()))"
    )
    assert PHONE in highlighted
    rich_panel = page.locator(".rw-panel").nth(1)
    rich_panel.locator(".rw-mask").click()
    page.wait_for_function("document.querySelector('#rich').textContent.includes('138****8000')")
    text = page.locator("#rich").inner_text()
    assert PHONE not in text and "z***@163.com" in text
    assert page.locator("#rich b").count() == 1  # the markup around the masked text stays
    page.wait_for_function("!window.reviewWidgets.rich.findings.some(f => f.category.startsWith('pii.'))")


def test_an_invalid_token_is_reported_not_hidden(page, service):
    open_demo(page, service, "rvs_expired-or-forged")
    page.wait_for_selector(".rw-panel[data-state=error]")
    assert "令牌已失效" in page.locator(".rw-status").first.inner_text()


def test_cors_allows_only_the_configured_origin(page, service, browser_token, origins):
    allowed, refused = origins
    token = browser_token("lisi")
    page.goto(f"{allowed.origin}/cms.html#token={token}&endpoint={service.base_url}")
    page.wait_for_selector(".rw-item[data-category='pii.phone']")
    page.goto(f"{refused.origin}/cms.html#token={token}&endpoint={service.base_url}")
    page.wait_for_selector(".rw-panel[data-state=error]")
    assert "无法连接审校服务" in page.locator(".rw-status").inner_text()
    assert page.locator(".rw-item").count() == 0


def test_an_expired_token_is_renewed_through_the_cms(page, service, browser_token):
    """On 401 the widget asks the CMS (getToken) once for a new token and repeats the call."""
    open_demo(page, service, "rvs_expired")
    page.wait_for_selector(".rw-panel[data-state=error]")
    page.locator("#token").fill(browser_token())  # the demo's getToken reads this field
    page.locator("#token").dispatch_event("change")
    page.wait_for_selector(".rw-panel >> nth=0 >> .rw-item[data-category='pii.phone']")
    assert page.locator(".rw-panel[data-state=error]").count() == 0
