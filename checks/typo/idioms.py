"""Layer 1, fixed expressions: a 4–8-character stretch one confusable character away from an idiom or set
phrase, whose own form formal prose does not attest (迫不急待, 金榜提名, 谈笑风声).

A character model cannot be trusted with idioms (their n-grams are rare even in a large corpus), but an idiom
list can: a stretch that is the idiom but for one character, where that character is a known slip for the
idiom's one, is almost always the idiom mistyped. Three guards keep it precise: the stretch itself must be
neither a listed form (丰富多采 and 丰富多彩 are both accepted) nor a dictionary word, nor an n-gram seen in
formal prose; and the language model must prefer the idiom in context.

Matching is one pass of array arithmetic: every idiom is stored as one polynomial hash per position with that
position blanked out, every window of the text is hashed the same way, and a sorted-array lookup finds the
windows that agree with an idiom everywhere but one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from checks.typo.confusion import ConfusionSet
from checks.typo.disjoint import keep_disjoint
from checks.typo.lm import CharLM
from checks.typo.ngram_evidence import attested, change_gain
from checks.typo.symbols import is_cjk

MIN_LEN, MAX_LEN = 4, 8
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_BASE = np.uint64(0x100000001B3)
# The language model must prefer the idiom in context (natural log). Not higher: formal prose rarely quotes an
# idiom, so the model knows many of them poorly (金榜题名 scores below 金榜提名 next to the common 提名).
MIN_GAIN = 0.0
CORE = 4
VARIANT_BUCKET = 2  # dictionary frequency ≥ 5 (see words.FREQ_THRESHOLDS)
# A table over the top bits of the masked hashes rejects most windows before the sorted lookup: FILTER_SPARSITY
# bits more than the keys need, FILTER_BITS_SMALL … FILTER_BITS of them.
FILTER_BITS, FILTER_BITS_SMALL, FILTER_SPARSITY = 22, 16, 5


@dataclass(frozen=True, slots=True)
class IdiomHit:
    start: int
    end: int
    written: str
    idiom: str
    pos: int  # offset of the changed character in the text
    gain: float


@dataclass(frozen=True)
class _Table:
    keys: np.ndarray  # sorted masked hashes
    idiom: np.ndarray  # index into IdiomIndex.idioms
    blank: np.ndarray  # the blanked position
    seen: np.ndarray  # bool per value of the top ``bits`` bits: does some key have it?
    bits: int  # enough to keep ``seen`` sparse, few enough to keep it in the processor's cache

    @classmethod
    def build(cls, keys: np.ndarray, idiom: np.ndarray, blank: np.ndarray) -> _Table:
        order = np.argsort(keys, kind="stable")
        need = int(np.ceil(np.log2(max(len(keys), 1)))) + FILTER_SPARSITY
        bits = min(FILTER_BITS, max(FILTER_BITS_SMALL, need))
        seen = np.zeros(1 << bits, dtype=bool)
        seen[(keys >> np.uint64(64 - bits)).astype(np.intp)] = True
        return cls(keys[order], idiom[order], blank[order], seen, bits)

    def candidates(self, masked: np.ndarray) -> np.ndarray:
        return np.flatnonzero(self.seen[(masked >> np.uint64(64 - self.bits)).view(np.int64)])

    def matches(self, masked: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(which of ``masked`` equal some key, and the range of equal keys of each of those)."""
        maybe = self.candidates(masked)
        wanted = masked[maybe]
        lo = np.searchsorted(self.keys, wanted, side="left")
        equal = self.keys[np.minimum(lo, len(self.keys) - 1)] == wanted
        hi = np.searchsorted(self.keys, wanted[equal], side="right")
        return maybe[equal], lo[equal], hi


