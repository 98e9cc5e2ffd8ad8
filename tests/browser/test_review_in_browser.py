"""An editor and six reviewers do their work in Chromium: 三审三校 end to end, returns, refusals, XSS."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import resident_id
from tests.live_server import LiveServer
from tests.workflow_helpers import Person

ID_NUMBER = resident_id("11010519491231002")
WRONG_DOC_NUMBER = "京政办发[2024]第7号"
BODY = (
    "关于发放2024年度困难群众临时救助金的公示\n"
    f"根据{WRONG_DOC_NUMBER}文件精神，现将救助对象公示如下：\n"
    f"申请人：李秀英，联系电话：13912345678，身份证号：{ID_NUMBER}。\n"
    "公示期为七个工作日，如有异议请向区民政局反映。"
)


def open_as(browser: Browser, server: LiveServer, username: str) -> Page:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.click("#login-button")
    expect(page.locator(".who")).to_contain_text(username)
    return page


def draft_id_of(page: Page) -> int:
    match = re.search(r"/drafts/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def pass_or_approve(browser: Browser, server: LiveServer, username: str, draft_id: int, button: str) -> Page:
    page = open_as(browser, server, username)
    page.goto(f"{server.url}/queue")
    page.click(f"tr[data-draft='{draft_id}'] a")
    page.click(f"#btn-{button}")
    expect(page.locator(".flash").first).to_contain_text("通过")
    return page


def test_editor_fixes_findings_and_three_reviews_three_proofreads_reach_the_gate(
    browser: Browser, site: tuple[LiveServer, dict[str, Person], object], screens
) -> None:
    server, people, _ = site
    editor = open_as(browser, server, "editor")
    editor.goto(f"{server.url}/workspace")
    editor.fill("#title", "困难群众临时救助金公示")
    editor.fill("#body", BODY)
    editor.fill("input[name=doc_number]", WRONG_DOC_NUMBER)
    editor.click("#btn-check")  # answered in place (review.js): wait for the result, not a page load
    expect(editor.locator("#verdict")).to_be_visible()

    findings = editor.locator("#findings li.finding")
    categories = set(findings.evaluate_all("els => els.map(e => e.dataset.category)"))
    assert {"pii.phone", "pii.id_card", "format.doc_number"} <= categories
    expect(editor.locator("#marked-body a.mark.sev-block").first).to_be_visible()
    screens.take(editor, "workspace")

    editor.click("#btn-mask")
    expect(editor.locator(".flash").first).to_contain_text("脱敏")
    body = editor.input_value("#body")
    assert "13912345678" not in body and ID_NUMBER not in body
    assert "李秀英" not in body

    editor.click("button[data-kind='format.doc_number']")
    expect(editor.locator("#body")).to_have_value(re.compile("京政办发〔2024〕7号"))
    assert editor.input_value("input[name=doc_number]") == "京政办发〔2024〕7号"
    assert editor.locator("#findings li.sev-block").count() == 0

    editor.click("#btn-submit")
    expect(editor.locator("#draft-status")).to_have_text("审核中")
    expect(editor.locator("#draft-stage")).to_have_text("一校")
    draft_id = draft_id_of(editor)

    # The author may not act on any stage of their own draft: no button, and a forged post is refused.
    expect(editor.locator("#btn-pass")).to_have_count(0)
    token = editor.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = editor.request.post(
        f"{server.url}/drafts/{draft_id}/act", form={"csrf_token": token or "", "action": "pass"}
    )
    assert "操作未执行" in forged.text()
    editor.reload()
    expect(editor.locator("#draft-stage")).to_have_text("一校")

    proof1 = pass_or_approve(browser, server, "proof1", draft_id, "pass")
    screens.take(proof1, "draft")
    # The same person may not hold a second stage of this draft.
    proof1.reload()
    expect(proof1.locator("#draft-stage")).to_have_text("二校")
    expect(proof1.locator("#btn-pass")).to_have_count(0)
    token = proof1.locator("input[name=csrf_token]").first.get_attribute("value")
    proof1.request.post(f"{server.url}/drafts/{draft_id}/act", form={"csrf_token": token or "", "action": "pass"})
    proof1.reload()
    expect(proof1.locator("#draft-stage")).to_have_text("二校")

    queue = open_as(browser, server, "proof2")
    queue.goto(f"{server.url}/queue")
    expect(queue.locator(f"tr[data-draft='{draft_id}']")).to_be_visible()
    expect(queue.locator("#pending-count")).to_have_text("1")
    screens.take(queue, "queue")

    pass_or_approve(browser, server, "proof2", draft_id, "pass")
    pass_or_approve(browser, server, "proof3", draft_id, "pass")
    pass_or_approve(browser, server, "rev1", draft_id, "approve")
    pass_or_approve(browser, server, "rev2", draft_id, "approve")
    final = pass_or_approve(browser, server, "rev3", draft_id, "approve")
    expect(final.locator("#draft-status")).to_have_text("已通过")

    # The publish gate allows exactly the approved content, and nothing else.
    current = httpx.get(f"{server.url}/api/v1/drafts/{draft_id}", headers=people["editor"].headers).json()
    version = httpx.get(
        f"{server.url}/api/v1/drafts/{draft_id}/versions/{current['current_version']}", headers=people["editor"].headers
    ).json()
    gate = {"channel": "website", "title": version["title"], "body": version["body"], "summary": version["summary"]}
    allowed = httpx.post(f"{server.url}/api/v1/publish-gate", json=gate, headers=people["cms"].headers)
    assert allowed.status_code == 200 and allowed.json()["decision"] == "allow"
    assert allowed.json()["content_hash"] == version["content_hash"] and allowed.json()["receipt"]
    changed = {**gate, "body": gate["body"] + "补充一句。"}
    refused = httpx.post(f"{server.url}/api/v1/publish-gate", json=changed, headers=people["cms"].headers)
    assert refused.json()["decision"] == "refuse"

    dashboard = open_as(browser, server, "rev3")
    dashboard.goto(f"{server.url}/dashboard")
    expect(dashboard.locator("svg.chart")).to_be_visible()
    screens.take(dashboard, "dashboard")


def _api_draft(server: LiveServer, person: Person, title: str, body: str) -> int:
    created = httpx.post(f"{server.url}/api/v1/drafts", json={"title": title, "body": body}, headers=person.headers)
    assert created.status_code == 201, created.text
    draft_id = created.json()["id"]
    submitted = httpx.post(f"{server.url}/api/v1/drafts/{draft_id}/submit", json={}, headers=person.headers)
    assert submitted.status_code == 200, submitted.text
    return draft_id


def test_a_return_needs_a_comment_and_the_author_sees_it(
    browser: Browser, site: tuple[LiveServer, dict[str, Person], object]
) -> None:
    server, people, _ = site
    draft_id = _api_draft(server, people["editor2"], "区政府常务会议召开", "区政府召开常务会议，研究部署近期重点工作。")
    proof = open_as(browser, server, "proof3")
    proof.goto(f"{server.url}/drafts/{draft_id}")
    proof.click("#btn-return")
    expect(proof.locator(".flash-error")).to_contain_text("意见")
    expect(proof.locator("#draft-status")).to_have_text("审核中")

    proof.fill("#act-comment", "第二段时间表述不清，请核实会议日期。")
    proof.click("#btn-return")
    expect(proof.locator("#draft-status")).to_have_text("已退回")

    author = open_as(browser, server, "editor2")
    author.goto(f"{server.url}/drafts/{draft_id}")
    expect(author.locator("ul.comments")).to_contain_text("请核实会议日期")
    expect(author.locator("#btn-new-version")).to_be_visible()


@pytest.mark.parametrize("field", ["body", "title"])
def test_script_in_a_draft_never_runs_in_a_reviewers_browser(
    browser: Browser, site: tuple[LiveServer, dict[str, Person], object], field: str
) -> None:
    server, people, _ = site
    attack = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    texts = {"title": "通知", "body": "请各单位按时报送材料。"}
    texts[field] = texts[field] + attack
    draft_id = _api_draft(server, people["editor"], texts["title"], texts["body"])
    reviewer = open_as(browser, server, "proof1")
    reviewer.goto(f"{server.url}/drafts/{draft_id}")
    expect(reviewer.locator("#draft-title" if field == "title" else "#marked-body")).to_contain_text("<script>")
    assert reviewer.evaluate("window.__xss") is None
    assert reviewer.locator("img[src=x]").count() == 0

    editor = open_as(browser, server, "editor")
    editor.goto(f"{server.url}/workspace")
    editor.fill("#body", "请各单位按时报送材料。" + attack)
    editor.click("#btn-check")
    expect(editor.locator("#marked-body")).to_contain_text("<script>")
    assert editor.evaluate("window.__xss") is None


def test_admin_creates_a_person_who_must_change_the_one_time_password(
    browser: Browser, site: tuple[LiveServer, dict[str, Person], object], screens
) -> None:
    server, _, settings = site
    from review_service.db import unit_of_work
    from review_service.users import create_user

    with unit_of_work(settings) as session:  # type: ignore[arg-type]
        create_user(session, username="boss", role="admin", password="pw-boss")
    admin = open_as(browser, server, "boss")
    admin.goto(f"{server.url}/admin/users")
    admin.fill("#new-user input[name=username]", "newproof")
    admin.fill("#new-user input[name=display_name]", "王校对")
    admin.select_option("#new-user select[name=role]", "proofreader")
    admin.click("#new-user button[type=submit]")
    secret = admin.locator("#shown-secret code").inner_text()
    assert len(secret) >= 8
    screens.take(admin, "admin")

    context = browser.new_context(locale="zh-CN")
    newcomer = context.new_page()
    newcomer.goto(f"{server.url}/login")
    screens.take(newcomer, "login")
    newcomer.fill("input[name=username]", "newproof")
    newcomer.fill("input[name=password]", "not-the-password")
    newcomer.click("#login-button")
    expect(newcomer.locator("#login-error")).to_have_text("用户名或密码错误")
    newcomer.fill("input[name=username]", "newproof")
    newcomer.fill("input[name=password]", secret)
    newcomer.click("#login-button")
    expect(newcomer).to_have_url(re.compile(r":\d+/password$"))
    newcomer.goto(f"{server.url}/queue")
    expect(newcomer).to_have_url(re.compile(r":\d+/password$"))
    newcomer.fill("input[name=old_password]", secret)
    newcomer.fill("input[name=new_password]", "a-new-passphrase")
    newcomer.fill("input[name=confirm]", "a-new-passphrase")
    newcomer.click("#save-password")
    expect(newcomer).to_have_url(re.compile(r":\d+/queue$"))
    expect(newcomer.locator(".who")).to_contain_text("王校对")


def test_html_drafts_are_previewed_sanitized_in_the_browser(
    browser: Browser, site: tuple[LiveServer, dict[str, Person], object]
) -> None:
    server, people, _ = site
    created = httpx.post(
        f"{server.url}/api/v1/drafts",
        json={
            "title": "政策解读",
            "format": "html",
            "body": '<p>详见<a href="https://www.gov.cn/zhengce/">原文</a></p>',
        },
        headers=people["editor2"].headers,
    )
    assert created.status_code == 201, created.text
    reviewer = open_as(browser, server, "proof2")
    reviewer.goto(f"{server.url}/drafts/{created.json()['id']}")
    link = reviewer.locator("#html-preview a")
    expect(link).to_have_text("原文")
    assert link.get_attribute("href") == "https://www.gov.cn/zhengce/"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    expect(reviewer.locator("#marked-body")).to_contain_text('<a href="https://www.gov.cn/zhengce/">')
