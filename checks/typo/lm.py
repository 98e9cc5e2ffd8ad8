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

from checks.typo.ngram_hash import MAX_ORDER, SuffixHashes, fingerprint, suffix_hashes

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
_UNIGRAM_SYMBOLS = 1 << 16  # symbols whose single-symbol slot is kept in a table of its own (the BMP)

# One slot = one uint64, so a probe is one memory access: key (32 bits) | check byte | log p | backoff | used.
_FINGERPRINT_SHIFT = np.uint64(24)
_LP_SHIFT = np.uint64(16)
_BO_SHIFT = np.uint64(8)
_BYTE = np.uint64(0xFF)
_USED = np.uint64(1)
_EMPTY = np.uint64(0)
_HOME_SHIFT = np.uint64(64 - TABLE_BITS)  # a fingerprint's home slot: its top TABLE_BITS bits
# The quantized bytes' values, each computed as the scalar formula would (same float operations).
_LOGP_OF_BYTE = np.arange(MAX_QUANT + 1, dtype=np.float64) / -LP_SCALE
_BACKOFF_OF_BYTE = np.arange(MAX_QUANT + 1, dtype=np.float64) / -BO_SCALE


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


def stored_logp(entry: np.ndarray) -> np.ndarray:
    """The log-probability a found slot value (``CharLM.slots``) holds."""
    return _LOGP_OF_BYTE[(entry >> _LP_SHIFT) & _BYTE]


def stored_backoff(entry: np.ndarray) -> np.ndarray:
    """The log backoff weight a found slot value holds (0 for an n-gram that never served as a context)."""
    return _BACKOFF_OF_BYTE[(entry >> _BO_SHIFT) & _BYTE]


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
        self._unigrams = self.slots(fingerprint(np.arange(_UNIGRAM_SYMBOLS, dtype=np.uint64), 1))

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
        entry = self.slots(hashes)
        found = entry != 0
        return Lookup(found, self._logp(entry, found), np.where(found, self._backoff(entry), 0.0))

    def slots(self, hashes: np.ndarray) -> np.ndarray:
        """The slot value stored for each fingerprint, 0 where it is absent (a stored entry has its used bit).

        The home slot is the fingerprint's top ``TABLE_BITS`` bits and the stored fingerprint its top 40
        (``split_fingerprint``'s key and check byte, read straight from the 64 bits). The first probe reads
        every fingerprint's home slot at once; only the few that meet a smaller fingerprint there probe on: the
        entries were laid out in ascending order, so a probe run holds its fingerprints in ascending order and
        one that meets a larger fingerprint or an empty slot is absent.
        """
        home = (hashes >> _HOME_SHIFT).view(np.int64)
        want = hashes >> _FINGERPRINT_SHIFT
        got = self._table[home]
        stored = got >> _FINGERPRINT_SHIFT
        entry = np.where(stored == want, got, _EMPTY)
        active = np.flatnonzero((stored < want) & (got != _EMPTY))
        for step in range(1, self._probes):
            if not len(active):
                break
            got = self._table[home[active] + step]
            stored, wanted = got >> _FINGERPRINT_SHIFT, want[active]
            match = stored == wanted
            entry[active[match]] = got[match]
            active = active[(stored < wanted) & (got != _EMPTY)]
        return entry

    def unigram_slots(self, symbols: np.ndarray) -> np.ndarray:
        """``slots`` of the single symbols ``symbols`` (uint64), from a table over the Basic Multilingual Plane kept
        at load: every window asks for its last symbol, and a text's symbols repeat while their home slots lie
        scattered over the large table."""
        symbols = symbols.astype(np.uint64, copy=False)
        if not len(symbols) or symbols.max() < _UNIGRAM_SYMBOLS:
            return self._unigrams[symbols.view(np.int64)]
        out = np.empty(len(symbols), dtype=np.uint64)
        small = symbols < _UNIGRAM_SYMBOLS
        out[small] = self._unigrams[symbols[small].view(np.int64)]
        out[~small] = self.slots(fingerprint(symbols[~small], 1))
        return out

    @staticmethod
    def _logp(entry: np.ndarray, found: np.ndarray) -> np.ndarray:
        return np.where(found, stored_logp(entry), UNKNOWN_LOGP)

    @staticmethod
    def _backoff(entry: np.ndarray) -> np.ndarray:
        return stored_backoff(entry)

    def window_logprob(self, windows: np.ndarray) -> np.ndarray:
        """log P(last symbol | the symbols before it) for each row of ``windows`` (shape (Q, MAX_ORDER)).

        Backoff: the longest stored n-gram ending at the last symbol gives log p, plus the backoff weight of
        every longer context. The table is suffix-closed (an n-gram is kept only with its shorter suffixes, and a
        kept n-gram's context is kept too), so the lookups climb order by order and stop at the first n-gram or
        context that is missing: most windows of a changed character need a few probes, not 2 × MAX_ORDER − 1.
        The n-grams of each order are hashed only for the windows still climbing.
        """
        q = windows.shape[0]
        if q == 0:
            return np.zeros(0, dtype=np.float32)
        grams = SuffixHashes(windows)
        grams.order(1)  # the sums for the next orders; the single symbols are read from their own table
        entry = self.unigram_slots(np.ascontiguousarray(windows[:, MAX_ORDER - 1]))
        found = entry != 0
        result = self._logp(entry, found)
        best = found.astype(np.int8)  # the longest stored order (0: the symbol itself is unknown)
        alive = np.flatnonzero(found)
        grams.keep(alive)
        for order in range(2, MAX_ORDER + 1):
            if not len(alive):
                break
            entry = self.slots(grams.order(order))
            found = entry != 0
            alive = alive[found]
            grams.keep(found)
            result[alive] = stored_logp(entry[found])
            best[alive] = order
        # contexts of length m ≥ max(best, 1) add their backoff weight while they are stored (shorter ones are)
        contexts = SuffixHashes(windows[:, : MAX_ORDER - 1])
        start = np.maximum(best, 1)
        alive = np.zeros(0, dtype=np.int64)
        for length in range(1, MAX_ORDER):
            alive = np.concatenate([alive, np.flatnonzero(start == length)])
            hashes = contexts.order_of(length, alive)
            if not len(alive):
                continue
            entry = self.slots(hashes)
            found = entry != 0
            alive = alive[found]
            result[alive] += self._backoff(entry[found])
        return result

    def unigram_logprob(self, codes: np.ndarray) -> np.ndarray:
        """log P of each symbol on its own (how common a character is)."""
        return self.lookup(suffix_hashes(codes.reshape(-1, 1))[0]).logp
