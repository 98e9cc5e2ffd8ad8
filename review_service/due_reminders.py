"""Run the due-date sweep (due_soon / overdue messages) in its own unit of work, which sends its mail."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from review_service.config import Settings
from review_service.notifications import DueSweep, sweep_due
from review_service.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


def run_due_sweep(settings: Settings, *, now: dt.datetime | None = None) -> DueSweep:
    with unit_of_work(settings) as ctx:
        return sweep_due(ctx, hours=settings.due_soon_hours, now=now)


def start_due_thread(settings: Settings) -> Callable[[], None]:
    """Every REVIEW_DUE_CHECK_INTERVAL_SECONDS (first after one interval); returns a stop function."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(settings.due_check_interval_seconds):
            try:
                run_due_sweep(settings)
            except Exception:  # a failed sweep (e.g. a concurrent one won a reminder) retries next time
                log.exception("due-date sweep failed")

    thread = threading.Thread(target=loop, name="due-reminders", daemon=True)
    thread.start()
    return stop.set
