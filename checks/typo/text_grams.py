"""Log-probabilities of a text's characters and of one-character changes to it, each n-gram looked up once.

``CharLM.window_logprob`` climbs, for each window on its own, the orders of the n-grams ending at the window's
last symbol and then its backoff contexts. Over one text those lookups repeat: a window's contexts are the
n-grams ending one symbol earlier (the previous window's orders), and a change ``t`` places before a window's
last symbol leaves that window's n-grams of order ≤ ``t`` as they were in the text. The corrector scores about
ten changes per character, five windows each, so most of its model lookups were repeats, each a cache miss in a
large table.

Here the slot value of every n-gram asked about is kept (for the text, per position; for a change, from one
window to the next), and each window's log-probability is assembled from those slots by the same climb and the
same additions in the same order as ``window_logprob``: the same float, with a fraction of the lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from checks.typo.lm import UNKNOWN_LOGP, CharLM, stored_backoff, stored_logp
from checks.typo.ngram_hash import MAX_ORDER, change_term, fingerprint, suffix_sums
from checks.typo.symbols import BOUNDARY

_UNASKED = np.uint64(2)  # no lookup gives this slot value: a stored entry has its lowest bit set, an absent one is 0


@dataclass(frozen=True)
class Climb:
    """Windows' n-grams climbed as ``window_logprob`` climbs them: the slots of orders 1 … MAX_ORDER (unasked
    above the first absent one), the longest order found before it (0: the symbol is unknown) and its log p."""

    slots: list[np.ndarray]  # one array per order, one slot per window
    best: np.ndarray
    logp: np.ndarray


class TextGrams:
    """The n-grams of one text (its symbols closed by a boundary) and the model's slots for those asked so far.

    Row ``i`` holds the n-grams of orders 1 … MAX_ORDER ending at position ``i − 1``; row 0 ends before the text
    (all boundary), so the window ending at position ``q`` has its n-grams in row ``q + 1`` and its contexts
    in row ``q``.
    """

    def __init__(self, lm: CharLM, codes: np.ndarray) -> None:
        self.lm = lm
        self.codes = codes
        padded = np.concatenate([np.full(MAX_ORDER, BOUNDARY, dtype=np.uint64), codes])
        self._sums = suffix_sums(np.lib.stride_tricks.sliding_window_view(padded, MAX_ORDER))
        self._last = padded[MAX_ORDER - 1 :]  # the symbol each row's n-grams end with
        self._slots = [np.full(len(codes) + 1, _UNASKED) for _ in range(MAX_ORDER)]  # per order, per row

    def logprob(self, positions: np.ndarray) -> np.ndarray:
        """``window_logprob`` of the windows ending at ``positions`` (distinct) in the text as it is; their
        n-grams are kept for the changes scored next."""
        rows = positions.astype(np.intp) + 1
        climb = self.climb(rows, -1)
        for kept, column in zip(self._slots, climb.slots, strict=True):
            kept[rows] = column  # before the contexts are read: a window's contexts are its neighbour's orders
        contexts = self.before(rows - 1)
        logp = self.add_backoffs(climb, contexts, rows - 1, -1)
        for kept, column in zip(self._slots, contexts, strict=False):
            kept[rows - 1] = column
        return logp

    def before(self, positions: np.ndarray) -> list[np.ndarray]:
        """The kept slots of the n-grams ending just before ``positions`` (unasked where never asked): the
        contexts, of lengths 1 … MAX_ORDER − 1, of the windows ending at ``positions``."""
        rows = positions.astype(np.intp)
        return [kept[rows] for kept in self._slots[: MAX_ORDER - 1]]

    def climb(self, rows: np.ndarray, offset: int, delta: np.ndarray | None = None) -> Climb:
        """Climb the n-grams ending at ``rows`` where the symbol ``offset`` places before their end is changed by
        ``delta`` (per row; no change when ``offset`` is negative). Orders ≤ ``offset`` do not reach the change:
        their slots are the text's, kept when its windows were scored."""
        slots = [np.full(len(rows), _UNASKED) for _ in range(MAX_ORDER)]
        best = np.zeros(len(rows), dtype=np.int8)
        logp = np.full(len(rows), UNKNOWN_LOGP)
        alive = np.arange(len(rows))
        for order in range(1, MAX_ORDER + 1):
            if not len(alive):
                break
            if order <= offset:
                got = self._slots[order - 1][rows[alive]]
                ask = np.flatnonzero(got == _UNASKED)  # a window of the text that was never scored (none, in use)
                if len(ask):
                    got[ask] = self._lookup(rows[alive[ask]], order, -1, None)
            else:
                got = self._lookup(rows[alive], order, offset, None if delta is None else delta[alive])
            slots[order - 1][alive] = got
            found = got != 0
            alive = alive[found]
            best[alive] = order
            logp[alive] = stored_logp(got[found])
        return Climb(slots, best, logp)

    def add_backoffs(
        self,
        climb: Climb,
        contexts: list[np.ndarray],
        rows: np.ndarray,
        offset: int,
        delta: np.ndarray | None = None,
    ) -> np.ndarray:
        """``climb``'s log p plus the backoff weights of the contexts from length max(best, 1) up to the first
        absent one, added in ``window_logprob``'s order. ``contexts`` are the slots (per order) of the n-grams
        ending one symbol earlier, at ``rows``, the change ``offset`` places before their end; unasked ones are
        looked up (and filled in)."""
        result = climb.logp.copy()
        start = np.maximum(climb.best, 1)
        alive = np.zeros(0, dtype=np.intp)
        for length in range(1, MAX_ORDER):
            alive = np.concatenate([alive, np.flatnonzero(start == length)])
            if not len(alive):
                continue
            slots = contexts[length - 1][alive]
            ask = np.flatnonzero(slots == _UNASKED)
            if len(ask):
                lines = alive[ask]
                slots[ask] = self._lookup(rows[lines], length, offset, None if delta is None else delta[lines])
                contexts[length - 1][lines] = slots[ask]
            found = slots != 0
            alive = alive[found]
            result[alive] += stored_backoff(slots[found])
        return result

    def _lookup(self, rows: np.ndarray, order: int, offset: int, delta: np.ndarray | None) -> np.ndarray:
        """Slots of the order-``order`` n-grams ending at ``rows``, the symbol ``offset`` places before their end
        changed by ``delta`` (no change when ``offset`` is negative or outside the n-gram)."""
        changed = delta is not None and 0 <= offset < order
        with np.errstate(over="ignore"):
            if order == 1:
                symbols = self._last[rows]
                return self.lm.unigram_slots(symbols + delta if changed else symbols)
            sums = self._sums[rows, order - 1]
            if changed:
                sums = sums + change_term(delta, offset)
        return self.lm.slots(fingerprint(sums, order))


