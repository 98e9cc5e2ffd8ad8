"""Exact occurrences of dictionary texts (wording rules, outdated names), with their exceptions.

One Aho–Corasick automaton per check. A match is kept only when none of the entry's own context
exceptions applies, when it is not part of a correct protected text or an allowed local name, and,
for outdated names, when the document is dated after the change and does not speak of the past.
Of overlapping matches the longest wins (国家工商行政管理总局 over 工商行政管理局).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import accumulate

import ahocorasick

from checks.terms.context import DocContext
from checks.terms.lexicon import Rule
from checks.terms.schema import OutdatedEntry, WordingEntry

ExactRule = Rule[WordingEntry] | Rule[OutdatedEntry]
PREFIX_WINDOW = 10  # how far before an outdated name a historical prefix (原) may stand, within its clause
_PUNCT = re.compile(r"[，。；：、！？,.;:!?\n（）()“”《》]")


@dataclass(frozen=True, slots=True)
class ExactHit:
    rule: ExactRule
    start: int
    end: int


class ExactMatcher:
    def __init__(
        self,
        rules: Sequence[ExactRule],
        historical_markers: Sequence[str] = (),
        historical_prefixes: Sequence[str] = (),
        foreign_names: Collection[str] = (),
    ) -> None:
        self.rules = list(rules)
        self.foreign = frozenset(foreign_names)
        self.markers = tuple(historical_markers)
        self.prefixes = tuple(historical_prefixes)
        self._automaton = ahocorasick.Automaton()
        by_text: dict[str, list[int]] = {}
        for idx, rule in enumerate(self.rules):
            by_text.setdefault(rule.entry.text, []).append(idx)
        for text, indexes in by_text.items():
            self._automaton.add_word(text, (len(text), tuple(indexes)))
        if by_text:
            self._automaton.make_automaton()
        self._empty = not by_text

    def find(self, ctx: DocContext, shielded: Callable[[int, int], bool]) -> list[ExactHit]:
        """Matches that no exception excuses; ``shielded`` tells a match inside a longer correct text."""
        if self._empty:
            return []
        hits: list[ExactHit] = []
        for end_idx, (length, indexes) in self._automaton.iter(ctx.text):
            start, end = end_idx - length + 1, end_idx + 1
            if shielded(start, end):
                continue  # part of a correct protected text or an allowed name
            for idx in indexes:
                rule = self.rules[idx]
                if ctx.excused(rule.entry, start, end) or self._historical(ctx, rule, start):
                    continue
                if rule.entry.except_foreign and ctx.after_foreign_name(start, self.foreign):
                    continue
                hits.append(ExactHit(rule, start, end))
        return _longest(hits)

    def _historical(self, ctx: DocContext, rule: ExactRule, start: int) -> bool:
        entry = rule.entry
        if not isinstance(entry, OutdatedEntry):
            return False
        if ctx.doc.doc_date < entry.since:
            return True  # right for its time
        if not entry.historical:
            return False
        lead = _PUNCT.split(ctx.text[max(0, start - PREFIX_WINDOW) : start])[-1]
        if any(p in lead for p in self.prefixes):
            return True  # 原国土资源部, 原陆丰市国土资源局: the writer names the old body as such
        if any(year < entry.since.year for year in ctx.years_near(start)):
            return True  # the sentence speaks of an earlier year
        return ctx.has_any(start, self.markers)


def _inside_longer(shields: Sequence[tuple[int, int, bool]]) -> Callable[[int, int], bool]:
    """A test whether [start, end) lies inside a longer shield span, in O(log n) per query.

    Inside and longer means s <= start, end <= e and not equal: either s < start and e >= end, or
    s <= start and e > end. Both are a prefix maximum of ``e`` over spans sorted by ``s``.
    """
    spans = sorted((s, e) for s, e, _ in shields)
    starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))

    def inside(start: int, end: int) -> bool:
        before = bisect_left(starts, start)  # spans with s < start
        if before and reach[before - 1] >= end:
            return True
        upto = bisect_right(starts, start)  # spans with s <= start
        return upto > 0 and reach[upto - 1] > end

    return inside


def _longest(hits: list[ExactHit]) -> list[ExactHit]:
    """Longest first; a hit is dropped when it overlaps a kept hit of another span. Each kept hit marks the
    offsets it covers, so the test reads only the hit's own offsets (linear in the hits' total length)."""
    kept: list[ExactHit] = []
    owner: dict[int, tuple[int, int]] = {}
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        span = (hit.start, hit.end)
        if all(owner.get(i, span) == span for i in range(hit.start, hit.end)):
            kept.append(hit)
            for i in range(hit.start, hit.end):
                owner[i] = span
    return sorted(kept, key=lambda h: (h.start, h.rule.entry.id))
