"""One unit of work: a transaction with its ``ServiceContext``; the outbox leaves only after commit.

At each commit the jobs it dispatched start (``jobs.start``: to the broker, or run here) and its
file lines are appended; its notifications and mail become sendable and go out when the unit ends
(the API defers them until after the response). A rolled-back transaction hands on nothing: the
outbox follows the session's transactions (SQLAlchemy's ``after_commit`` and ``after_rollback`` events),
so a mid-request commit (``drafts.settle``) releases what came before it. While it writes audit rows
the unit also keeps the periodic signed checkpoints due (``audit_checkpoints``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from review_service import audit_checkpoints, check_runs, jobs
from review_service.archive.recheck import run_batch
from review_service.clock import Clock, now_utc
from review_service.config import Settings
from review_service.db import session_factory
from review_service.mailer import send_all
from review_service.models import AuditEntry
from review_service.notify import deliver
from review_service.services.context import Outbox, ServiceContext

# Without a broker, each task runs in this process right after the commit.
RUN_HERE: dict[str, jobs.RunHere] = {
    jobs.CHECK_VERSION: check_runs.run_here,
    jobs.RECHECK_BATCH: lambda settings, batch_id: run_batch(settings, batch_id, worker=None, force=True),
}


def _watch(ctx: ServiceContext) -> None:
    """Hook the outbox and the audit checkpoints to this context's session."""
    session = ctx.session
    wrote_audit = [False]

    def before_flush(_session: Session, _flush: Any, _instances: Any) -> None:
        if any(isinstance(obj, AuditEntry) for obj in session.new):
            wrote_audit[0] = True

    def after_flush_postexec(_session: Session, _flush: Any) -> None:
        if wrote_audit[0]:
            wrote_audit[0] = False
            audit_checkpoints.record_if_due(ctx)

    def after_commit(_session: Session) -> None:
        pending_jobs, files = ctx.outbox.committed()
        for line in files:
            audit_checkpoints.write_line(line)
        jobs.start(ctx.settings, pending_jobs, RUN_HERE)

    def after_rollback(_session: Session) -> None:
        ctx.outbox.rolled_back()

    event.listen(session, "before_flush", before_flush)
    event.listen(session, "after_flush_postexec", after_flush_postexec)
    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_rollback", after_rollback)


def deliver_outbox(settings: Settings, outbox: Outbox) -> None:
    """Send what committed units released: webhook events, then mail (both best-effort)."""
    notifications, mail = outbox.take_sendable()
    if notifications:
        deliver(settings, notifications)
    if mail:
        send_all(settings, mail)


@contextmanager
def unit_of_work(settings: Settings, *, clock: Clock = now_utc, send: bool = True) -> Iterator[ServiceContext]:
    """One transaction: commit on success, roll back on any error; then send what it released.

    ``send=False`` leaves the released notifications and mail in ``ctx.outbox`` for the caller."""
    ctx = ServiceContext(session=session_factory(settings)(), settings=settings, clock=clock)
    _watch(ctx)
    try:
        yield ctx
        ctx.session.commit()
    except BaseException:
        ctx.session.rollback()
        raise
    finally:
        ctx.session.close()
    if send:
        deliver_outbox(settings, ctx.outbox)
