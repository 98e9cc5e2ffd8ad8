"""撤回 racing a decision on a real PostgreSQL server: exactly one wins, the ledger says which."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service import audit
from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import AuditEntry
from tests.api_helpers import make_settings
from tests.workflow_helpers import Person, make_people

TITLE = "关于召开安全生产会议的通知"
STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]


@pytest.fixture(scope="module")
def pg_env(postgres_server, postgres_schema, tmp_path_factory):
    settings = make_settings(
        tmp_path_factory.mktemp("pg-withdraw"), database_url=postgres_server.new_database(template=postgres_schema)
    )
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people, settings


def at_final_stage(client: TestClient, people: dict[str, Person], n: int) -> dict[str, Any]:
    body = f"各单位：定于下周召开第{n}次安全生产会议。"
    headers = people["editor"].headers
    draft = client.post("/api/v1/drafts", json={"title": TITLE, "body": body}, headers=headers).json()
    client.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=headers)
    for who, action in STEPS:
        r = client.post(f"/api/v1/drafts/{draft['id']}/actions", json={"action": action}, headers=people[who].headers)
        assert r.status_code == 200, r.text
    return client.get(f"/api/v1/drafts/{draft['id']}", headers=headers).json()


def race(client: TestClient, people: dict[str, Person], draft_id: int, revision: int | None) -> dict[str, Any]:
    """终审 approves and the author withdraws at the same moment; each side's response."""
    start = threading.Barrier(2)
    answers: dict[str, Any] = {}
    pinned = {"expected_revision": revision} if revision is not None else {}

    def approve() -> None:
        start.wait()
        answers["approve"] = client.post(
            f"/api/v1/drafts/{draft_id}/actions",
            json={"action": "approve", **pinned},
            headers=people["rev3"].headers,
        )

    def withdraw() -> None:
        start.wait()
        answers["withdraw"] = client.post(
            f"/api/v1/drafts/{draft_id}/withdraw", json=pinned, headers=people["editor"].headers
        )

    threads = [threading.Thread(target=approve), threading.Thread(target=withdraw)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.parametrize("pinned", [False, True], ids=["row-lock", "expected-revision"])
def test_withdraw_and_final_approval_at_once_exactly_one_wins(pg_env, pinned):
    client, people, settings = pg_env
    for n in range(3):
        draft = at_final_stage(client, people, n + (10 if pinned else 0))
        answers = race(client, people, draft["id"], draft["revision"] if pinned else None)
        statuses = sorted(r.status_code for r in answers.values())
        assert statuses == [200, 409], {k: r.text for k, r in answers.items()}
        loser = next(r for r in answers.values() if r.status_code == 409).json()["code"]
        # the row lock makes the second request see the first one's result: wrong_status; with the
        # revision pinned the second may instead be told its revision is gone: stale
        assert loser in (("stale", "wrong_status") if pinned else ("wrong_status",))
        final = client.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()
        with unit_of_work(settings) as session:
            kinds = session.scalars(select(AuditEntry.kind).where(AuditEntry.draft_id == draft["id"])).all()
            assert audit.verify(session).ok
        if answers["approve"].status_code == 200:
            assert final["status"] == "approved" and "withdrawn" not in kinds
            assert kinds.count("workflow_approved") == 1
        else:
            assert final["status"] == "draft" and kinds.count("withdrawn") == 1
            assert "workflow_approved" not in kinds
        assert final["revision"] == draft["revision"] + 1
