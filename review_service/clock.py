"""The service's one clock: aware UTC datetimes inside, Beijing dates only where a person reads them.

Everything that asks "what time is it" asks ``now_utc()``; everything that asks "what day is it for the
organisation" (due dates, overdue flags, the date a draft speaks from) asks ``today_beijing()``, so the
API and the pages agree between 00:00 and 08:00 Beijing time on a UTC host. Tests move the clock with
``use_clock`` instead of patching call sites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from checks.clock import BEIJING, aware, beijing_date

__all__ = ["BEIJING", "Clock", "aware", "aware_or_none", "now_utc", "system_now", "today_beijing", "use_clock"]

Clock = Callable[[], dt.datetime]  # returns an aware UTC datetime


def system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_clock: list[Clock] = [system_now]  # the process clock; one entry, replaced only by use_clock


def now_utc() -> dt.datetime:
    return aware(_clock[0]())


def today_beijing() -> dt.date:
    return beijing_date(now_utc())


def aware_or_none(value: dt.datetime | None) -> dt.datetime | None:
    return aware(value) if value is not None else None


@contextmanager
def use_clock(clock: Clock) -> Iterator[None]:
    """Run the block with another clock (a test's fixed moment), then restore the previous one."""
    previous = _clock[0]
    _clock[0] = clock
    try:
        yield
    finally:
        _clock[0] = previous
