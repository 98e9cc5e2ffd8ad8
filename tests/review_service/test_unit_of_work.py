"""The unit of work's outbox: jobs, checkpoint lines, webhook events and mail leave only after commit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from review_service import jobs
from review_service.archive.impact import current_snapshot
from review_service.clock import BEIJING
from review_service.db import upgrade
from review_service.mailer import Mail
from review_service.models import AuditCheckpoint, RecheckRun
from review_service.services import unit_of_work as uow_module
from review_service.services.context import FileLine, Job
from review_service.services.unit_of_work import unit_of_work
from tests.api_helpers import make_settings
from tests.paths import REPO_ROOT

ROOT = REPO_ROOT


@pytest.fixture
def broker_settings(tmp_path, monkeypatch):
    settings = make_settings(tmp_path, broker_url="redis://127.0.0.1:1/0", audit_checkpoint_minutes=0)
    upgrade(settings)
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(jobs, "send", lambda _settings, job: sent.append((job.task, job.arg)) or True)
    return settings, sent


def test_jobs_start_only_after_the_commit(broker_settings) -> None:
    settings, sent = broker_settings
    with unit_of_work(settings) as ctx:
        jobs.dispatch(ctx, jobs.CHECK_VERSION, 7)
        ctx.session.flush()
        assert sent == []  # still inside the transaction
    assert sent == [(jobs.CHECK_VERSION, 7)]


def test_a_rolled_back_unit_starts_writes_and_sends_nothing(broker_settings, monkeypatch) -> None:
    settings, sent = broker_settings
    delivered: list[object] = []
    monkeypatch.setattr(uow_module, "deliver", lambda _s, events: delivered.append(events))
    monkeypatch.setattr(uow_module, "send_all", lambda _s, mail: delivered.append(mail))
    line = settings.data_dir / "lines.jsonl"
    with pytest.raises(RuntimeError), unit_of_work(settings) as ctx:
        jobs.dispatch(ctx, jobs.RECHECK_BATCH, 3)
        ctx.outbox.files.append(FileLine(line, {"a": 1}))
        ctx.outbox.notifications.append({"event": "published"})
        ctx.outbox.mail.append(Mail("a@example.org", "s", "b"))
        raise RuntimeError("the decision failed half-way")
    assert sent == [] and delivered == [] and not line.exists()


def test_a_committed_unit_writes_its_lines_and_sends_its_messages(broker_settings, monkeypatch) -> None:
    settings, _ = broker_settings
    delivered: list[object] = []
    monkeypatch.setattr(uow_module, "deliver", lambda _s, events: delivered.append(("webhook", events)))
    monkeypatch.setattr(uow_module, "send_all", lambda _s, mail: delivered.append(("mail", mail)))
    line = settings.data_dir / "lines.jsonl"
    mail = Mail("a@example.org", "s", "b")
    with unit_of_work(settings) as ctx:
        ctx.outbox.files.append(FileLine(line, {"a": 1}))
        ctx.outbox.notifications.append({"event": "published"})
        ctx.outbox.mail.append(mail)
    assert line.read_text(encoding="utf-8") == '{"a":1}\n'
    assert delivered == [("webhook", [{"event": "published"}]), ("mail", [mail])]


def test_a_commit_inside_the_unit_releases_what_came_before_it_only(broker_settings, monkeypatch) -> None:
    """``settle`` commits mid-request: what was queued before it happened; a later rollback drops the rest."""
    settings, sent = broker_settings
    with unit_of_work(settings, send=False) as ctx:
        ctx.outbox.notifications.append({"event": "submitted"})
        jobs.dispatch(ctx, jobs.CHECK_VERSION, 1)
        ctx.session.commit()
        assert sent == [(jobs.CHECK_VERSION, 1)]
        ctx.session.execute(text("SELECT 1"))  # the next transaction's work
        ctx.outbox.notifications.append({"event": "returned"})
        jobs.dispatch(ctx, jobs.CHECK_VERSION, 2)
        ctx.session.rollback()
    assert sent == [(jobs.CHECK_VERSION, 1)]
    assert ctx.outbox.take_sendable() == ([{"event": "submitted"}], [])


def test_dispatch_knows_its_tasks() -> None:
    with pytest.raises(ValueError, match=r"review\.nothing"):
        jobs.dispatch(None, "review.nothing", 1)  # type: ignore[arg-type]
    assert Job(jobs.CHECK_VERSION, 1) == Job("review.check_version", 1)


def test_a_periodic_checkpoint_is_not_kept_when_its_unit_rolls_back(tmp_path) -> None:
    from review_service import audit

    settings = make_settings(tmp_path, audit_checkpoint_minutes=10)
    upgrade(settings)
    with pytest.raises(RuntimeError), unit_of_work(settings) as ctx:
        audit.append(ctx.session, kind="test", actor_id=None)
        assert ctx.session.scalar(select(AuditCheckpoint.id)) is not None  # signed in the transaction
        raise RuntimeError("rolled back")
    with unit_of_work(settings) as ctx:
        assert ctx.session.scalar(select(AuditCheckpoint.id)) is None
    assert not (settings.data_dir / "audit-checkpoints.jsonl").exists()


def test_datetimes_come_back_aware_utc_whatever_zone_went_in(tmp_path) -> None:
    settings = make_settings(tmp_path)
    upgrade(settings)
    moment = dt.datetime(2026, 12, 5, 8, 30, tzinfo=BEIJING)  # 00:30 UTC
    with unit_of_work(settings) as ctx:
        snapshot = current_snapshot(ctx.session)
        run = RecheckRun(state="done", mode="full", categories=[], started_at=moment, snapshot_id=snapshot.id)
        ctx.session.add(run)
        ctx.session.flush()
        run_id = run.id
    with unit_of_work(settings) as ctx:
        stored = ctx.session.get(RecheckRun, run_id)
        assert stored.started_at == moment and stored.started_at.tzinfo == dt.UTC
        assert stored.created_at.tzinfo == dt.UTC  # a server default too
        raw = ctx.session.execute(text("SELECT started_at FROM recheck_runs WHERE id = :i"), {"i": run_id}).scalar()
        assert str(raw).startswith("2026-12-05 00:30:00")  # SQLite keeps the UTC wall time
        after = ctx.session.scalar(select(RecheckRun.id).where(RecheckRun.started_at > moment - dt.timedelta(hours=1)))
        assert after == run_id  # comparisons bind through the same type


def test_nothing_rides_on_the_session_info() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "review_service").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "session.info" in line or ".info[" in line
    ]
    assert offenders == []
