"""A failed check is not a dead end (重新审校), and a transient error is retried, not failed at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from review_service import check_runs as check_tasks
from review_service.api.main import create_app
from review_service.check_runs import check_version_now
from review_service.db import unit_of_work
from review_service.models import AuditEntry, CheckRun, DraftVersion
from review_service.services.unit_of_work import unit_of_work as service_unit
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people

BODY = "各单位：请按时报送材料。联系电话：13800138000。"


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people, settings


def new_draft(client, person) -> int:
    r = client.post("/api/v1/drafts", json={"title": "通知", "body": BODY}, headers=person.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def set_run(settings, draft_id: int, **values) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(settings) as session:
        version = session.scalar(select(DraftVersion).where(DraftVersion.draft_id == draft_id))
        session.execute(update(CheckRun).where(CheckRun.version_id == version.id).values(**values))
        return version.id


def run_of(settings, version_id: int) -> tuple[str, int, str | None]:
    with unit_of_work(settings) as session:
        run = session.scalar(select(CheckRun).where(CheckRun.version_id == version_id))
        return run.state, run.attempts, run.verdict


def test_a_failed_check_is_rerun_by_the_author_and_the_draft_moves_on(env):
    client, people, settings = env
    editor = people["editor"].headers
    draft_id = new_draft(client, people["editor"])
    set_run(settings, draft_id, state="failed", error="FileNotFoundError: transient", verdict=None, attempts=3)

    refused = client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=editor)
    assert refused.status_code == 409 and refused.json()["code"] == "check_failed"
    message = refused.json()["message"]
    assert "重新审校" in message["zh"] and "save" not in message["en"] and "/recheck" in message["en"]

    # someone who neither wrote it nor may act on its stage cannot re-run it
    other = client.post(f"/api/v1/drafts/{draft_id}/recheck", headers=people["editor2"].headers)
    assert other.status_code == 403 and other.json()["code"] == "forbidden"

    r = client.post(f"/api/v1/drafts/{draft_id}/recheck", headers=editor)
    assert r.status_code == 200, r.text
    assert (r.json()["check_state"], r.json()["verdict"], r.json()["actions"]) == ("done", "block", ["submit"])
    again = client.post(f"/api/v1/drafts/{draft_id}/recheck", headers=editor)
    assert again.status_code == 409 and again.json()["code"] == "check_not_failed"
    assert client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=editor).status_code == 200
    with unit_of_work(settings) as session:
        kinds = list(session.scalars(select(AuditEntry.kind).where(AuditEntry.draft_id == draft_id)))
        rerun = session.scalar(select(AuditEntry).where(AuditEntry.kind == "check_rerun"))
    assert "check_rerun" in kinds and rerun.actor_id == people["editor"].user_id
    assert rerun.data["previous_error"] == "FileNotFoundError: transient"


def test_with_a_broker_the_rerun_is_queued_again(env, monkeypatch):
    client, people, settings = env
    from review_service import drafts
    from review_service.models import Draft, User

    draft_id = new_draft(client, people["editor"])
    version_id = set_run(settings, draft_id, state="failed", error="x", attempts=3)
    sent = []
    monkeypatch.setattr("review_service.jobs.send", lambda s, job: sent.append((job.task, job.arg)))
    broker = settings.model_copy(update={"broker_url": "redis://127.0.0.1:1/0"})
    with service_unit(broker) as ctx:
        session = ctx.session
        draft, user = session.get(Draft, draft_id), session.get(User, people["editor"].user_id)
        run = drafts.recheck_version(ctx, draft=draft, user=user)
        assert (run.state, run.attempts, run.error) == ("checking", 0, None)
        assert sent == []  # only after commit
    assert sent == [("review.check_version", version_id)]
    assert run_of(settings, version_id)[:2] == ("checking", 0)


@pytest.mark.parametrize("error", [OSError("disk briefly gone"), ConnectionResetError("reset")])
def test_a_transient_error_is_retried_not_failed(env, monkeypatch, error):
    client, people, settings = env
    version_id = set_run(settings, new_draft(client, people["editor"]), state="checking", attempts=0, verdict=None)
    real = check_tasks.run_check

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(check_tasks, "run_check", flaky)
    with pytest.raises(type(error)):
        check_version_now(settings, version_id)
    assert run_of(settings, version_id) == ("checking", 1, None)  # still waiting, the attempt counted
    monkeypatch.setattr(check_tasks, "run_check", real)
    assert check_version_now(settings, version_id) == "done"
    assert run_of(settings, version_id) == ("done", 2, "block")


def test_a_deterministic_error_fails_the_check_at_once(env, monkeypatch):
    client, people, settings = env
    version_id = set_run(settings, new_draft(client, people["editor"]), state="checking", attempts=0, verdict=None)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("bad rule")

    monkeypatch.setattr(check_tasks, "run_check", broken)
    assert check_version_now(settings, version_id) == "failed"
    assert run_of(settings, version_id)[0] == "failed"


def test_whoever_may_act_on_the_current_stage_may_rerun_it(env):
    client, people, settings = env
    draft_id = new_draft(client, people["editor"])
    assert (
        client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers).status_code == 200
    )
    set_run(settings, draft_id, state="failed", error="OSError: gone", verdict=None)
    assert client.post(f"/api/v1/drafts/{draft_id}/recheck", headers=people["rev3"].headers).status_code == 403
    r = client.post(f"/api/v1/drafts/{draft_id}/recheck", headers=people["proof1"].headers)
    assert r.status_code == 200 and r.json()["check_state"] == "done", r.text
