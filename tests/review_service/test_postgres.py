"""The same migrations and workflow on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from review_service import audit
from review_service.api.main import create_app
from review_service.db import alembic_config, unit_of_work
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people, race_two_proofreaders

TITLE, BODY = "关于召开会议的通知", "各单位：定于下周召开安全生产会议。"


@pytest.fixture(scope="module")
def pg_env(postgres_server, postgres_schema, tmp_path_factory):
    settings = make_settings(
        tmp_path_factory.mktemp("pg"), database_url=postgres_server.new_database(template=postgres_schema)
    )
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people, settings


def test_migrations_create_every_table_and_downgrade(pg_env):
    _, _, settings = pg_env
    tables = set(inspect(create_engine(settings.sqlalchemy_url)).get_table_names())
    assert {"users", "api_tokens", "departments", "drafts", "draft_versions", "check_runs", "audit_log"} <= tables
    command.check(alembic_config(settings))  # models and migrations agree


def test_workflow_and_gate_on_postgres(pg_env):
    client, people, settings = pg_env
    draft = client.post("/api/v1/drafts", json={"title": TITLE, "body": BODY}, headers=people["editor"].headers).json()
    client.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=people["editor"].headers)
    for who, action in [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass")] + [
        (r, "approve") for r in ("rev1", "rev2", "rev3")
    ]:
        r = client.post(f"/api/v1/drafts/{draft['id']}/actions", json={"action": action}, headers=people[who].headers)
        assert r.status_code == 200, r.text
    gate = client.post(
        "/api/v1/publish-gate", json={"channel": "website", "title": TITLE, "body": BODY}, headers=people["cms"].headers
    ).json()
    assert gate["decision"] == "allow"
    with unit_of_work(settings) as session:
        assert audit.verify(session).ok


def test_concurrent_decisions_on_postgres(pg_env):
    client, people, _ = pg_env
    draft = client.post("/api/v1/drafts", json={"title": TITLE, "body": BODY + "二"}, headers=people["editor"].headers)
    draft_id = draft.json()["id"]
    client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
    assert sorted(race_two_proofreaders(client, people, draft_id)) == [200, 409]


def test_parallel_wrong_passwords_still_lock_the_account_on_postgres(pg_env):
    import threading

    from review_service.login_guard import locked_usernames
    from review_service.users import create_user

    client, _, settings = pg_env
    with unit_of_work(settings) as session:
        create_user(session, username="guessed", role="proofreader", password="pw-guessed")
    statuses: list[int] = []

    def guess() -> None:
        r = client.post("/api/v1/auth/login", json={"username": "guessed", "password": "nope"})
        statuses.append(r.status_code)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(401) == settings.login_max_failures and statuses.count(423) == 12 - statuses.count(401)
    with unit_of_work(settings) as session:
        assert "guessed" in locked_usernames(session)
