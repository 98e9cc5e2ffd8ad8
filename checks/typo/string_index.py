"""Every occurrence of many strings (some 200,000 names, places and idioms) in a text, found with array hashing.

An Aho–Corasick automaton over such a list walks a trie whose root has thousands of children, and pyahocorasick
finds a child by a linear search: most of a microsecond per character of Chinese prose. Here the text's windows of
every listed length are hashed at once (each length's hashes from the previous length's), a table over the top
bits of the listed strings' hashes drops almost every window, a sorted lookup keeps the windows whose hash is
listed, and those few are compared as strings: the same occurrences, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_BASE = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads every bit of a hash into the top bits the filter reads
# The filter over a length's hashes has FILTER_SPARSITY bits more than its strings need, FILTER_BITS_SMALL …
# FILTER_BITS of them: few windows pass it, and it stays small enough for the processor's cache.
FILTER_BITS_SMALL, FILTER_BITS, FILTER_SPARSITY = 12, 21, 6


class _Length:
    """The hashes of the listed strings of one length: sorted, and a filter over their top bits."""

    def __init__(self, hashes: np.ndarray) -> None:
        self.hashes = np.sort(hashes)
        need = int(np.ceil(np.log2(max(len(hashes), 1)))) + FILTER_SPARSITY
        self.bits = min(FILTER_BITS, max(FILTER_BITS_SMALL, need))
        self.seen = np.zeros(1 << self.bits, dtype=bool)
        self.seen[self._top(hashes)] = True

    def _top(self, hashes: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((hashes * _MIX) >> np.uint64(64 - self.bits)).view(np.int64)

    def listed(self, hashes: np.ndarray) -> np.ndarray:
        """Indices of ``hashes`` that some listed string of this length has."""
        maybe = np.flatnonzero(self.seen[self._top(hashes)])
        wanted = hashes[maybe]
        at = np.minimum(np.searchsorted(self.hashes, wanted), len(self.hashes) - 1)
        return maybe[self.hashes[at] == wanted]


class StringIndex:
    def __init__(self, strings: Iterable[str]) -> None:
        self.strings = frozenset(s for s in strings if s)
        by_length: dict[int, list[str]] = {}
        for s in self.strings:
            by_length.setdefault(len(s), []).append(s)
        self._lengths = {
            length: _Length(_hashes(_codes("".join(group)).reshape(len(group), length)))
            for length, group in sorted(by_length.items())
        }

    def __len__(self) -> int:
        return len(self.strings)

    def find(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every occurrence, overlapping ones too, ordered by end and then longest first (as an
        Aho–Corasick automaton reports them)."""
        codes = _codes(text)
        found: list[tuple[int, int]] = []
        with np.errstate(over="ignore"):
            window = np.zeros(len(codes), dtype=np.uint64)  # hash of the window starting at each place
            for length in range(1, max(self._lengths, default=0) + 1):
                if len(codes) < length:
                    break
                window = window[: len(codes) - length + 1] * _BASE + codes[length - 1 :]
                if length in self._lengths:
                    starts = self._lengths[length].listed(window).tolist()
                    found += [(s, s + length) for s in starts if text[s : s + length] in self.strings]
        found.sort(key=lambda span: (span[1], span[0]))
        return found


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _hashes(rows: np.ndarray) -> np.ndarray:
    """The window hash of each row of code points (the same recurrence ``find`` runs over a text)."""
    out = np.zeros(len(rows), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in rows.T:
            out = out * _BASE + column
    return out
