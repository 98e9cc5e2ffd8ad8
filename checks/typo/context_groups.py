"""Positions that read the same context get the same candidates: group them, score one, copy the rest.

A candidate's evidence at position ``i`` reads only the characters ``i − REACH … i + REACH`` (the character
model's windows, the dictionary words over ``i``) and the two frequency levels of ``i`` from the segmentation.
Text that repeats itself (one character 200,000 times, a pasted table, a repeated boilerplate line) therefore
asks the same questions again and again; grouping by that context makes the corrector's cost grow with the
number of *distinct* contexts, which for real prose is the text length and for junk is small.

Grouping is exact: a context is compared in full (a hash only proposes the group, the rows are then compared),
so the copied candidates are the ones the position would have got on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REACH = 4  # characters each side that a candidate's evidence reads (MAX_ORDER − 1; words are ≤ 4 characters)
_OUTSIDE = -1  # a place before the start or past the end of the text (the model sees a boundary there)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class ContextGroups:
    """``positions`` (ascending) split into groups of equal context; ``reps`` holds each group's first position."""

    positions: np.ndarray
    group: np.ndarray  # group id per position
    reps: np.ndarray  # first position of each group, ascending

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.group, minlength=len(self.reps))

    def expand(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For rows computed at representative positions ``pos`` (ascending, rows of one position together):
        the row to copy and the position it lands on, ordered by position, each position's rows in their order."""
        group_of_rep = np.full(int(self.reps.max()) + 1 if len(self.reps) else 0, -1, dtype=np.int64)
        group_of_rep[self.reps] = np.arange(len(self.reps))
        g = group_of_rep[pos]
        sizes = self.sizes
        members = self.positions[np.argsort(self.group, kind="stable")]  # grouped, ascending inside a group
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        copies = sizes[g]
        row = np.repeat(np.arange(len(pos)), copies)
        k = np.arange(len(row)) - np.repeat(np.cumsum(copies) - copies, copies)
        target = members[first[g][row] + k]
        order = np.argsort(target, kind="stable")
        return row[order], target[order]


def context_keys(text: str, positions: np.ndarray, *levels: np.ndarray) -> np.ndarray:
    """One row per position: the code points of its context (``_OUTSIDE`` beyond the text) and its levels."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    pad = np.full(REACH, _OUTSIDE, dtype=np.int64)
    view = np.lib.stride_tricks.sliding_window_view(np.concatenate([pad, codes, pad]), 2 * REACH + 1)
    return np.column_stack([view[positions], *(lv[positions].astype(np.int64) for lv in levels)])


def group_by_context(text: str, positions: np.ndarray, *levels: np.ndarray) -> ContextGroups:
    """Group ``positions`` (ascending) whose context rows are equal."""
    if not len(positions):
        empty = np.zeros(0, dtype=np.int64)
        return ContextGroups(positions.astype(np.int64), empty, empty)
    keys = context_keys(text, positions, *levels)
    with np.errstate(over="ignore"):
        digest = np.zeros(len(keys), dtype=np.uint64)
        for column in keys.T:
            digest = (digest ^ column.astype(np.uint64)) * _MIX
    leader = _first_of_equal(digest)
    # a hash proposes the group; a position whose row differs from its proposed representative stands alone
    differs = np.flatnonzero((keys != keys[leader]).any(axis=1))
    leader[differs] = differs
    # number the leaders in ascending order (what np.unique would, without sorting: they index ``positions``)
    is_leader = np.zeros(len(positions), dtype=bool)
    is_leader[leader] = True
    group = (np.cumsum(is_leader) - 1)[leader]
    reps = positions[is_leader]
    return ContextGroups(positions.astype(np.int64), group.astype(np.int64), reps.astype(np.int64))


def _first_of_equal(values: np.ndarray) -> np.ndarray:
    """For each value, the index of its first occurrence."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = np.empty(len(values), dtype=np.int64)
    first[order] = order[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    return first
