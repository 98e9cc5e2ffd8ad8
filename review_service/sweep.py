"""Re-enqueue what is overdue, so no version stays ``checking`` and no re-check batch stays queued.

A message can be lost between commit and send (the API died), in the broker (Redis restarted
without persistence) or with its worker (killed outright). The database still says the work is
waiting; anything waiting longer than REVIEW_CHECK_OVERDUE_SECONDS is sent again. Sending twice
is harmless: the tasks are idempotent.

Work that has *started* is different: a big batch (or a slow check) may run for longer than the
overdue time while perfectly healthy. Both refresh a heartbeat while they run (``started_at``): a
draft check every few seconds (heartbeat.py), so a check whose worker died counts as lost
once its heartbeat is ``CHECK_STALE_SECONDS`` old; a re-check batch between pages, so it counts as
lost once its heartbeat is older than ``STARTED_GRACE_FACTOR`` times the overdue time.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from review_service.check_runs import CHECKING, FAILED
from review_service.config import Settings
from review_service.heartbeat import check_grace, started_grace
from review_service.jobs import CHECK_VERSION, RECHECK_BATCH, dispatch
from review_service.models import CheckRun, RecheckBatch, utcnow
from review_service.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    versions: list[int] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)
    failed_versions: list[int] = field(default_factory=list)


def lost(waiting, everything, cutoff: dt.datetime, started_cutoff: dt.datetime | None = None) -> list:  # type: ignore[no-untyped-def]
    """The waiting rows whose message is presumably gone.

    A started row whose last message is the one that started it (not re-sent since) counts once
    its heartbeat is older than ``started_cutoff`` (default: the cutoff): the worker that took the
    message stopped beating, so it is gone, whatever the rest of the queue does.

    Any other row counts once it was sent before the cutoff (and, if it has started, its
    heartbeat is older than ``started_cutoff``); and either the queue has moved past it (a row sent
    later has started: the queue is first-in first-out, so this one's message is gone) or the
    queue is not moving at all (nothing started since the cutoff and no worker is still busy with a
    started row: the broker or the workers lost it). A long but moving backlog is left alone, so a
    busy day does not flood the queue with duplicates.
    """
    started_cutoff = cutoff if started_cutoff is None else started_cutoff
    started = [row for row in everything if row.started_at is not None]
    # a worker still busy with a started row (within its grace) also means the queue is alive
    busy = any(row.started_at >= started_cutoff for row in waiting if row.started_at is not None)
    moving = busy or any(row.started_at >= cutoff for row in started)
    last_sent_started = max((row.enqueued_at for row in started if row.enqueued_at), default=None)
    due = []
    for row in waiting:
        sent, began = row.enqueued_at, row.started_at
        if began is not None and began >= started_cutoff:
            continue  # running: its heartbeat is fresh
        if began is not None and (sent is None or sent <= began):
            due.append(row)  # its worker stopped beating, and nothing was sent since it started
            continue
        if sent is not None and sent >= cutoff:
            continue
        overtaken = last_sent_started is not None and sent is not None and sent < last_sent_started
        if overtaken or not moving:
            due.append(row)
    return due


def sweep(
    settings: Settings,
    *,
    now: dt.datetime | None = None,
    overdue: dt.timedelta | None = None,
    batches: bool = True,
) -> SweepResult:
    """Mark overdue work as re-sent, commit, then dispatch it (to the broker, or run here without one).

    ``batches=False`` leaves re-check batches alone (without a broker the resume thread owns them)."""
    now = now or utcnow()
    cutoff = now - (overdue if overdue is not None else dt.timedelta(seconds=settings.check_overdue_seconds))
    started_cutoff = now - started_grace(settings, overdue)
    check_cutoff = now - check_grace(settings, overdue)  # draft checks beat every few seconds
    result = SweepResult()
    with unit_of_work(settings) as ctx:
        session = ctx.session
        waiting = list(session.scalars(select(CheckRun).where(CheckRun.state == CHECKING)))
        if waiting:
            recent = list(session.scalars(select(CheckRun).where(CheckRun.started_at >= cutoff)))
            everything = [*waiting, *recent, *_latest_started(session, CheckRun)]
            for run in lost(waiting, everything, cutoff, check_cutoff):
                if run.attempts >= settings.task_max_attempts:
                    run.state, run.error, run.finished_at = FAILED, f"gave up after {run.attempts} attempts", now
                    result.failed_versions.append(run.version_id)
                else:
                    run.enqueued_at = now
                    result.versions.append(run.version_id)
                    dispatch(ctx, CHECK_VERSION, run.version_id)
        queued = list(session.scalars(select(RecheckBatch).where(RecheckBatch.state == "queued"))) if batches else []
        if queued:
            recent = list(session.scalars(select(RecheckBatch).where(RecheckBatch.started_at >= cutoff)))
            everything = [*queued, *recent, *_latest_started(session, RecheckBatch)]
            for batch in lost(queued, everything, cutoff, started_cutoff):
                batch.enqueued_at = now  # later than its start: the re-sent delivery may run it
                result.batches.append(batch.id)
                dispatch(ctx, RECHECK_BATCH, batch.id)
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


def start_sweeper(settings: Settings, *, batches: bool = True) -> Callable[[], None]:
    """Sweep now and then every REVIEW_SWEEP_INTERVAL_SECONDS in a daemon thread; returns a stop function."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                sweep(settings, batches=batches)
            except Exception:  # the next round tries again; a sweep must never take the API down
                log.exception("sweep failed")
            if not settings.sweep_interval_seconds or stop.wait(settings.sweep_interval_seconds):
                return

    thread = threading.Thread(target=loop, name="review-sweep", daemon=True)
    thread.start()
    return stop.set
