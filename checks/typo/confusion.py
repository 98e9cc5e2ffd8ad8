"""Which characters a written character may stand for, and how likely that slip is.

Loaded from ``dictionaries/typo/confusion.tsv`` (built from pycorrector's same_pinyin/same_stroke
files, the SIGHAN confusion set and the SIGHAN training corrections). Kinds:
P 同音同调, T 同音异调, S 形近, C SIGHAN 混淆集; the SIGHAN counts say how often learners actually
wrote ``wrong`` for ``right``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

KIND_LABELS = {"P": "同音同调", "T": "同音异调", "S": "字形相近", "C": "常见混淆字"}
KIND_ORDER = "PTSC"
# Which third-person pronoun (他/她/它) a text means is a question of content, not of spelling; and 妳 is never
# what a standard text should be corrected *to*.
_PRONOUNS = frozenset("他她它牠祂")
_NEVER_RIGHT = frozenset("妳")


def is_spelling_pair(wrong: str, right: str) -> bool:
    return not (wrong in _PRONOUNS and right in _PRONOUNS) and right not in _NEVER_RIGHT


@dataclass(frozen=True, slots=True)
class CandidateArrays:
    """One written character's candidates as arrays, for vectorized scoring."""

    codes: np.ndarray  # uint64 code points of the intended characters
    kinds: np.ndarray  # bool, shape (n, len(KIND_ORDER))
    counts: np.ndarray  # SIGHAN corrections wrong → right


class Confusion(NamedTuple):
    """One slip the confusion set allows. A named tuple, not a dataclass: the typo model holds about 86,000 of
    them, and a start unpickles them from the build cache (a dataclass's ``__setstate__`` cost ≈ 0.2 s there)."""

    wrong: str
    right: str
    kinds: str
    count: int  # SIGHAN training corrections wrong → right

    def describe(self) -> str:
        labels = [KIND_LABELS[k] for k in self.kinds if k in KIND_LABELS]
        if self.count:
            labels.append(f"纠错语料中“{self.wrong}→{self.right}”出现{self.count}次")
        return "、".join(labels) or "纠错语料中的误用"


class ConfusionSet:
    def __init__(self, rows: list[Confusion]) -> None:
        self._by_wrong: dict[str, tuple[Confusion, ...]] = {}
        grouped: dict[str, list[Confusion]] = {}
        for row in rows:
            grouped.setdefault(row.wrong, []).append(row)
        self._by_wrong = {k: tuple(v) for k, v in grouped.items()}
        self._pairs = {(r.wrong, r.right): r for r in rows}
        self._arrays: dict[str, CandidateArrays] = {}
        self._flat: tuple[np.ndarray, np.ndarray, CandidateArrays] | None = None

    @classmethod
    def load(cls, path: Path, *, counts: str = "all", closed: frozenset[str] = frozenset()) -> ConfusionSet:
        """``counts`` picks the SIGHAN columns: ``all``, ``14`` or ``15`` (cross-fitting when tuning);
        members of ``closed`` are never swapped for each other (二 for 三 is another number, not a slip)."""
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            wrong, right, kinds, n14, n15 = line.split("\t")
            count = {"all": int(n14) + int(n15), "14": int(n14), "15": int(n15)}[counts]
            kinds = "" if kinds == "-" else kinds
            swap_in_closed = wrong in closed and right in closed
            if (kinds or count) and not swap_in_closed and is_spelling_pair(wrong, right):
                rows.append(Confusion(wrong, right, kinds, count))
        return cls(rows)

    def __contains__(self, ch: str) -> bool:
        return ch in self._by_wrong

    def candidates(self, ch: str) -> tuple[Confusion, ...]:
        return self._by_wrong.get(ch, ())

    def pair(self, wrong: str, right: str) -> Confusion | None:
        return self._pairs.get((wrong, right))

    def arrays(self, ch: str) -> CandidateArrays | None:
        """Candidates of ``ch`` as arrays (cached per character); None when it has none."""
        cached = self._arrays.get(ch)
        if cached is None:
            rows = self._by_wrong.get(ch, ())
            cached = CandidateArrays(
                np.array([ord(r.right) for r in rows], dtype=np.uint64),
                np.array([[k in r.kinds for k in KIND_ORDER] for r in rows], dtype=bool).reshape(-1, len(KIND_ORDER)),
                np.array([r.count for r in rows], dtype=np.int32),
            )
            self._arrays[ch] = cached
        return cached if len(cached.codes) else None

    def gather(self, chars: np.ndarray) -> tuple[np.ndarray, CandidateArrays]:
        """The candidates of many written characters (code points) at once, as ``arrays`` gives them one by one:
        each row's index into ``chars`` (ascending) and the rows, each character's in ``arrays`` order."""
        first, count, flat = self._flat_index()
        known = chars < len(count)
        index = np.where(known, chars, 0).astype(np.intp)
        counts = np.where(known, count[index], 0)
        which = np.repeat(np.arange(len(chars)), counts)
        ends = np.cumsum(counts)
        rows = np.arange(len(which)) + np.repeat(first[index] - (ends - counts), counts)
        return which, CandidateArrays(flat.codes[rows], flat.kinds[rows], flat.counts[rows])

    def _flat_index(self) -> tuple[np.ndarray, np.ndarray, CandidateArrays]:
        """Every character's candidate arrays end to end, with each code point's first row and row count."""
        if self._flat is None:
            size = max((ord(ch) for ch in self._by_wrong), default=-1) + 1
            first, count = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
            parts, total = [], 0
            for ch in sorted(self._by_wrong):
                arrays = self.arrays(ch)
                if arrays is not None:
                    first[ord(ch)], count[ord(ch)] = total, len(arrays.codes)
                    parts.append(arrays)
                    total += len(arrays.codes)
            flat = CandidateArrays(
                np.concatenate([p.codes for p in parts] or [np.zeros(0, dtype=np.uint64)]),
                np.concatenate([p.kinds for p in parts] or [np.zeros((0, len(KIND_ORDER)), dtype=bool)]),
                np.concatenate([p.counts for p in parts] or [np.zeros(0, dtype=np.int32)]),
            )
            self._flat = (first, count, flat)
        return self._flat
