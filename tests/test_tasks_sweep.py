"""Which waiting rows does the sweep re-send? Lost ones, never a moving backlog."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from review_service.tasks.sweep import lost

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
CUTOFF = NOW - dt.timedelta(seconds=120)


@dataclass
class Row:
    name: str
    enqueued_at: dt.datetime | None
    started_at: dt.datetime | None = None


def ago(seconds: float) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("waiting", "done", "expected"),
    [
        # a long backlog drains in order: the oldest waiting row is next, the queue is moving
        ([Row("b", ago(300)), Row("c", ago(290))], [Row("a", ago(310), ago(5))], []),
        # a row sent later has started before this one: its message is gone
        ([Row("b", ago(300))], [Row("c", ago(200), ago(5))], ["b"]),
        # nothing started for longer than the cutoff: workers or broker lost everything
        ([Row("b", ago(300)), Row("c", ago(290))], [Row("a", ago(900), ago(800))], ["b", "c"]),
        ([Row("b", ago(300))], [], ["b"]),
        # sent (or re-sent) recently: wait
        ([Row("b", ago(30))], [], []),
        # started, then its worker died long ago; nothing else moves
        ([Row("b", ago(400), ago(300))], [], ["b"]),
        # started recently and still running
        ([Row("b", ago(400), ago(10))], [], []),
    ],
)
def test_lost(waiting, done, expected):
    assert [r.name for r in lost(waiting, [*waiting, *done], CUTOFF)] == expected
