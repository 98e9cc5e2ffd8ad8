"""The review loop in Chromium: a return is seen, a message arrives (and its mail), 采纳 in place, 定稿 copied."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import User
from tests.browser.test_review_in_browser import open_as
from tests.live_server import LiveServer
from tests.smtp_server import SmtpServer
from tests.workflow_helpers import Person, make_people

NOISY = "会议要求,各单位要高度重视,认真落实,确保安全。\n联系人：区应急管理局办公室。"
CLEAN = "区政府召开常务会议，研究部署安全生产工作。\n会议强调，要压实责任，确保安全。"
STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]


@contextmanager
def mailing_site(data_dir: Path, mailbox: str) -> Iterator[tuple[LiveServer, dict[str, Person], SmtpServer]]:
    """A live service with the workflow's people, sending mail to a local SMTP server; ``mailbox`` has an address."""
    smtp = SmtpServer()
    smtp.start()
    settings = Settings(data_dir=data_dir, smtp_url=smtp.url)
    people = make_people(settings)
    with unit_of_work(settings) as session:
        session.scalar(select(User).where(User.username == mailbox)).email = f"{mailbox}@example.gov.cn"
    server = LiveServer(settings).start()
    try:
        yield server, people, smtp
    finally:
        server.stop()
        smtp.stop()


@pytest.fixture(scope="module")
def loop_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, Person], SmtpServer]]:
    with mailing_site(tmp_path_factory.mktemp("loop"), "editor") as site:
        yield site


def api(server: LiveServer, person: Person, path: str, json: dict | None = None) -> dict:
    r = httpx.post(f"{server.url}/api/v1{path}", json=json or {}, headers=person.headers, timeout=60)
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_a_return_reaches_the_author_as_message_mail_and_banner_and_unchanged_resubmission_asks(
    browser: Browser, loop_site, screens
) -> None:
    server, people, smtp = loop_site
    draft_id = api(server, people["editor"], "/drafts", {"title": "常务会议通报", "body": CLEAN})["id"]
    api(server, people["editor"], f"/drafts/{draft_id}/submit")

    proof = open_as(browser, server, "proof1")
    expect(proof.locator("#unread-count")).to_have_text("1")  # 待您处理
    proof.goto(f"{server.url}/drafts/{draft_id}")
    proof.fill("#act-comment", "第二段缺少会议时间，请补充。")
    proof.click("#btn-return")
    expect(proof.locator("#draft-status")).to_have_text("已退回")

    mail = [m for m in smtp.wait_for(1) if m["To"] == "editor@example.gov.cn"]
    assert mail and "稿件被退回" in mail[-1]["Subject"] and "第二段缺少会议时间" in mail[-1].get_content()

    editor = open_as(browser, server, "editor")
    expect(editor.locator("#unread-count")).to_have_text("1")
    editor.click("#nav-messages")
    expect(editor.locator("#messages tr.unread")).to_contain_text("稿件被退回")
    screens.take(editor, "messages")
    editor.locator("#messages tr.unread button").click()
    expect(editor.locator("#return-banner")).to_contain_text("第二段缺少会议时间，请补充。")
    expect(editor.locator("#return-banner")).to_contain_text("一校")
    banner_top = editor.locator("#return-banner").bounding_box()["y"]
    assert banner_top < editor.locator("#draft-title").bounding_box()["y"]
    screens.take(editor, "returned")

    editor.click("#btn-submit")
    expect(editor.locator("#confirm-submit")).to_be_visible()
    expect(editor.locator("#draft-status")).to_have_text("已退回")
    editor.click("#btn-edit-first")
    expect(editor.locator("#return-banner")).to_contain_text("第二段缺少会议时间")


def test_apply_all_repeats_in_place_without_leaving_the_page(browser: Browser, loop_site, screens) -> None:
    server, _, _ = loop_site
    editor = open_as(browser, server, "editor")
    editor.goto(f"{server.url}/workspace")
    editor.fill("#title", "会议通知")
    editor.fill("#body", NOISY)
    editor.evaluate("window.__sameDocument = 'yes'")
    editor.click("#btn-check")
    repeated = editor.locator("#findings li.finding[data-count='3']")
    expect(repeated).to_contain_text("共 3 处")
    expect(repeated.locator(".detail")).not_to_have_attribute("open", "")
    screens.take(editor, "findings")
    editor.evaluate("window.scrollTo(0, 300)")
    repeated.locator("button.apply-all").click()
    expect(editor.locator("#body")).to_have_value(NOISY.replace(",", "，"))
    assert editor.evaluate("window.__sameDocument") == "yes"  # no page load happened
    assert editor.evaluate("window.scrollY") > 0
    expect(editor.locator("#findings li.finding[data-count='3']")).to_have_count(0)


def test_final_copy_carries_exactly_the_approved_content(browser: Browser, loop_site, screens) -> None:
    server, people, _ = loop_site
    draft_id = api(server, people["editor"], "/drafts", {"title": "安全生产工作通报", "body": CLEAN})["id"]
    api(server, people["editor"], f"/drafts/{draft_id}/submit")
    for who, action in [*STEPS, ("rev3", "approve")]:
        api(server, people[who], f"/drafts/{draft_id}/actions", {"action": action})

    editor = open_as(browser, server, "editor")
    editor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    editor.goto(f"{server.url}/drafts/{draft_id}")
    editor.click("#btn-copy-final")
    expect(editor.locator("#btn-copy-final")).to_have_text("已复制定稿")
    assert editor.evaluate("navigator.clipboard.readText()") == "安全生产工作通报\n\n" + CLEAN
    with editor.expect_download() as download:
        editor.click("#btn-download-txt")
    assert Path(download.value.path()).read_text(encoding="utf-8") == "安全生产工作通报\n\n" + CLEAN
    screens.take(editor, "approved")

    editor.goto(f"{server.url}/drafts/{draft_id}/signoff")
    expect(editor.locator("h1")).to_have_text("稿件审签单")
    assert editor.locator("td.sign").count() == 6
    screens.take(editor, "signoff")
