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

from sqlalchemy import or_, select

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


def _due(column_enqueued, column_started, cutoff: dt.datetime):  # type: ignore[no-untyped-def]
    return (
        or_(column_enqueued.is_(None), column_enqueued < cutoff),
        or_(column_started.is_(None), column_started < cutoff),
    )


def sweep(settings: Settings, *, now: dt.datetime | None = None, overdue: dt.timedelta | None = None) -> SweepResult:
    """Mark overdue work as re-sent, commit, then send it (or run it here without a broker)."""
    now = now or utcnow()
    cutoff = now - (overdue if overdue is not None else dt.timedelta(seconds=settings.check_overdue_seconds))
    result = SweepResult()
    with unit_of_work(settings) as session:
        runs = session.scalars(
            select(CheckRun).where(
                CheckRun.state == "checking", *_due(CheckRun.enqueued_at, CheckRun.started_at, cutoff)
            )
        )
        for run in runs:
            if run.attempts >= settings.task_max_attempts:
                run.state, run.error, run.finished_at = "failed", f"gave up after {run.attempts} attempts", now
                result.failed_versions.append(run.version_id)
            else:
                run.enqueued_at = now
                result.versions.append(run.version_id)
        batches = session.scalars(
            select(RecheckBatch).where(RecheckBatch.state == "queued", RecheckBatch.enqueued_at < cutoff)
        )
        for batch in batches:
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
