"""A running draft check beats; a dead one is re-sent within a minute or two and holds nothing back."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from review_service import check_runs
from review_service import sweep as sweep_module
from review_service.db import unit_of_work, upgrade
from review_service.heartbeat import CHECK_HEARTBEAT_SECONDS, CHECK_STALE_SECONDS, check_grace, heartbeat
from review_service.models import CheckRun, utcnow
from review_service.sweep import lost, sweep
from tests.api_helpers import make_settings
from tests.review_service.tasks.test_tasks_sweep import CUTOFF, Row, ago
from tests.workflow_helpers import make_people

CHECK_CUTOFF = CUTOFF + dt.timedelta(seconds=120) - dt.timedelta(seconds=CHECK_STALE_SECONDS)


def test_the_heartbeat_is_frequent_and_its_staleness_well_below_the_old_grace():
    assert CHECK_STALE_SECONDS >= 5 * CHECK_HEARTBEAT_SECONDS  # a busy machine may delay a beat or two
    assert CHECK_STALE_SECONDS <= 90  # re-sent within a minute or two (plus one sweep interval)


@pytest.mark.parametrize(
    ("waiting", "done", "expected"),
    [
        # started 70 s ago, no beat since, never re-sent: its worker died; even a moving queue does not hide it
        ([Row("b", ago(75), ago(70))], [Row("a", ago(80), ago(5))], ["b"]),
        ([Row("b", ago(75), ago(70))], [], ["b"]),
        # beating (last beat 5 s ago) though it started long ago: a long, healthy check
        ([Row("b", ago(600), ago(5))], [], []),
        # re-sent by the sweep after its start: the usual rules (wait for the cutoff) apply to the new message
        ([Row("b", ago(30), ago(90))], [], []),
        ([Row("b", ago(130), ago(190))], [], ["b"]),
        # a dead row no longer counts as a busy worker: the unstarted row saved behind it is re-sent
        ([Row("dead", ago(200), ago(150)), Row("saved", ago(130))], [], ["dead", "saved"]),
    ],
)
def test_lost_with_heartbeats(waiting, done, expected):
    assert [r.name for r in lost(waiting, [*waiting, *done], CUTOFF, CHECK_CUTOFF)] == expected


@pytest.fixture
def env(tmp_path, monkeypatch):
    settings = make_settings(tmp_path, broker_url="redis://127.0.0.1:1/0", check_overdue_seconds=120)
    upgrade(settings)
    people = make_people(settings)
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(sweep_module, "dispatch", lambda _ctx, task, arg: sent.append((task, arg)))
    return settings, people, sent


def add_runs(settings, people, *timings: tuple[float, float | None]) -> list[int]:  # type: ignore[no-untyped-def]
    """Saved drafts whose checks were sent (and maybe started) so many seconds ago; their version ids."""
    from fastapi.testclient import TestClient

    from review_service.api.main import create_app
    from review_service.models import DraftVersion

    with TestClient(create_app(settings, migrate=False)) as client:  # (its start-up sweep runs before the rows age)
        ids, headers = [], people["editor"].headers
        for _ in timings:
            r = client.post("/api/v1/drafts", json={"title": "通知", "body": "正文。"}, headers=headers)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
    now = utcnow()
    versions = []
    with unit_of_work(settings) as session:
        for draft_id, (sent_ago, started_ago) in zip(ids, timings, strict=True):
            version = session.scalar(select(DraftVersion).where(DraftVersion.draft_id == draft_id))
            run = version.check_run
            assert run.state == "checking"
            run.enqueued_at = now - dt.timedelta(seconds=sent_ago)
            run.started_at = None if started_ago is None else now - dt.timedelta(seconds=started_ago)
            run.attempts = 0 if started_ago is None else 1
            versions.append(version.id)
    return versions


def test_sweep_resends_a_check_whose_worker_died_a_minute_ago_not_one_still_beating(env):
    settings, people, sent = env
    dead, alive = add_runs(
        settings, people, (CHECK_STALE_SECONDS + 15, CHECK_STALE_SECONDS + 10), (900, CHECK_HEARTBEAT_SECONDS)
    )
    assert check_grace(settings).total_seconds() == CHECK_STALE_SECONDS
    result = sweep(settings)
    assert result.versions == [dead] and [arg for _task, arg in sent] == [dead]
    assert alive not in result.versions
    # the re-sent row waits for its new message: the next sweep does not send it again at once
    assert sweep(settings).versions == []


def test_a_running_check_refreshes_its_heartbeat_and_stops_when_done(env):
    settings, people, _sent = env
    (version_id,) = add_runs(settings, people, (600, 500))
    with unit_of_work(settings) as session:
        run = session.scalar(select(CheckRun).where(CheckRun.version_id == version_id))
        run_id, before = run.id, run.started_at

    def started_at():  # type: ignore[no-untyped-def]
        with unit_of_work(settings) as session:
            return session.get(CheckRun, run_id).started_at

    beaten = threading.Event()
    with heartbeat(settings, run_id, interval=0.05):
        for _ in range(400):
            if started_at() != before:
                beaten.set()
                break
            beaten.wait(0.05)
    assert beaten.is_set()
    last = started_at()
    assert sweep(settings).versions == []  # fresh heartbeat: not lost
    threading.Event().wait(0.3)
    assert started_at() == last  # the thread stopped with the check


def test_the_worker_beats_while_it_checks(env, monkeypatch):
    settings, people, _sent = env
    (version_id,) = add_runs(settings, people, (5, None))
    seen: list[int] = []
    real = check_runs.heartbeat

    def recording(settings_, run_id, interval=None):  # type: ignore[no-untyped-def]
        seen.append(run_id)
        return real(settings_, run_id, interval)

    monkeypatch.setattr(check_runs, "heartbeat", recording)
    assert check_runs.check_version_now(settings, version_id) == "done"
    with unit_of_work(settings) as session:
        run = session.scalar(select(CheckRun).where(CheckRun.version_id == version_id))
        assert seen == [run.id] and run.state == "done"


def test_without_a_broker_a_check_left_by_a_stopped_server_is_run_by_the_next_one(tmp_path):
    """The API process checks drafts itself; if it stopped mid-check, its successor finishes the check."""
    import time

    from fastapi.testclient import TestClient

    from review_service.api.main import create_app

    sent_to_broker = make_settings(tmp_path, broker_url="redis://127.0.0.1:1/0", check_overdue_seconds=120)
    upgrade(sent_to_broker)
    people = make_people(sent_to_broker)
    # a check that started a while ago and stopped beating: the process running it is gone
    (version_id,) = add_runs(sent_to_broker, people, (CHECK_STALE_SECONDS + 15, CHECK_STALE_SECONDS + 10))
    settings = sent_to_broker.model_copy(update={"broker_url": None, "sweep_interval_seconds": 0})
    with unit_of_work(settings) as session:
        assert session.scalar(select(CheckRun).where(CheckRun.version_id == version_id)).state == "checking"
    with TestClient(create_app(settings, migrate=False)):
        deadline = time.monotonic() + 300  # a safety net only: the loop ends when the row changes
        while time.monotonic() < deadline:
            with unit_of_work(settings) as session:
                run = session.scalar(select(CheckRun).where(CheckRun.version_id == version_id))
                if run.state != "checking":
                    break
            time.sleep(0.05)
    assert run.state == "done" and run.findings is not None