class Changes:
    """One-character changes of a ``TextGrams`` text, scored window by window: the window ending at the changed
    character, then the one after it, and so on (``next_window``). Each window's contexts are the previous
    window's n-grams, so each changed n-gram is looked up at most once."""

    def __init__(self, grams: TextGrams, pos: np.ndarray, right: np.ndarray) -> None:
        self.grams = grams
        self.pos = pos.astype(np.int64)
        with np.errstate(over="ignore"):
            self.delta = right.astype(np.uint64) - grams.codes[self.pos]
        self.offset = 0
        self.rows = np.arange(len(pos))  # the changes still scored
        self._previous = grams.before(self.pos)  # the n-grams before a change are the text's

    def keep(self, which: np.ndarray) -> None:
        """Score only these changes (indices into ``pos``) from now on."""
        chosen = np.zeros(len(self.pos), dtype=bool)
        chosen[which] = True
        kept = chosen[self.rows]
        self.rows, self._previous = self.rows[kept], [column[kept] for column in self._previous]

    def next_window(self) -> tuple[np.ndarray, np.ndarray]:
        """(changes, log P of the symbol ``offset`` places after each change, the change made) for the changes
        whose window still lies in the text (its closing boundary included); the offset then moves on."""
        t = self.offset
        target = self.pos[self.rows] + t
        rows, contexts = self.rows, self._previous
        inside = target < len(self.grams.codes)
        if not inside.all():
            rows, target, contexts = rows[inside], target[inside], [column[inside] for column in contexts]
        delta = self.delta[rows]
        climb = self.grams.climb(target + 1, t, delta)
        logp = self.grams.add_backoffs(climb, contexts, target, t - 1, delta)
        self.rows, self._previous, self.offset = rows, climb.slots[: MAX_ORDER - 1], t + 1  # the next contexts
        return rows, logp
