"""The register model's ratios as arrays, so that every character and pair of a long text is looked up at once.

A dictionary lookup per character and per pair is most of the cost of judging a 200,000-character text; a
table per code point (single characters) and an open-addressing hash table (pairs) answer the same questions
for the whole text in a few array operations.
"""

from __future__ import annotations

import numpy as np

CODE_POINTS = 0x110000
_MIX = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = -1  # no pair key is negative


def pair_key(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One int64 per pair of code points."""
    return first.astype(np.int64) * CODE_POINTS + second.astype(np.int64)


class RatioTables:
    """The ratios of single characters and of character pairs, as ``RegisterModel.ratios`` holds them."""

    def __init__(self, ratios: dict[str, float]) -> None:
        singles = {ord(k): v for k, v in ratios.items() if len(k) == 1}
        size = max(singles, default=0) + 1
        self.rated = np.zeros(size, dtype=bool)
        self.ratio = np.zeros(size)
        self.rated[list(singles)] = True
        self.ratio[list(singles)] = list(singles.values())
        pairs = {(ord(k[0]), ord(k[1])): v for k, v in ratios.items() if len(k) == 2}
        firsts, seconds = (np.array([p[k] for p in pairs], dtype=np.int64) for k in (0, 1))
        keys = pair_key(firsts, seconds)
        self._layout(keys, np.array(list(pairs.values()), dtype=float))

    def _layout(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Linear probing over keys sorted by home slot: slot[i] = max(home[i], slot[i − 1] + 1), vectorized."""
        self._bits = max(4, int(np.ceil(np.log2(max(1, 4 * len(keys))))))
        home = self._home(keys)
        order = np.argsort(home, kind="stable")
        index = np.arange(len(keys))
        slot = np.maximum.accumulate(home[order] - index) + index if len(keys) else index
        self._probes = int((slot - home[order]).max()) + 1 if len(keys) else 1
        self._keys = np.full((1 << self._bits) + self._probes, _EMPTY, dtype=np.int64)
        self._values = np.zeros(len(self._keys))
        self._keys[slot], self._values[slot] = keys[order], values[order]

    def _home(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys.astype(np.uint64) * _MIX) >> np.uint64(64 - self._bits)).astype(np.int64)

    def chars(self, codes: np.ndarray) -> np.ndarray:
        """Which code points (int64) are rated characters."""
        inside = codes < len(self.rated)
        return inside & self.rated[np.where(inside, codes, 0)]

    def pairs(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which pair keys are rated, the ratios of those, in order)."""
        home = self._home(keys)
        slot = np.full(len(keys), -1, dtype=np.int64)
        active = np.arange(len(keys))
        for step in range(self._probes):
            if not len(active):
                break
            stored = self._keys[home[active] + step]
            hit = stored == keys[active]
            slot[active[hit]] = home[active[hit]] + step
            active = active[~hit & (stored != _EMPTY)]
        found = slot >= 0
        return found, self._values[slot[found]]
