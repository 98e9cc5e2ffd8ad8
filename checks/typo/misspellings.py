"""The curated list of misspelled words and idioms (再接再励 → 再接再厉): exact, high precision.

The statistical corrector cannot be trusted with four-character idioms (their n-grams are rare even in
a large corpus), while a reviewed wrong → right list can: every entry was checked against the formal
corpus when the list was built (see scripts/build_typo_model.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.typo.disjoint import keep_disjoint
from checks.typo.string_index import StringIndex


@dataclass(frozen=True, slots=True)
class Misspelling:
    wrong: str
    right: str
    source: str


@dataclass(frozen=True, slots=True)
class MisspellingHit:
    start: int
    end: int
    entry: Misspelling


# Short entries (2–3 characters) could sit inside a longer correct word (中介人 holds 介人), so they
# only count when the segmentation agrees that they are a word of their own.
ALIGN_BELOW = 4


class MisspellingList:
    def __init__(self, entries: Sequence[Misspelling]) -> None:
        self.entries = tuple(entries)
        self._by_wrong = {entry.wrong: entry for entry in self.entries if entry.wrong}  # the last entry wins
        self._index = StringIndex(self._by_wrong)

    @classmethod
    def load(cls, path: Path) -> MisspellingList:
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                wrong, right, source = line.split("\t")
                entries.append(Misspelling(wrong, right, source))
        return cls(entries)

    def find(self, text: str, token_starts: frozenset[int], token_ends: frozenset[int]) -> list[MisspellingHit]:
        """Non-overlapping hits, longest first where two overlap."""
        if not self.entries:
            return []
        hits = []
        for start, end in self._index.find(text):
            if end - start < ALIGN_BELOW and not (start in token_starts and end in token_ends):
                continue
            hits.append(MisspellingHit(start, end, self._by_wrong[text[start:end]]))
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        return sorted(keep_disjoint(hits, lambda h: (h.start, h.end)), key=lambda h: h.start)
