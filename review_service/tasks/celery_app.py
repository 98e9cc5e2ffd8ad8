"""The Celery application: Redis broker, late acknowledgement, two queues, no result backend.

The database is the source of truth: a task only carries an id, re-reads the row, and stores its
result there, so the broker can lose a message (the sweep re-enqueues it) or deliver one twice
(the task sees the row is done and does nothing).
"""

from __future__ import annotations

import logging
import warnings

from celery import Celery
from celery.exceptions import CPendingDeprecationWarning
from celery.signals import worker_process_init, worker_ready

from review_service.jobs import QUEUE_CHECKS, QUEUES, VISIBILITY_TIMEOUT_S

log = logging.getLogger(__name__)

# A new pool process reports "up" only after building the check engine (worker_process_init), which
# takes seconds, and far longer on a busy machine; Celery's 4 s default killed replacements in a loop.
PROC_ALIVE_TIMEOUT_S = 300


def create_celery(broker_url: str | None) -> Celery:
    # The task modules are named, not imported: the worker imports them when it starts.
    app = Celery(
        "review_service",
        broker=broker_url or "memory://",
        set_as_current=False,
        include=["review_service.tasks.check_tasks"],
    )
    app.conf.update(
        task_acks_late=True,  # a message is acknowledged after the task returns …
        task_reject_on_worker_lost=True,  # … and re-queued when the pool process running it dies
        worker_prefetch_multiplier=1,  # a worker holds one unacknowledged message per process
        task_ignore_result=True,
        task_default_queue=QUEUE_CHECKS,
        task_routes={name: {"queue": queue} for name, queue in QUEUES.items()},
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
        broker_connection_retry_on_startup=True,
        # A task running when the broker connection drops goes on and stores its result in the
        # database; its message, never acknowledged, comes back later and finds the row done.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_proc_alive_timeout=PROC_ALIVE_TIMEOUT_S,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


@worker_process_init.connect
def _load_engine(**_: object) -> None:
    """Each pool process builds the check engine once, before its first task."""
    from review_service.check_service import get_check_engine

    get_check_engine()


@worker_ready.connect
def _quiet_reconnect_notice(**_: object) -> None:
    """Celery warns on every broker reconnect that the setting above will change in Celery 6.

    The choice is deliberate and pinned in the configuration, so the notice is noise in the logs.
    Filtered once the worker is ready: Celery resets the warning filters while it sets up logging.
    """
    warnings.filterwarnings("ignore", message=r"\s*In Celery 5\.1 ", category=CPendingDeprecationWarning)
