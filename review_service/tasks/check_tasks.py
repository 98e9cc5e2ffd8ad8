"""The Celery tasks: thin wrappers that run a check run or a re-check batch and retry transient errors.

What a task does lives beside its data (``check_runs``, ``archive.recheck``); here only the
delivery policy: late acknowledgement, retries with back-off, and ``busy`` batches looked at later.
"""

from __future__ import annotations

from celery import shared_task

from review_service import check_runs
from review_service.archive.recheck import run_batch
from review_service.check_runs import TRANSIENT, worker_name
from review_service.config import get_settings
from review_service.jobs import CHECK_VERSION, RECHECK_BATCH


@shared_task(name=CHECK_VERSION, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def check_version(self, version_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        return check_runs.check_version_now(get_settings(), version_id)
    except TRANSIENT as exc:  # the database or a file is briefly unavailable: try again later
        raise self.retry(exc=exc, countdown=2 ** min(self.request.retries, 5)) from exc


@shared_task(name=RECHECK_BATCH, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def recheck_batch(self, batch_id: int) -> str:  # type: ignore[no-untyped-def]
    settings = get_settings()
    try:
        outcome = run_batch(settings, batch_id, worker=worker_name())
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=2 ** min(self.request.retries, 5)) from exc
    if outcome == "busy":  # another delivery is working on it: look again once its heartbeat would be stale
        raise self.retry(countdown=settings.check_overdue_seconds, max_retries=None)
    return outcome