def _powers(length: int) -> np.ndarray:
    out = np.ones(length, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(length - 2, -1, -1):
            out[k] = out[k + 1] * _BASE
    return out  # out[j] = BASE^(length-1-j)


def _codes(strings: list[str], length: int) -> np.ndarray:
    flat = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return flat.reshape(len(strings), length)


class IdiomIndex:
    def __init__(self, idioms: Iterable[str]) -> None:
        chosen = sorted({w for w in idioms if MIN_LEN <= len(w) <= MAX_LEN and _HAN.fullmatch(w)})
        self.idioms = chosen
        self.forms = frozenset(chosen)
        self._tables: dict[int, _Table] = {}
        by_length: dict[int, list[int]] = {}
        for k, w in enumerate(chosen):
            by_length.setdefault(len(w), []).append(k)
        for length, members in sorted(by_length.items()):
            ids = np.array(members, dtype=np.int64)
            codes = _codes([chosen[k] for k in ids], length)
            pw = _powers(length)
            with np.errstate(over="ignore"):
                full = (codes * pw).sum(axis=1, dtype=np.uint64)
                keys = np.concatenate([full - codes[:, i] * pw[i] for i in range(length)])
            self._tables[length] = _Table.build(keys, np.tile(ids, length), np.repeat(np.arange(length), len(ids)))

    def __len__(self) -> int:
        return len(self.idioms)

    def near(self, text: str) -> list[tuple[int, int, int]]:
        """(window start, idiom index, blanked position) for every window equal to an idiom but at one place."""
        n = len(text)
        if n < MIN_LEN:
            return []
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        out: list[tuple[int, int, int]] = []
        for length, table in self._tables.items():
            if n < length:
                continue
            pw = _powers(length)
            view = np.lib.stride_tricks.sliding_window_view(codes, length)
            with np.errstate(over="ignore"):
                full = view[:, 0] * pw[0]
                for i in range(1, length):
                    full = full + view[:, i] * pw[i]  # a sum modulo 2**64: the order of the terms does not matter
            for blank in range(length):  # blank by blank, each window in order
                with np.errstate(over="ignore"):
                    masked = full - view[:, blank] * pw[blank]
                starts, lo, hi = table.matches(masked)
                for start, first, last in zip(starts.tolist(), lo.tolist(), hi.tolist(), strict=True):
                    out += [(start, int(table.idiom[k]), blank) for k in range(first, last) if table.blank[k] == blank]
        return out


class IdiomLayer:
    def __init__(self, index: IdiomIndex, lm: CharLM, confusion: ConfusionSet, bucket: Callable[[str], int]) -> None:
        """``bucket``: how common a string is as a dictionary word (0 = not a word; WordLookup.bucket)."""
        self.index = index
        self.lm = lm
        self.confusion = confusion
        self.bucket = bucket

    def variant(self, written: str, idiom: str) -> bool:
        """A listed form, or a dictionary word nearly as common as the idiom (an accepted variant). The jieba
        dictionary also holds a few wrong forms at the lowest frequencies (迫不急待), which do not count."""
        if written in self.index.forms:
            return True
        level = self.bucket(written)
        return level >= VARIANT_BUCKET and level >= self.bucket(idiom) - 1

    def find(self, text: str, touchable: np.ndarray, min_gain: float = MIN_GAIN) -> list[IdiomHit]:
        """Mistyped idioms, non-overlapping (the best gain wins), where the changed character may be touched."""
        proposals: list[tuple[int, int, str, str, int]] = []
        for start, k, blank in self.index.near(text):
            idiom = self.index.idioms[k]
            end = start + len(idiom)
            written = text[start:end]
            pos = start + blank
            if written == idiom or not touchable[pos] or not all(map(is_cjk, written)):
                continue
            if self.variant(written, idiom):
                continue
            if self.confusion.pair(written[blank], idiom[blank]) is None:
                continue
            proposals.append((start, end, written, idiom, pos))
        if not proposals:
            return []
        seen = attested(self.lm, [_core(w, p - s) for s, _, w, _, p in proposals])
        hits = []
        for (start, end, written, idiom, pos), known in zip(proposals, seen.tolist(), strict=True):
            if known:
                continue
            gain = change_gain(self.lm, text, pos, idiom[pos - start])
            if gain >= min_gain:
                hits.append(IdiomHit(start, end, written, idiom, pos, gain))
        hits.sort(key=lambda h: -h.gain)
        return sorted(keep_disjoint(hits, lambda h: (h.start, h.end)), key=lambda h: h.start)


def _core(written: str, blank: int) -> str:
    """The part of the written stretch the corpus is asked about: the four characters around the changed one
    (the model keeps every 4-gram seen twice; its 5-grams are pruned harder)."""
    lo = min(max(0, blank - 2), len(written) - CORE)
    return written[lo : lo + CORE]
