"""Greedy choice of non-overlapping hits, in the caller's order of preference, in linear time.

Every typo layer keeps the best of overlapping hits; comparing each hit with all kept ones grows with the square
of the hits (a pasted line repeated 50,000 times), so kept characters are marked instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def keep_disjoint(hits: Iterable[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """The hits, in the given order, that overlap none kept before them (non-empty half-open spans)."""
    taken: set[int] = set()
    kept = []
    for hit in hits:
        start, end = span(hit)
        if not any(i in taken for i in range(start, end)):
            taken.update(range(start, end))
            kept.append(hit)
    return kept
