"""Hole 4: no slow work inside a database transaction.

SQLite has one writer and every unit of work takes the write lock up front, so anything slow done
inside a transaction (a check, argon2) stalls every other request. Each test blocks the slow step
on an Event and proves that other requests, reads and writes, complete while it waits: had the
transaction still been open, they would wait for the lock until SQLite's busy timeout and fail.
Nothing here measures wall time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from tests.api_helpers import make_settings, mint_token
from tests.workflow_helpers import make_people

WAIT = 120  # seconds; reached only when the behaviour under test is broken


class Held:
    """Wraps a function so that its first call signals ``entered`` and waits for ``release``."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.entered = threading.Event()
        self.release = threading.Event()
        self._first = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._first.acquire(blocking=False):
            self.entered.set()
            if not self.release.wait(WAIT):
                raise RuntimeError("never released")
        return self.fn(*args, **kwargs)


def in_background(call: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(call()), daemon=True)
    thread.start()
    return thread, results


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings)
    check = {"Authorization": f"Bearer {mint_token(settings, name='cms-check', scopes=['check'])}"}
    with TestClient(create_app(settings)) as client:
        existing = client.post(
            "/api/v1/drafts", json={"title": "通知", "body": "县政府召开常务会议。"}, headers=people["editor"].headers
        ).json()
        yield client, people, check, existing["id"]


def others_get_through(client: TestClient, people, draft_id: int) -> None:  # type: ignore[no-untyped-def]
    """A reviewer's list (a read) and a comment (a write) both complete now."""
    listed = client.get("/api/v1/drafts", headers=people["rev1"].headers)
    assert listed.status_code == 200, listed.text
    comment = client.post(
        f"/api/v1/drafts/{draft_id}/comments", json={"body": "请核对数字。"}, headers=people["editor"].headers
    )
    assert comment.status_code == 201, comment.text


def test_a_long_check_does_not_stall_a_reviewer(env, monkeypatch):
    from review_service import check_service

    client, people, check, draft_id = env
    held = Held(check_service.run_check)  # what the route's injected process checker runs
    monkeypatch.setattr(check_service, "run_check", held)
    thread, results = in_background(
        lambda: client.post("/api/v1/check", json={"text": "联系电话：13800138000。"}, headers=check)
    )
    try:
        assert held.entered.wait(WAIT)
        others_get_through(client, people, draft_id)
        assert not held.release.is_set() and thread.is_alive()  # the check was still running throughout
    finally:
        held.release.set()
        thread.join(WAIT)
    assert results[0].status_code == 200 and results[0].json()["verdict"] == "block"


def test_a_draft_is_stored_first_and_checked_after_the_commit(env, monkeypatch):
    from review_service import check_runs as check_tasks

    client, people, _, draft_id = env
    held = Held(check_tasks.run_check)
    monkeypatch.setattr(check_tasks, "run_check", held)
    editor = people["editor"].headers
    thread, results = in_background(
        lambda: client.post("/api/v1/drafts", json={"title": "公示", "body": "联系电话：13800138000。"}, headers=editor)
    )
    try:
        assert held.entered.wait(WAIT)
        others_get_through(client, people, draft_id)
        mine = client.get("/api/v1/drafts", headers=editor).json()
        new = next(d for d in mine if d["title"] == "公示")  # committed before its check started
        assert new["check_state"] == "checking" and new["verdict"] is None
    finally:
        held.release.set()
        thread.join(WAIT)
    created = results[0]
    assert created.status_code == 201, created.text
    assert created.json()["check_state"] == "done" and created.json()["verdict"] == "block"


def test_argon2_of_a_login_runs_outside_the_transaction(env, monkeypatch):
    from review_service import login_guard

    client, people, _, draft_id = env
    held = Held(login_guard.verify_password)
    monkeypatch.setattr(login_guard, "verify_password", held)
    thread, results = in_background(
        lambda: client.post("/api/v1/auth/login", json={"username": "rev2", "password": "pw-rev2"})
    )
    try:
        assert held.entered.wait(WAIT)
        others_get_through(client, people, draft_id)
    finally:
        held.release.set()
        thread.join(WAIT)
    assert results[0].status_code == 200 and results[0].json()["token"].startswith("rvs_")


def test_hashing_a_new_password_runs_outside_the_transaction(env, monkeypatch):
    from review_service.services import people as people_service

    client, people, _, draft_id = env
    held = Held(people_service.hash_password)
    monkeypatch.setattr(people_service, "hash_password", held)
    change = {"username": "rev2", "old_password": "pw-rev2", "new_password": "a-new-long-password"}
    thread, results = in_background(lambda: client.post("/api/v1/auth/password", json=change))
    try:
        assert held.entered.wait(WAIT)
        others_get_through(client, people, draft_id)
    finally:
        held.release.set()
        thread.join(WAIT)
    assert results[0].status_code == 204, results[0].text
    login = client.post("/api/v1/auth/login", json={"username": "rev2", "password": "a-new-long-password"})
    assert login.status_code == 200
