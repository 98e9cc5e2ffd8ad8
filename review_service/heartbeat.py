"""A started draft check says it is alive, so the sweep can tell a slow check from a dead one.

While a worker runs a check, a thread refreshes the run's ``started_at`` every
``CHECK_HEARTBEAT_SECONDS``. A check whose worker was killed stops refreshing it; once it is
``CHECK_STALE_SECONDS`` old the sweep re-sends the check (sweep.py), so the editor waits a
minute or two, not the twenty minutes a fixed grace for long tasks would take. A re-check batch
beats between pages; it counts as lost once its heartbeat is ``STARTED_GRACE_FACTOR`` overdue
periods old.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update

from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import CheckRun, utcnow

log = logging.getLogger(__name__)
CHECK_HEARTBEAT_SECONDS = 10.0
# Six missed beats: a busy machine may delay one or two, never six.
CHECK_STALE_SECONDS = 6 * CHECK_HEARTBEAT_SECONDS
# A started row is presumed lost only when its start / heartbeat is this many overdue periods old.
STARTED_GRACE_FACTOR = 10


def started_grace(settings: Settings, overdue: dt.timedelta | None = None) -> dt.timedelta:
    """How long a started row (or a batch's last heartbeat) stays presumed alive."""
    base = overdue if overdue is not None else dt.timedelta(seconds=settings.check_overdue_seconds)
    return base * STARTED_GRACE_FACTOR


def check_grace(settings: Settings, overdue: dt.timedelta | None = None) -> dt.timedelta:
    """How long a started draft check stays presumed alive without a heartbeat."""
    return min(dt.timedelta(seconds=CHECK_STALE_SECONDS), started_grace(settings, overdue))


def beat(settings: Settings, run_id: int) -> None:
    with unit_of_work(settings) as session:
        session.execute(
            update(CheckRun)
            .where(CheckRun.id == run_id, CheckRun.state == "checking")  # check_runs.CHECKING
            .values(started_at=utcnow())
            .execution_options(synchronize_session=False)
        )


@contextmanager
def heartbeat(settings: Settings, run_id: int, interval: float | None = None) -> Iterator[None]:
    """Refresh the run's heartbeat every ``interval`` seconds while the block runs."""
    stop = threading.Event()
    every = CHECK_HEARTBEAT_SECONDS if interval is None else interval

    def loop() -> None:
        while not stop.wait(every):
            try:
                beat(settings, run_id)
            except Exception as exc:  # the database may be restarting: the next beat tries again
                log.warning("heartbeat of check run %s failed: %s", run_id, exc)

    thread = threading.Thread(target=loop, name=f"check-heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
