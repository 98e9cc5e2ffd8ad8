"""The life of one draft version's check: ``checking`` until it is stored (``done``) or gives up (``failed``).

``open_run`` creates the run with the version; ``begin`` counts the attempt and reads the input in one
short transaction, the check runs outside any transaction (SQLite has one writer; a long check must
not hold it), and ``store`` writes the result only while the run is still ``checking``, so a duplicate
delivery changes nothing. ``rerun`` puts a failed run back to ``checking`` (the 重新审校 button).
The same steps run in a worker (``tasks/``, broker set) or in this process (``run_here``).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from checks import Channel, DocType, DraftInput, Metadata
from checks.finding import Finding, Severity
from checks.pipeline import CheckResult, finish
from review_service.check_service import current_overlay, engine_builds, get_check_engine, run_check
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.heartbeat import heartbeat
from review_service.models import CheckRun, DraftVersion, utcnow
from review_service.org_dictionary import Overlay

log = logging.getLogger(__name__)
# Errors that may well go away on their own (database restarting, a file briefly unreadable): the
# task is retried instead of the run being marked failed; the attempt cap still applies.
TRANSIENT = (OperationalError, InterfaceError, OSError)


class RunState(StrEnum):
    CHECKING = "checking"
    DONE = "done"
    FAILED = "failed"


CHECKING, DONE, FAILED = RunState.CHECKING, RunState.DONE, RunState.FAILED


def state_of(version: DraftVersion) -> RunState:
    """A version without a run (stored before checks were runs) counts as checked."""
    run = version.check_run
    return RunState(run.state) if run else DONE


def worker_name() -> str:
    """Who stored a result: host, process and how many engines this process has built."""
    return f"{socket.gethostname()}:{os.getpid()}:{engine_builds()}"


def open_run(session: Session, version: DraftVersion) -> CheckRun:
    """The version's run, waiting for its check (started by the caller once the transaction commits)."""
    run = CheckRun(version_id=version.id, state=CHECKING, enqueued_at=utcnow())
    session.add(run)
    session.flush()
    return run


def rerun(session: Session, run: CheckRun) -> str | None:
    """Put a failed run back to ``checking`` with a fresh attempt count; returns the previous error."""
    if run.state != FAILED:
        raise ValueError(f"run {run.id} is {run.state}, not failed")
    previous_error = run.error
    run.state, run.error, run.verdict, run.findings, run.stats = CHECKING, None, None, [], {}
    run.attempts, run.started_at, run.finished_at, run.worker = 0, None, None, None
    run.enqueued_at = utcnow()
    session.flush()
    return previous_error


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


def begin(session: Session, settings: Settings, version_id: int, *, count_attempt: bool = True) -> Prepared | None:
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
    return Prepared(run.id, run.attempts, draft_input, current_overlay(session, settings), file_findings)


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


def check_version_now(settings: Settings, version_id: int) -> str:
    """What the worker does for one message; returns what happened (for logs and tests)."""
    with unit_of_work(settings) as session:
        prepared = begin(session, settings, version_id)
    if prepared is None:
        return "skipped"
    if prepared.attempts > settings.task_max_attempts:
        with unit_of_work(settings) as session:
            fail(session, prepared.run_id, f"gave up after {prepared.attempts - 1} attempts")
        return FAILED
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
        return FAILED
    with unit_of_work(settings) as session:
        stored = store(session, prepared.run_id, result, worker=worker_name())
    return DONE if stored else "duplicate"


def run_here(settings: Settings, version_id: int) -> str:
    """Without a broker, right after the commit: nobody retries here, so any error marks the run failed
    (the 重新审校 button re-runs it)."""
    try:
        return check_version_now(settings, version_id)
    except Exception as exc:
        log.exception("check of version %s did not finish", version_id)
        mark_failed(settings, version_id, f"{type(exc).__name__}: {exc}")
        return FAILED


def mark_failed(settings: Settings, version_id: int, error: str) -> None:
    try:
        with unit_of_work(settings) as session:
            session.execute(
                update(CheckRun)
                .where(CheckRun.version_id == version_id, CheckRun.state == CHECKING)
                .values(state=FAILED, error=error[:2000], finished_at=utcnow())
            )
    except Exception:  # the database itself is away: the run stays checking; `review-service sweep` finds it
        log.exception("could not mark the check of version %s failed", version_id)
