"""The character 5-gram language model: loaded once, queried for many windows per numpy call.

Shipped as one sorted table of 40-bit n-gram fingerprints (32-bit key + 8-bit check byte) with a
quantized log-probability and, for n-grams that serve as a context, a quantized log backoff
weight — the ARPA scheme without strings, so the file stays small. At load the sorted table is laid
out as an open-addressing hash table (linear probing, home slot = the key's top bits), so a lookup
is a couple of array gathers instead of a binary search.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from checks.typo.ngram_hash import MAX_ORDER, split_fingerprint, suffix_hashes

LP_SCALE = 10.0  # stored byte = round(-log p * LP_SCALE)
BO_SCALE = 20.0  # stored byte = round(-log backoff * BO_SCALE)
MAX_QUANT = 255
UNKNOWN_LOGP = -20.0  # a symbol the model never saw


@dataclass(frozen=True)
class Lookup:
    found: np.ndarray
    logp: np.ndarray
    backoff: np.ndarray


TABLE_BITS = 23  # 8 M slots for ~3.6 M entries: short probe runs

# One slot = one uint64, so a probe is one memory access: key (32 bits) | check byte | log p | backoff | used.
_FINGERPRINT_SHIFT = np.uint64(24)
_LP_SHIFT = np.uint64(16)
_BO_SHIFT = np.uint64(8)
_BYTE = np.uint64(0xFF)
_USED = np.uint64(1)


def pack_entries(key: np.ndarray, chk: np.ndarray, lp: np.ndarray, bo: np.ndarray) -> np.ndarray:
    """The uint64 slot values of entries (see the layout above)."""
    u64 = np.uint64
    return (
        (key.astype(u64) << u64(32))
        | (chk.astype(u64) << _FINGERPRINT_SHIFT)
        | (lp.astype(u64) << _LP_SHIFT)
        | (bo.astype(u64) << _BO_SHIFT)
        | _USED
    )


class CharLM:
    def __init__(self, key: np.ndarray, chk: np.ndarray, lp: np.ndarray, bo: np.ndarray) -> None:
        """``key``/``chk`` sorted by (key, chk); ``lp``/``bo`` the quantized values in the same order."""
        size = len(key)
        shift = np.uint32(32 - TABLE_BITS)
        home = (key >> shift).astype(np.int32)
        # Linear probing over keys sorted by home slot: slot[i] = max(home[i], slot[i-1] + 1), vectorized.
        index = np.arange(size, dtype=np.int32)
        slot = np.maximum.accumulate(home - index) + index if size else index
        probes = int((slot - home).max()) + 1 if size else 1
        slots = (1 << TABLE_BITS) + probes  # a probe run may pass the last home slot; it never wraps
        table = np.zeros(slots, dtype=np.uint64)
        table[slot] = pack_entries(key, chk, lp, bo)
        self._adopt(table, size, probes)

    def _adopt(self, table: np.ndarray, size: int, probes: int) -> None:
        self.size = size
        self._table = table
        self._probes = probes
        self._shift = np.uint32(32 - TABLE_BITS)

    @classmethod
    def from_table(cls, table: np.ndarray, size: int, probes: int) -> CharLM:
        """A model from a table laid out before (see ``table``): no hashing work at load."""
        lm = cls.__new__(cls)
        lm._adopt(table, size, probes)
        return lm

    @property
    def table(self) -> tuple[np.ndarray, int, int]:
        """The laid-out table, its entry count and its longest probe run (what ``from_table`` takes)."""
        return self._table, self.size, self._probes

    @classmethod
    def load(cls, path: Path) -> CharLM:
        with np.load(path) as data:
            key = np.cumsum(data["key_delta"], dtype=np.uint64).astype(np.uint32)
            return cls(key, data["chk"], data["lp"], data["bo"])

    @property
    def entries(self) -> int:
        return self.size

    def lookup(self, hashes: np.ndarray) -> Lookup:
        """Find each 64-bit fingerprint: probe from its home slot until a match or an empty slot."""
        k32, chk = split_fingerprint(hashes)
        home = (k32 >> self._shift).astype(np.int64)
        want = (k32.astype(np.uint64) << np.uint64(8)) | chk.astype(np.uint64)
        entry = np.zeros(len(hashes), dtype=np.uint64)  # 0 = not found (a stored entry has its used bit)
        active = np.arange(len(hashes))
        for step in range(self._probes):
            got = self._table[home[active] + step]
            match = (got >> _FINGERPRINT_SHIFT) == want[active]
            entry[active[match]] = got[match]
            active = active[(got & _USED).astype(bool) & ~match]
            if not len(active):
                break
        found = entry != 0
        lp = ((entry >> _LP_SHIFT) & _BYTE).astype(np.float64)
        bo = ((entry >> _BO_SHIFT) & _BYTE).astype(np.float64)
        logp = np.where(found, lp / -LP_SCALE, UNKNOWN_LOGP)
        return Lookup(found, logp, np.where(found, bo / -BO_SCALE, 0.0))

    def window_logprob(self, windows: np.ndarray) -> np.ndarray:
        """log P(last symbol | the symbols before it) for each row of ``windows`` (shape (Q, MAX_ORDER)).

        Backoff: the longest stored n-gram ending at the last symbol gives log p, plus the backoff weight of
        every longer context. The table is suffix-closed (an n-gram is kept only with its shorter suffixes, and a
        kept n-gram's context is kept too), so the lookups climb order by order and stop at the first n-gram or
        context that is missing: most windows of a changed character need a few probes, not 2 × MAX_ORDER − 1.
        """
        q = windows.shape[0]
        if q == 0:
            return np.zeros(0, dtype=np.float32)
        grams = suffix_hashes(windows)
        hits = self.lookup(grams[0])
        result = hits.logp.copy()
        best = hits.found.astype(np.int8)  # the longest stored order (0: the symbol itself is unknown)
        alive = np.flatnonzero(hits.found)
        for order in range(2, MAX_ORDER + 1):
            if not len(alive):
                break
            hits = self.lookup(grams[order - 1][alive])
            alive = alive[hits.found]
            result[alive] = hits.logp[hits.found]
            best[alive] = order
        # contexts of length m ≥ max(best, 1) add their backoff weight while they are stored (shorter ones are)
        contexts = suffix_hashes(windows[:, : MAX_ORDER - 1])
        start = np.maximum(best, 1)
        alive = np.zeros(0, dtype=np.int64)
        for length in range(1, MAX_ORDER):
            alive = np.concatenate([alive, np.flatnonzero(start == length)])
            if not len(alive):
                continue
            hits = self.lookup(contexts[length - 1][alive])
            alive = alive[hits.found]
            result[alive] += hits.backoff[hits.found]
        return result

    def unigram_logprob(self, codes: np.ndarray) -> np.ndarray:
        """log P of each symbol on its own (how common a character is)."""
        return self.lookup(suffix_hashes(codes.reshape(-1, 1))[0]).logp
