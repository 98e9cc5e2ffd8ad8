"""Send tasks only after the transaction that created their rows has committed.

A task sent earlier could run before its row is visible, or for a row that is then rolled back.
If the process dies between commit and send, the row stays queued and the sweep sends it.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from review_service.tasks.celery_app import enqueue

_KEY = "enqueue_after_commit"


def _send_pending(session: Session) -> None:
    pending = session.info.pop(_KEY, [])
    settings = session.info.get("settings")
    for task, arg in pending:
        enqueue(settings, task, arg)


def _drop_pending(session: Session) -> None:
    session.info.pop(_KEY, None)


def enqueue_after_commit(session: Session, task: str, arg: int) -> None:
    pending = session.info.get(_KEY)
    if pending is None:
        pending = session.info[_KEY] = []
        event.listen(session, "after_commit", _send_pending, once=True)
        event.listen(session, "after_rollback", _drop_pending, once=True)
    pending.append((task, arg))
