"""Hole 4 in the web workspace: 检查, 采纳 and 脱敏 run the engine with no database transaction open.

Every unit of work takes SQLite's write lock up front, so a check run inside the page's transaction
(a 200,000-character draft takes seconds) would stall every other request. Each test holds the
workspace's check on an Event and proves that others' reads and writes complete meanwhile; nothing
measures wall time.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.services import workspace
from tests.api_helpers import make_settings
from tests.review_service.test_hole4_no_lock_while_working import WAIT, Held, in_background, others_get_through
from tests.web_helpers import login
from tests.workflow_helpers import make_people

BODY = "联系人王小明，联系电话：13800138000，再接再励。"


@pytest.fixture
def web(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings)) as api, TestClient(create_app(settings, migrate=False)) as browser:
        existing = api.post(
            "/api/v1/drafts", json={"title": "通知", "body": "县政府召开常务会议。"}, headers=people["editor"].headers
        ).json()
        token = login(browser, "editor")
        yield api, browser, token, people, existing["id"]


@pytest.mark.parametrize(
    ("op", "held_name"), [("check", "run_check"), ("apply:x", "run_check"), ("mask", "mask_draft")]
)
def test_the_workspace_checks_outside_the_transaction(web, monkeypatch, op, held_name):
    api, browser, token, people, draft_id = web
    held = Held(getattr(workspace, held_name))
    monkeypatch.setattr(workspace, held_name, held)
    form = {"csrf_token": token, "op": op, "title": "通知", "body": BODY}
    thread, results = in_background(lambda: browser.post("/workspace", data=form))
    try:
        assert held.entered.wait(WAIT)
        others_get_through(api, people, draft_id)
        assert not held.release.is_set() and thread.is_alive()  # the check was still running throughout
    finally:
        held.release.set()
        thread.join(WAIT)
    assert results[0].status_code == 200, results[0].text[:300]
    assert "13800138000" in results[0].text or "138****8000" in results[0].text
