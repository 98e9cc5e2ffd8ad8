"""回头看: re-check the published archive in batches, on the bulk queue or in-process.

``start_recheck`` decides which pages need checking (see impact.py), stores the run and its
batches, and asks for them to be sent after commit. ``run_batch`` is one task: it reads a batch
in a short transaction, checks the pages outside any transaction, and stores the findings only if
the batch is still queued, counting progress on the run in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from checks import Channel, DocType, DraftInput, Metadata
from review_service.archive.errors import ArchiveError, validate_categories
from review_service.archive.impact import Impact, current_snapshot, impact_between, mentions
from review_service.check_service import current_overlay, run_check
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.heartbeat import started_grace
from review_service.jobs import RECHECK_BATCH, dispatch
from review_service.models import ArchiveDocument, DictionarySnapshot, RecheckBatch, RecheckRun, utcnow
from review_service.services.context import ServiceContext

log = logging.getLogger(__name__)


@dataclass
class Plan:
    snapshot: DictionarySnapshot
    in_scope: int
    to_check: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def mode(self) -> str:
        return "full" if len(self.to_check) == self.in_scope else "incremental"


def plan(session: Session, *, since: dt.date | None, full: bool) -> Plan:
    """Pages in scope that the current dictionaries could judge differently from their last check."""
    query = select(ArchiveDocument).order_by(ArchiveDocument.id)
    if since is not None:
        query = query.where(ArchiveDocument.published_at >= since)
    docs = list(session.scalars(query))
    snapshot = current_snapshot(session)
    result = Plan(snapshot, len(docs))
    if full:
        result.to_check = [d.id for d in docs]
        result.reasons.append("按要求全部复查")
        return result
    impacts: dict[int, Impact] = {}
    unchecked = 0
    for doc in docs:
        if doc.snapshot_id is None or doc.checked_hash != doc.content_hash:
            unchecked += 1
            result.to_check.append(doc.id)
            continue
        if doc.snapshot_id not in impacts:
            old = session.get(DictionarySnapshot, doc.snapshot_id)
            impacts[doc.snapshot_id] = impact_between(old, snapshot) if old else Impact(None, "找不到上次的词库记录")
        impact = impacts[doc.snapshot_id]
        if impact.needles is None or (impact.needles and mentions(doc, impact.needles)):
            result.to_check.append(doc.id)
    if unchecked:
        result.reasons.append(f"{unchecked} 篇为新导入、内容有变化或从未检查的页面")
    result.reasons.extend(sorted({i.reason for i in impacts.values()}))
    return result


def start_recheck(
    ctx: ServiceContext,
    *,
    since: dt.date | None = None,
    categories: list[str] | tuple[str, ...] = (),
    full: bool = False,
    user_id: int | None = None,
) -> RecheckRun:
    """Create the run and its batches; with a broker the batches are sent when the caller commits.

    Without one the caller runs them after the commit (``run_in_process``), reporting progress."""
    session, settings = ctx.session, ctx.settings
    wanted = validate_categories(list(categories))
    chosen = plan(session, since=since, full=full)
    size = settings.recheck_batch_size
    chunks = [chosen.to_check[i : i + size] for i in range(0, len(chosen.to_check), size)]
    now = utcnow()
    run = RecheckRun(
        state="running" if chunks else "done",
        created_by=user_id,
        started_at=now,
        finished_at=None if chunks else now,
        since=since,
        categories=wanted,
        mode=chosen.mode,
        reason="；".join(chosen.reasons) or "没有需要复查的页面",
        snapshot_id=chosen.snapshot.id,
        in_scope=chosen.in_scope,
        total=len(chosen.to_check),
        batches=len(chunks),
    )
    session.add(run)
    session.flush()
    for chunk in chunks:
        batch = RecheckBatch(run_id=run.id, document_ids=chunk, state="queued", enqueued_at=now)
        session.add(batch)
        session.flush()
        if settings.broker_url:
            dispatch(ctx, RECHECK_BATCH, batch.id)
    return run


def queued_batches(session: Session, run_id: int) -> list[int]:
    return list(
        session.scalars(
            select(RecheckBatch.id)
            .where(RecheckBatch.run_id == run_id, RecheckBatch.state == "queued")
            .order_by(RecheckBatch.id)
        )
    )


def _input(doc: ArchiveDocument) -> DraftInput:
    return DraftInput(
        body=doc.body,
        title=doc.title,
        is_html=doc.body_format == "html",
        channel=Channel.WEBSITE,
        doc_type=DocType.OTHER,
        doc_date=doc.published_at,  # outdated names and date-tied figures as of the day it was published
        metadata=Metadata(published_date=doc.published_at.isoformat(), department=doc.department),
    )


def _busy(batch: RecheckBatch, settings: Settings, now: dt.datetime) -> bool:
    """Another delivery started this batch and its heartbeat is fresh (and the sweep did not re-send it since)."""
    started, sent = batch.started_at, batch.enqueued_at
    if not batch.attempts or started is None:
        return False
    if sent is not None and sent > started:  # re-sent by the sweep after that start went quiet
        return False
    return started >= now - started_grace(settings)


def _heartbeat(settings: Settings, batch_id: int) -> None:
    """Tell the sweep this batch is still being worked on (see sweep.py)."""
    with unit_of_work(settings) as session:
        session.execute(
            update(RecheckBatch)
            .where(RecheckBatch.id == batch_id, RecheckBatch.state == "queued")
            .values(started_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def run_batch(settings: Settings, batch_id: int, *, worker: str | None, force: bool = False) -> str:
    """One bulk task; idempotent (keyed by batch id). Returns what happened.

    ``busy``: another delivery is working on the batch right now (its heartbeat is fresh); this
    one is not counted as an attempt. ``force`` skips that test (resuming after a restart, where
    nothing else can be running it). A page whose check raises is recorded as failed and the
    batch goes on, so the run always ends.
    """
    with unit_of_work(settings) as session:
        # locked: of two deliveries arriving together, the second waits and then sees the first's start
        batch = session.get(RecheckBatch, batch_id, with_for_update=True, populate_existing=True)
        if batch is None or batch.state != "queued":
            return "skipped"
        now = utcnow()
        if not force and _busy(batch, settings, now):
            return "busy"
        batch.attempts += 1
        batch.started_at = now
        if batch.attempts > settings.task_max_attempts:
            _finish_batch(session, batch, 0, state="failed", error=f"gave up after {batch.attempts - 1} attempts")
            return "failed"
        docs = list(session.scalars(select(ArchiveDocument).where(ArchiveDocument.id.in_(batch.document_ids))))
        inputs = [(d.id, d.content_hash, _input(d)) for d in docs]
        overlay = current_overlay(session, settings)
        snapshot_id = session.get(RecheckRun, batch.run_id).snapshot_id
    results = []
    failed: dict[str, str] = {}
    last_beat = utcnow()  # the service clock, as the sweep that reads the heartbeat
    for doc_id, content_hash, draft in inputs:
        try:
            result = run_check(draft, overlay)
        except Exception as exc:  # one bad page must not stop the batch (nor leave the run running)
            log.exception("batch %s: the check of archive page %s failed", batch_id, doc_id)
            failed[str(doc_id)] = f"{type(exc).__name__}: {exc}"[:300]
        else:
            results.append((doc_id, content_hash, result.verdict, [f.to_dict() for f in result.findings]))
        if (utcnow() - last_beat).total_seconds() >= settings.check_overdue_seconds:
            _heartbeat(settings, batch_id)
            last_beat = utcnow()
    with unit_of_work(settings) as session:
        batch = session.get(RecheckBatch, batch_id)
        session.get(RecheckRun, batch.run_id, with_for_update=True)  # serialize the progress count
        session.refresh(batch)
        if batch.state != "queued":
            return "duplicate"
        now = utcnow()
        for doc_id, content_hash, verdict, findings in results:
            doc = session.get(ArchiveDocument, doc_id)
            if doc is None:
                continue
            doc.findings, doc.verdict, doc.checked_at = findings, verdict, now
            doc.checked_hash, doc.snapshot_id = content_hash, snapshot_id
        error = json.dumps({"failed_pages": failed}, ensure_ascii=False) if failed else None
        _finish_batch(session, batch, len(results) + len(failed), state="done", error=error)
    log.debug("batch %s: %d pages checked by %s", batch_id, len(results), worker or "this process")
    return "done"


def _finish_batch(session: Session, batch: RecheckBatch, pages: int, *, state: str, error: str | None = None) -> None:
    run = session.get(RecheckRun, batch.run_id, with_for_update=True, populate_existing=True)
    batch.state, batch.finished_at, batch.error = state, utcnow(), error
    run.done += pages
    run.batches_done += 1
    if run.batches_done >= run.batches:
        run.state, run.finished_at = "done", utcnow()


@dataclass(frozen=True)
class Failures:
    """Batches given up on, and pages whose check raised (id → error), of one run."""

    batches: tuple[int, ...] = ()
    pages: dict[int, str] = field(default_factory=dict)


def failures(session: Session, run_id: int) -> Failures:
    batches, pages = [], {}
    rows = session.scalars(
        select(RecheckBatch)
        .where(RecheckBatch.run_id == run_id, RecheckBatch.error.is_not(None))
        .order_by(RecheckBatch.id)
    )
    for batch in rows:
        if batch.state == "failed":
            batches.append(batch.id)
            pages.update({int(i): batch.error or "failed" for i in batch.document_ids})
            continue
        try:
            listed = json.loads(batch.error or "{}").get("failed_pages", {})
        except (ValueError, AttributeError):
            listed = {}
        pages.update({int(k): str(v) for k, v in listed.items()})
    return Failures(tuple(batches), pages)


def run_in_process(settings: Settings, run_id: int, on_progress=None, *, force: bool = False) -> None:  # type: ignore[no-untyped-def]
    """No broker: run the queued batches here, one after another."""
    with unit_of_work(settings) as session:
        batch_ids = queued_batches(session, run_id)
    for batch_id in batch_ids:
        run_batch(settings, batch_id, worker=None, force=force)
        if on_progress is not None:
            on_progress()


def resume_in_process(settings: Settings) -> list[int]:
    """No broker: finish the runs a previous process left running (it was stopped mid-run)."""
    with unit_of_work(settings) as session:
        run_ids = list(
            session.scalars(select(RecheckRun.id).where(RecheckRun.state == "running").order_by(RecheckRun.id))
        )
    for run_id in run_ids:
        log.info("resuming re-check run %s left running by a previous process", run_id)
        run_in_process(settings, run_id, force=True)
    return run_ids


def start_resume_thread(settings: Settings) -> threading.Thread:
    """At API start without a broker: resume leftover runs in a background thread."""

    def resume() -> None:
        try:
            resume_in_process(settings)
        except Exception:  # never take the API down; the next start tries again
            log.exception("resuming re-check runs failed")

    thread = threading.Thread(target=resume, name="review-recheck-resume", daemon=True)
    thread.start()
    return thread


@dataclass(frozen=True)
class Progress:
    run_id: int
    state: str
    mode: str
    reason: str
    in_scope: int
    total: int
    done: int
    batches: int
    batches_done: int
    elapsed_s: float
    rate_per_s: float | None
    eta_s: float | None
    failed_batches: int = 0
    failed_pages: int = 0

    @property
    def percent(self) -> float:
        return 100.0 if not self.total else round(100.0 * self.done / self.total, 1)


def progress(run: RecheckRun, now: dt.datetime | None = None, failed: Failures | None = None) -> Progress:
    now = now or utcnow()
    started = run.started_at or run.created_at
    end = run.finished_at or now
    elapsed = max((end - started).total_seconds(), 0.0)
    rate = run.done / elapsed if elapsed > 0 and run.done else None
    eta = (run.total - run.done) / rate if rate and run.state != "done" else (0.0 if run.state == "done" else None)
    return Progress(
        run.id,
        run.state,
        run.mode,
        run.reason,
        run.in_scope,
        run.total,
        run.done,
        run.batches,
        run.batches_done,
        round(elapsed, 2),
        round(rate, 2) if rate else None,
        round(eta, 1) if eta is not None else None,
        len(failed.batches) if failed else 0,
        len(failed.pages) if failed else 0,
    )


def get_run(session: Session, run_id: int) -> RecheckRun:
    run = session.get(RecheckRun, run_id, populate_existing=True)
    if run is None:
        raise ArchiveError("recheck_not_found", "复查任务不存在", "Re-check run not found", status=404)
    return run
