"""Which waiting rows does the sweep re-send? Lost ones, never a moving backlog."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from review_service import sweep as sweep_module
from review_service.archive import recheck as recheck_module
from review_service.archive.impact import current_snapshot
from review_service.archive.recheck import run_batch
from review_service.clock import use_clock
from review_service.db import unit_of_work, upgrade
from review_service.heartbeat import STARTED_GRACE_FACTOR, started_grace
from review_service.models import ArchiveDocument, RecheckBatch, RecheckRun, utcnow
from review_service.sweep import lost, sweep
from tests.api_helpers import make_settings

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
CUTOFF = NOW - dt.timedelta(seconds=120)
STARTED_CUTOFF = NOW - dt.timedelta(seconds=120 * STARTED_GRACE_FACTOR)


@dataclass
class Row:
    name: str
    enqueued_at: dt.datetime | None
    started_at: dt.datetime | None = None


def ago(seconds: float) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("waiting", "done", "expected"),
    [
        # a long backlog drains in order: the oldest waiting row is next, the queue is moving
        ([Row("b", ago(300)), Row("c", ago(290))], [Row("a", ago(310), ago(5))], []),
        # a row sent later has started before this one: its message is gone
        ([Row("b", ago(300))], [Row("c", ago(200), ago(5))], ["b"]),
        # nothing started for longer than the cutoff: workers or broker lost everything
        ([Row("b", ago(300)), Row("c", ago(290))], [Row("a", ago(900), ago(800))], ["b", "c"]),
        ([Row("b", ago(300))], [], ["b"]),
        # sent (or re-sent) recently: wait
        ([Row("b", ago(30))], [], []),
        # started, then its worker died long ago (beyond the started grace); nothing else moves
        ([Row("b", ago(4000), ago(3000))], [], ["b"]),
        # started longer ago than the overdue time but within the grace: a long, healthy task
        ([Row("b", ago(400), ago(300))], [], []),
        # started recently and still running
        ([Row("b", ago(400), ago(10))], [], []),
        # two workers busy with long batches: the rows queued behind them are waiting, not lost
        ([Row("a", ago(300), ago(200)), Row("b", ago(300)), Row("c", ago(300))], [], []),
    ],
)
def test_lost(waiting, done, expected):
    assert [r.name for r in lost(waiting, [*waiting, *done], CUTOFF, STARTED_CUTOFF)] == expected


@pytest.fixture
def bulk(tmp_path, monkeypatch):
    """A database with a re-check run of six batches, and a broker that records what is sent."""
    settings = make_settings(tmp_path, broker_url="redis://127.0.0.1:1/0", check_overdue_seconds=120)
    upgrade(settings)
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(sweep_module, "dispatch", lambda _ctx, task, arg: sent.append((task, arg)))
    with unit_of_work(settings) as session:
        snapshot = current_snapshot(session)
        run = RecheckRun(state="running", mode="full", snapshot_id=snapshot.id, categories=[], batches=6, total=6)
        session.add(run)
        session.flush()
        run_id = run.id
    return settings, sent, run_id


def add_batches(settings, run_id, now, *, started_ago, count=6, busy=2):  # type: ignore[no-untyped-def]
    with unit_of_work(settings) as session:
        for i in range(count):
            session.add(
                RecheckBatch(
                    run_id=run_id,
                    document_ids=[i],
                    state="queued",
                    enqueued_at=now - dt.timedelta(seconds=started_ago + 20),
                    started_at=now - dt.timedelta(seconds=started_ago) if i < busy else None,
                    attempts=1 if i < busy else 0,
                )
            )


def test_long_running_started_batches_are_not_resent_nor_the_queue_behind_them(bulk):
    settings, sent, run_id = bulk
    now = utcnow()
    # two bulk workers in the middle of slow but healthy batches (started 130 s ago, overdue is 120 s)
    add_batches(settings, run_id, now, started_ago=130)
    result = sweep(settings, now=now)
    assert (result.batches, sent) == ([], [])


def test_batches_whose_heartbeat_stopped_long_ago_are_resent(bulk):
    settings, sent, run_id = bulk
    now = utcnow()
    grace = started_grace(settings).total_seconds()
    add_batches(settings, run_id, now, started_ago=grace + 60)
    result = sweep(settings, now=now)
    assert len(result.batches) == 6 and len(sent) == 6


def test_a_duplicate_delivery_while_the_batch_is_running_is_not_an_attempt(bulk):
    settings, _sent, run_id = bulk
    now = utcnow()
    add_batches(settings, run_id, now, started_ago=5, count=1, busy=1)
    with unit_of_work(settings) as session:
        batch_id = session.scalar(select(RecheckBatch.id))
    assert run_batch(settings, batch_id, worker="dup") == "busy"
    with unit_of_work(settings) as session:
        assert session.get(RecheckBatch, batch_id).attempts == 1
    # the sweep re-sent it after the worker went quiet: that delivery runs (and counts)
    with unit_of_work(settings) as session:
        session.get(RecheckBatch, batch_id).enqueued_at = utcnow()
    assert run_batch(settings, batch_id, worker="again") == "done"
    with unit_of_work(settings) as session:
        assert session.get(RecheckBatch, batch_id).attempts == 2


def test_a_long_batch_refreshes_its_heartbeat(bulk, monkeypatch):
    settings, _sent, run_id = bulk
    settings = settings.model_copy(update={"check_overdue_seconds": 1})
    with unit_of_work(settings) as session:
        session.add(RecheckBatch(run_id=run_id, document_ids=[1, 2, 3], state="queued", enqueued_at=utcnow()))
        batch_id = session.scalar(select(RecheckBatch.id))
        for i in (1, 2, 3):
            session.add(
                ArchiveDocument(
                    id=i,
                    url=f"https://e/{i}",
                    title="t",
                    body="正文。",
                    published_at=dt.date(2024, 1, 1),
                    content_hash=f"h{i}",
                    findings=[],
                )
            )
    beats: list[dt.datetime] = []
    real = recheck_module.run_check
    moment = [utcnow()]

    def slow_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        moment[0] += dt.timedelta(seconds=1.1)  # each page takes longer than the (test) overdue time
        with unit_of_work(settings) as session:
            beats.append(session.get(RecheckBatch, batch_id).started_at)
        return real(*args, **kwargs)

    monkeypatch.setattr(recheck_module, "run_check", slow_check)
    with use_clock(lambda: moment[0]):  # the service's clock, moved by the pages instead of by sleeping
        assert run_batch(settings, batch_id, worker="w") == "done"
    assert len(set(beats)) >= 2  # the start time moved forward while the batch worked
