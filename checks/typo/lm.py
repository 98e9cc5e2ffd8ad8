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


class CharLM:
    def __init__(self, key: np.ndarray, chk: np.ndarray, lp: np.ndarray, bo: np.ndarray) -> None:
        """``key``/``chk`` sorted by (key, chk); ``lp``/``bo`` the quantized values in the same order."""
        self.size = len(key)
        shift = np.uint32(32 - TABLE_BITS)
        home = (key >> shift).astype(np.int32)
        # Linear probing over keys sorted by home slot: slot[i] = max(home[i], slot[i-1] + 1), vectorized.
        index = np.arange(self.size, dtype=np.int32)
        slot = np.maximum.accumulate(home - index) + index if self.size else index
        self._probes = int((slot - home).max()) + 1 if self.size else 1
        slots = (1 << TABLE_BITS) + self._probes  # a probe run may pass the last home slot; it never wraps
        self._key = np.zeros(slots, dtype=np.uint32)
        self._chk = np.zeros(slots, dtype=np.uint8)
        self._used = np.zeros(slots, dtype=bool)
        self._lp = np.zeros(slots, dtype=np.uint8)  # kept quantized: a quarter of the memory of float32
        self._bo = np.zeros(slots, dtype=np.uint8)
        self._key[slot], self._chk[slot], self._used[slot] = key, chk, True
        self._lp[slot], self._bo[slot] = lp, bo
        self._shift = shift

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
        where = np.zeros(len(hashes), dtype=np.int64)  # slot 0 is never a hit when found is False
        found = np.zeros(len(hashes), dtype=bool)
        active = np.arange(len(hashes))
        for step in range(self._probes):
            probe = home[active] + step
            used = self._used[probe]
            match = used & (self._key[probe] == k32[active]) & (self._chk[probe] == chk[active])
            hits = active[match]
            where[hits], found[hits] = probe[match], True
            active = active[used & ~match]
            if not len(active):
                break
        logp = np.where(found, self._lp[where] / -LP_SCALE, UNKNOWN_LOGP)
        return Lookup(found, logp, np.where(found, self._bo[where] / -BO_SCALE, 0.0))

    def window_logprob(self, windows: np.ndarray) -> np.ndarray:
        """log P(last symbol | the symbols before it) for each row of ``windows`` (shape (Q, MAX_ORDER))."""
        q = windows.shape[0]
        if q == 0:
            return np.zeros(0, dtype=np.float32)
        grams = suffix_hashes(windows)
        contexts = suffix_hashes(windows[:, : MAX_ORDER - 1])
        hits = self.lookup(np.concatenate(grams + contexts))
        found = hits.found.reshape(-1, q)
        logp = hits.logp.reshape(-1, q)
        backoff = hits.backoff.reshape(-1, q)
        result = logp[0]
        for order in range(2, MAX_ORDER + 1):
            ctx_backoff = backoff[MAX_ORDER + order - 2]
            result = np.where(found[order - 1], logp[order - 1], result + ctx_backoff)
        return result

    def unigram_logprob(self, codes: np.ndarray) -> np.ndarray:
        """log P of each symbol on its own (how common a character is)."""
        return self.lookup(suffix_hashes(codes.reshape(-1, 1))[0]).logp
