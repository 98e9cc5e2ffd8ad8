"""Draft-version checks: the same three steps run in a worker (broker set) or in the request.

``begin`` counts the attempt and reads the input in one short transaction, the check runs outside
any transaction (SQLite has one writer; a long check must not hold it), and ``store`` writes the
result only while the run is still ``checking``, so a duplicate delivery changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from checks import Channel, DocType, DraftInput, Metadata
from checks.finding import Finding, Severity
from checks.pipeline import CheckResult, finish
from review_service.check_service import current_overlay, get_check_engine, run_check
from review_service.config import Settings, get_settings
from review_service.db import unit_of_work
from review_service.models import CheckRun, utcnow
from review_service.org_dictionary import Overlay
from review_service.tasks.celery_app import TASK_CHECK_VERSION, TASK_RECHECK_BATCH, worker_name
from review_service.tasks.heartbeat import heartbeat

log = logging.getLogger(__name__)
CHECKING, DONE, FAILED = "checking", "done", "failed"
# Errors that may well go away on their own (database restarting, a file briefly unreadable): the
# task is retried instead of the run being marked failed; the attempt cap still applies.
TRANSIENT = (OperationalError, InterfaceError, OSError)


@dataclass(frozen=True)
class Prepared:
    run_id: int
    attempts: int
    draft: DraftInput
    overlay: Overlay | None
    file_findings: tuple[Finding, ...] = ()  # what the uploaded file hid; not in the text, so not re-found

    def check(self) -> CheckResult:
        """The engine's findings on the text, with the version's file findings under the same policy."""
        result = run_check(self.draft, self.overlay)
        if not self.file_findings:
            return result
        policy = get_check_engine(self.overlay).policy
        merged = finish([*result.findings, *self.file_findings], policy, self.draft.channel)
        return CheckResult(
            merged.findings,
            merged.verdict,
            {**result.stats, **merged.stats, "characters": result.stats.get("characters", 0)},
        )


def begin(session: Session, version_id: int, *, count_attempt: bool = True) -> Prepared | None:
    """Read what the check needs; None when the run is no longer waiting (done, failed or gone)."""
    run = session.scalar(
        select(CheckRun).where(CheckRun.version_id == version_id).execution_options(populate_existing=True)
    )
    if run is None or run.state != CHECKING:
        return None
    if count_attempt:
        run.attempts += 1
        run.started_at = utcnow()
    version = run.version
    draft = version.draft
    meta = {k: v for k, v in (version.meta or {}).items() if k in Metadata.field_names()}
    draft_input = DraftInput(
        body=version.body,
        title=version.title,
        summary=version.summary,
        is_html=version.body_format == "html",
        channel=Channel(draft.channel),
        doc_type=DocType(draft.doc_type),
        metadata=Metadata(**meta),
    )
    file_findings = tuple(_finding(f) for f in version.file_findings or ())
    return Prepared(run.id, run.attempts, draft_input, current_overlay(session), file_findings)


def _finding(data: dict) -> Finding:
    return Finding(**{**data, "severity": Severity(data["severity"])})


def store(session: Session, run_id: int, result: CheckResult, *, worker: str | None) -> bool:
    """Write the result once: False when another delivery already stored it."""
    run = session.get(CheckRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.state != CHECKING:
        return False
    run.state = DONE
    run.verdict = result.verdict
    run.findings = [f.to_dict() for f in result.findings]
    run.stats = result.stats
    run.finished_at = utcnow()
    run.error = None
    run.worker = worker
    return True


def fail(session: Session, run_id: int, error: str) -> None:
    run = session.get(CheckRun, run_id, with_for_update=True, populate_existing=True)
    if run is not None and run.state == CHECKING:
        run.state, run.error, run.finished_at = FAILED, error[:2000], utcnow()


def check_in_session(session: Session, version_id: int) -> None:
    """Embedded mode: the whole check inside the caller's transaction."""
    prepared = begin(session, version_id)
    if prepared is not None:
        store(session, prepared.run_id, prepared.check(), worker=None)


def check_version_now(settings: Settings, version_id: int) -> str:
    """What the worker does for one message; returns what happened (for logs and tests)."""
    with unit_of_work(settings) as session:
        prepared = begin(session, version_id)
    if prepared is None:
        return "skipped"
    if prepared.attempts > settings.task_max_attempts:
        with unit_of_work(settings) as session:
            fail(session, prepared.run_id, f"gave up after {prepared.attempts - 1} attempts")
        return "failed"
    try:
        with heartbeat(settings, prepared.run_id):  # the sweep tells this running check from a dead one
            result = prepared.check()
    except TRANSIENT:  # may go away: leave the run checking and let the caller retry (or the sweep)
        log.warning("check of version %s hit a transient error; will retry", version_id, exc_info=True)
        raise
    except Exception as exc:  # a deterministic engine error: retrying gives the same answer
        log.exception("check of version %s failed", version_id)
        with unit_of_work(settings) as session:
            fail(session, prepared.run_id, f"{type(exc).__name__}: {exc}")
        return "failed"
    with unit_of_work(settings) as session:
        stored = store(session, prepared.run_id, result, worker=worker_name())
    return "done" if stored else "duplicate"


@shared_task(name=TASK_CHECK_VERSION, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def check_version(self, version_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        return check_version_now(get_settings(), version_id)
    except TRANSIENT as exc:  # the database or a file is briefly unavailable: try again later
        raise self.retry(exc=exc, countdown=2 ** min(self.request.retries, 5)) from exc


@shared_task(name=TASK_RECHECK_BATCH, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def recheck_batch(self, batch_id: int) -> str:  # type: ignore[no-untyped-def]
    from review_service.archive.recheck import run_batch

    settings = get_settings()
    try:
        outcome = run_batch(settings, batch_id, worker=worker_name())
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=2 ** min(self.request.retries, 5)) from exc
    if outcome == "busy":  # another delivery is working on it: look again once its heartbeat would be stale
        raise self.retry(countdown=settings.check_overdue_seconds, max_retries=None)
    return outcome
