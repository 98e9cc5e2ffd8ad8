"""Span questions asked once per finding, answered in logarithmic time (so checks stay linear)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate


class Cover:
    """Answers "does one of these spans contain [start, end)?" for many findings."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach = list(accumulate((e for _, e in ordered), max))  # the furthest end among spans so far

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and self._reach[i] >= end


class Disjoint:
    """Non-overlapping half-open spans kept in order; "does [start, end) overlap one?" in logarithmic time.

    Spans are added only when they overlap none already kept (as a greedy "keep the best of overlapping
    matches" does), so the kept spans stay sorted by start and by end at once.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if start < end and not self.overlaps(start, end):  # an empty span overlaps nothing
                self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end) - 1  # the last kept span starting before ``end``
        return i >= 0 and self._ends[i] > start

    def add(self, start: int, end: int) -> None:
        """Keep a non-empty span that overlaps none kept (the caller asked ``overlaps`` first)."""
        i = bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
