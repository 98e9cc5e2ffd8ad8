"""Re-enqueue what is overdue, so no version stays ``checking`` and no re-check batch stays queued.

A message can be lost between commit and send (the API died), in the broker (Redis restarted
without persistence) or with its worker (killed outright). The database still says the work is
waiting; anything waiting longer than REVIEW_CHECK_OVERDUE_SECONDS is sent again. Sending twice
is harmless: the tasks are idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import CheckRun, RecheckBatch, utcnow
from review_service.tasks.celery_app import TASK_CHECK_VERSION, TASK_RECHECK_BATCH, enqueue

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    versions: list[int] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)
    failed_versions: list[int] = field(default_factory=list)


def lost(waiting, everything, cutoff: dt.datetime) -> list:  # type: ignore[no-untyped-def]
    """The waiting rows whose message is presumably gone.

    A row counts once it has waited (since it was sent, or since its last start) longer than the
    cutoff, and either the queue has moved past it (a row sent later has started: the queue is
    first-in first-out, so this one's message is gone) or the queue is not moving at all (nothing
    started since the cutoff: the broker or the workers lost it). A long but moving backlog is left
    alone, so a busy day does not flood the queue with duplicates.
    """
    started = [row for row in everything if row.started_at is not None]
    moving = any(_aware(row.started_at) >= cutoff for row in started)
    last_sent_started = max((_aware(row.enqueued_at) for row in started if row.enqueued_at), default=None)
    due = []
    for row in waiting:
        sent, began = _aware(row.enqueued_at), _aware(row.started_at)
        if (sent is not None and sent >= cutoff) or (began is not None and began >= cutoff):
            continue
        overtaken = last_sent_started is not None and sent is not None and sent < last_sent_started
        if overtaken or not moving:
            due.append(row)
    return due


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def sweep(settings: Settings, *, now: dt.datetime | None = None, overdue: dt.timedelta | None = None) -> SweepResult:
    """Mark overdue work as re-sent, commit, then send it (or run it here without a broker)."""
    now = now or utcnow()
    cutoff = now - (overdue if overdue is not None else dt.timedelta(seconds=settings.check_overdue_seconds))
    result = SweepResult()
    with unit_of_work(settings) as session:
        waiting = list(session.scalars(select(CheckRun).where(CheckRun.state == "checking")))
        if waiting:
            recent = list(session.scalars(select(CheckRun).where(CheckRun.started_at >= cutoff)))
            for run in lost(waiting, [*waiting, *recent, *_latest_started(session, CheckRun)], cutoff):
                if run.attempts >= settings.task_max_attempts:
                    run.state, run.error, run.finished_at = "failed", f"gave up after {run.attempts} attempts", now
                    result.failed_versions.append(run.version_id)
                else:
                    run.enqueued_at = now
                    result.versions.append(run.version_id)
        queued = list(session.scalars(select(RecheckBatch).where(RecheckBatch.state == "queued")))
        if queued:
            recent = list(session.scalars(select(RecheckBatch).where(RecheckBatch.started_at >= cutoff)))
            for batch in lost(queued, [*queued, *recent, *_latest_started(session, RecheckBatch)], cutoff):
                batch.enqueued_at = now
                result.batches.append(batch.id)
    _send(settings, result)
    if result.versions or result.batches or result.failed_versions:
        log.info(
            "sweep: re-sent %d checks, %d batches; %d checks failed",
            len(result.versions),
            len(result.batches),
            len(result.failed_versions),
        )
    return result


def _latest_started(session, model) -> list:  # type: ignore[no-untyped-def]
    """The started row sent last: whether the queue has moved past a waiting row."""
    row = session.scalar(select(model).where(model.started_at.is_not(None)).order_by(model.enqueued_at.desc()).limit(1))
    return [row] if row is not None else []


def _send(settings: Settings, result: SweepResult) -> None:
    if settings.broker_url:
        for version_id in result.versions:
            enqueue(settings, TASK_CHECK_VERSION, version_id)
        for batch_id in result.batches:
            enqueue(settings, TASK_RECHECK_BATCH, batch_id)
        return
    from review_service.archive.recheck import run_batch
    from review_service.tasks.check_tasks import check_version_now

    for version_id in result.versions:
        check_version_now(settings, version_id)
    for batch_id in result.batches:
        run_batch(settings, batch_id, worker=None)


def start_sweeper(settings: Settings) -> Callable[[], None]:
    """Sweep now and then every REVIEW_SWEEP_INTERVAL_SECONDS in a daemon thread; returns a stop function."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                sweep(settings)
            except Exception:  # the next round tries again; a sweep must never take the API down
                log.exception("sweep failed")
            if not settings.sweep_interval_seconds or stop.wait(settings.sweep_interval_seconds):
                return

    thread = threading.Thread(target=loop, name="review-sweep", daemon=True)
    thread.start()
    return stop.set
