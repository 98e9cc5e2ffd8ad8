"""Dates for the pure engine: Beijing's calendar and the one rule for the date a text speaks from.

Checks never read the system clock. The date a check needs (Document.doc_date) is resolved once per
draft from what the caller gave; only a caller that gives no date at all gets today's Beijing date, read
by the engine's injected ``today`` (default ``beijing_today``), never by a check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from checks.metadata import Metadata

BEIJING = ZoneInfo("Asia/Shanghai")  # the organisation's calendar: due dates, weeks, document dates


def aware(value: dt.datetime) -> dt.datetime:
    """A stored moment as an aware UTC datetime (SQLite drops the zone; everything is stored in UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def beijing_date(moment: dt.datetime) -> dt.date:
    """The Beijing calendar date of a moment (naive moments are UTC)."""
    return aware(moment).astimezone(BEIJING).date()


def beijing_today() -> dt.date:
    """Today in Beijing from the system clock: the default ``today`` of an engine, read once per check."""
    return dt.datetime.now(BEIJING).date()


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def resolve_doc_date(given: dt.date | None, metadata: Metadata, *, today: Callable[[], dt.date]) -> dt.date:
    """The date a text speaks from: the given date, else 成文日期, else 发布日期, else ``today()``.

    ``today`` is called only when nothing else dates the text, so a dated draft never reads a clock.
    """
    found = given or _iso_date(metadata.value("written_date")) or _iso_date(metadata.value("published_date"))
    return found or today()
