"""Background work: the task names, their queues, and the one way to start a task.

``dispatch`` only records the job in the unit of work's outbox; once the transaction commits, the
unit of work (``services.unit_of_work``) hands the jobs to ``start``: to the broker when one is set,
else run here, one after another. A job sent earlier could run before its row is visible, or for a
row that is then rolled back. If the process dies between commit and send, the row stays waiting
and the sweep sends it again; tasks are idempotent, so sending twice is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from celery import Celery

from review_service.config import Settings
from review_service.services.context import Job, ServiceContext

log = logging.getLogger(__name__)

QUEUE_CHECKS = "review.checks"  # draft-version checks: an editor is waiting
QUEUE_BULK = "review.bulk"  # archive re-check batches: throughput, lower CPU priority
CHECK_VERSION = "review.check_version"
RECHECK_BATCH = "review.recheck_batch"
QUEUES = {CHECK_VERSION: QUEUE_CHECKS, RECHECK_BATCH: QUEUE_BULK}
# Redis re-delivers an unacknowledged message after this long; above the longest task (a batch).
VISIBILITY_TIMEOUT_S = 3600

RunHere = Callable[[Settings, int], object]


def dispatch(ctx: ServiceContext, task: str, arg: int) -> None:
    """Start ``task(arg)`` once this unit of work commits (never for a rolled-back one)."""
    if task not in QUEUES:
        raise ValueError(task)
    ctx.outbox.jobs.append(Job(task, arg))


def start(settings: Settings, jobs: Iterable[Job], run_here: Mapping[str, RunHere]) -> None:
    """After commit: send each job to the broker, or without one run it in this process."""
    for job in jobs:
        if settings.broker_url:
            send(settings, job)
            continue
        try:
            run_here[job.task](settings, job.arg)
        except Exception:  # one job must not stop the others; each runner records its own failure
            log.exception("%s(%s) did not finish", job.task, job.arg)


@lru_cache(maxsize=4)
def producer(broker_url: str) -> Celery:
    """One client app per broker URL, reused by every request that sends a task."""
    app = Celery("review_service", broker=broker_url, set_as_current=False)
    app.conf.update(broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S})
    return app


def send(settings: Settings, job: Job) -> bool:
    """Send one task; False (logged) when the broker is unreachable: the sweep will send it again."""
    if not settings.broker_url:
        raise RuntimeError("sending a task needs REVIEW_BROKER_URL")
    try:
        producer(settings.broker_url).send_task(
            job.task,
            args=[job.arg],
            queue=QUEUES[job.task],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except Exception as exc:  # any broker failure: the row stays waiting and overdue rows are swept
        log.warning("could not send %s(%s): %s", job.task, job.arg, exc)
        return False
    return True
