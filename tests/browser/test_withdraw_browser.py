"""撤回 in Chromium: the author takes back a draft a proofreader had claimed; the proofreader is told by
message and mail; the draft can be submitted again from 一校."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_review_in_browser import open_as
from tests.browser.test_review_loop_browser import api, mailing_site
from tests.live_server import LiveServer
from tests.smtp_server import SmtpServer
from tests.workflow_helpers import Person

TEXT = "区政府召开常务会议，研究部署安全生产工作。\n会议强调，要压实责任，确保安全。"


@pytest.fixture(scope="module")
def withdraw_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, dict[str, Person], SmtpServer]]:
    with mailing_site(tmp_path_factory.mktemp("withdraw"), "proof1") as site:
        yield site


def test_the_author_withdraws_a_claimed_draft_and_the_claimer_is_told(browser: Browser, withdraw_site) -> None:
    server, people, smtp = withdraw_site
    draft_id = api(server, people["editor"], "/drafts", {"title": "常务会议通报（撤回）", "body": TEXT})["id"]
    api(server, people["editor"], f"/drafts/{draft_id}/submit")
    api(server, people["proof1"], f"/drafts/{draft_id}/actions", {"action": "claim"})

    proof = open_as(browser, server, "proof1")
    proof.goto(f"{server.url}/drafts/{draft_id}")
    expect(proof.locator("#btn-pass")).to_be_visible()
    expect(proof.locator("#btn-withdraw")).to_have_count(0)  # only the author may withdraw

    editor = open_as(browser, server, "editor")
    editor.goto(f"{server.url}/drafts/{draft_id}")
    expect(editor.locator("#draft-status")).to_have_text("审核中")
    editor.click("#btn-withdraw")
    expect(editor.locator("#draft-status")).to_have_text("草稿")
    expect(editor.locator(".flash")).to_contain_text("已撤回")
    expect(editor.locator("#btn-withdraw")).to_have_count(0)
    expect(editor.locator("#history")).to_contain_text("撤回")

    # proof1 got 待您处理 when it was submitted, then 稿件已撤回
    mail = [m for m in smtp.wait_for(2) if m["To"] == "proof1@example.gov.cn" and "稿件已撤回" in m["Subject"]]
    assert len(mail) == 1 and "作者撤回" in mail[0].get_content()
    proof.goto(f"{server.url}/messages")
    expect(proof.locator("#messages")).to_contain_text("稿件已撤回")
    proof.goto(f"{server.url}/drafts/{draft_id}")
    expect(proof.locator("#btn-pass")).to_have_count(0)  # nothing left to do for the proofreader

    editor.click("#btn-submit")
    expect(editor.locator("#draft-stage")).to_have_text("一校")
