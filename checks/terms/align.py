"""Real words in the wrong place: a formulation with a word replaced or dropped (乡村复兴战略, 碳达标碳中和,
国家治理体系和能力现代化).

Every protected formulation of five or more characters keeps its first and last ``anchor`` characters in
one Aho–Corasick automaton. Where a left anchor and a right anchor of the same formulation stand at a
plausible distance, the window between them is aligned against the formulation with bounded edits:

- ``substitute``: one block of one or two characters replaced (a word for a word), the same length;
- ``delete``: one block of one to four characters dropped (an incomplete formulation), from 7+ characters.

Both ends stay intact, so the window is unmistakably that formulation. A variant is reported only when it
is *unattested*: not in the list of variants that occur in formal prose (attested.txt, built from the
official corpora by scripts/build_term_attestation.py), not itself a known dictionary text, not a
rewording by a function word (的, 和 … in ``not_slips``), standing on word boundaries, and not inside a
correctly written protected text. Pure data and a handful of string comparisons per anchor pair.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick

from checks.terms.context import DocContext
from checks.terms.lexicon import Rule
from checks.terms.schema import ProtectedEntry

ALIGN_MIN = 4
SHORT_LEN = 4  # four-character formulations: only one inner character replaced, no numerals (两个确立 → 这两个确定)
DELETE_MIN = 7  # a shorter formulation with a word dropped is usually ordinary prose
DELETE_ONE_MIN = 9  # one character dropped from a shorter one is an abbreviation (坚持为民服务)
MAX_BLOCK_SUB = 2
MAX_BLOCK_DEL = 4
ALIGN_KINDS = frozenset({"formulation", "local", "party"})  # agency names: fuzzy.py (foreign bodies abound)
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_NUMERAL = re.compile(r"[〇零一二两三四五六七八九十百千]")


def anchor_len(n: int) -> int:
    """Characters kept intact at each end: 1 for four-character formulations (one inner character may change)."""
    return 1 if n == SHORT_LEN else 2 if n < 8 else 3


@dataclass(frozen=True, slots=True)
class AlignHit:
    rule: Rule[ProtectedEntry]
    start: int
    end: int
    written: str
    op: str  # substitute | delete
    expected: str  # the canonical block
    got: str  # what stands there instead ("" when dropped)

    def describe(self) -> str:
        if self.op == "delete":
            return f"漏写“{self.expected}”，表述不完整"
        return f"“{self.got}”应为“{self.expected}”"


def variants(canonical: str, written: str) -> tuple[str, str, str] | None:
    """(op, expected block, written block) when ``written`` is ``canonical`` with one bounded edit strictly
    inside the anchors, else None."""
    n, m = len(canonical), len(written)
    k = anchor_len(n)
    if written[:k] != canonical[:k] or written[m - k :] != canonical[n - k :]:
        return None
    p = 0
    while p < min(n, m) and canonical[p] == written[p]:
        p += 1
    q = 0
    while q < min(n, m) - p and canonical[n - 1 - q] == written[m - 1 - q]:
        q += 1
    if m == n:
        block = canonical[p : n - q]
        got = written[p : m - q]
        if not 1 <= len(block) <= (1 if n == SHORT_LEN else MAX_BLOCK_SUB) or p < k or n - q > n - k:
            return None
        return "substitute", block, got
    if m < n and n >= DELETE_MIN:
        d = n - m
        if d > MAX_BLOCK_DEL or p + q < m or (d == 1 and n < DELETE_ONE_MIN):
            return None
        lo = max(m - q, k)  # the dropped block may start anywhere in [m - q, p]: the leftmost inside the anchors
        if lo > p or lo + d > n - k:
            return None
        return "delete", canonical[lo : lo + d], ""
    return None


class FormulationAligner:
    def __init__(
        self,
        rules: Sequence[Rule[ProtectedEntry]],
        attested: Mapping[str, tuple[str, ...]] | Collection[str],
        known_texts: Collection[str],
        not_slips: str,
    ) -> None:
        self.rules = [
            r
            for r in rules
            if r.entry.kind in ALIGN_KINDS
            and len(r.entry.text) >= ALIGN_MIN
            and not (len(r.entry.text) == SHORT_LEN and _NUMERAL.search(r.entry.text))
        ]
        self.attested = frozenset(attested)
        self._open = open_slots(attested) if isinstance(attested, Mapping) else frozenset()
        self.known = frozenset(known_texts)
        self.not_slips = frozenset(not_slips)
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[int, str]]] = {}
        for idx, rule in enumerate(self.rules):
            text = rule.entry.text
            k = 2 if len(text) == SHORT_LEN else anchor_len(len(text))  # halves: one of them stays intact
            keys.setdefault(text[:k], []).append((idx, "L"))
            keys.setdefault(text[-k:], []).append((idx, "R"))
        for key, payload in keys.items():
            self._automaton.add_word(key, (len(key), tuple(payload)))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    def candidates(self, text: str) -> Iterator[tuple[int, int, int, str, str, str]]:
        """(rule index, start, end, op, expected, got) of every bounded-edit variant in ``text``."""
        if self._empty:
            return
        lefts: dict[int, list[int]] = {}
        rights: dict[int, list[int]] = {}
        for end_idx, (length, payload) in self._automaton.iter(text):
            for idx, side in payload:
                if side == "L":
                    lefts.setdefault(idx, []).append(end_idx - length + 1)
                else:
                    rights.setdefault(idx, []).append(end_idx + 1)
        for idx in set(lefts) | set(rights):
            canonical = self.rules[idx].entry.text
            if len(canonical) == SHORT_LEN:
                windows = [(s, s + SHORT_LEN) for s in lefts.get(idx, ())]
                windows += [(e - SHORT_LEN, e) for e in rights.get(idx, ())]
                for s, e in windows:
                    written = text[max(0, s) : e]
                    edit = variants(canonical, written) if s >= 0 and len(written) == SHORT_LEN else None
                    if edit is not None:
                        yield idx, s, e, *edit
                continue
            starts, ends = lefts.get(idx), rights.get(idx)
            if not starts or not ends:
                continue
            n = len(canonical)
            lo_len = n - (MAX_BLOCK_DEL if n >= DELETE_MIN else 0)
            for s in starts:
                i = bisect.bisect_left(ends, s + lo_len)
                while i < len(ends) and ends[i] <= s + n:
                    e = ends[i]
                    i += 1
                    written = text[s:e]
                    if written == canonical:
                        continue
                    edit = variants(canonical, written)
                    if edit is not None:
                        yield idx, s, e, *edit

    def find(self, ctx: DocContext, shields: Sequence[tuple[int, int, bool]]) -> list[AlignHit]:
        hits: list[AlignHit] = []
        for idx, s, e, op, expected, got in self.candidates(ctx.text):
            rule = self.rules[idx]
            written = ctx.text[s:e]
            if written in self.known or written in self.attested or written in rule.entry.variants_ok:
                continue
            if not self._plausible(op, expected, got):
                continue
            if op == "substitute" and self._is_open(rule.entry.text, written):
                continue
            if rule.entry.valid_from and ctx.doc.doc_date < rule.entry.valid_from:
                continue
            if not ctx.aligned(s, e):
                continue
            if any(a < e and s < b and (is_name or not (s <= a and b <= e)) for a, b, is_name in shields):
                continue
            hits.append(AlignHit(rule, s, e, written, op, expected, got))
        return _without_overlaps(hits)

    def _is_open(self, canonical: str, written: str) -> bool:
        """Whether formal prose fills the replaced block with other words (确保__安全: 粮食, 信息 …) and the writer
        replaced that whole block too; half a word changed (美丽 → 美元) is a slip even in an open slot."""
        edit = variants(canonical, written)
        if edit is None:
            return False
        p = next(i for i in range(len(canonical)) if canonical[i] != written[i])
        q = p + len(edit[1])
        return any((canonical, a, b) in self._open for a in range(p - 1, p + 1) for b in (1, 2) if (a, a + b) == (p, q))

    def _plausible(self, op: str, expected: str, got: str) -> bool:
        if op == "delete":
            return not all(c in self.not_slips for c in expected) and bool(_HAN.match(expected))
        if not _HAN.match(got) or (_NUMERAL.search(got) and _NUMERAL.search(expected)):
            return False  # a numeral for a numeral: another congress or plan (fuzzy.py judges ordinals)
        return not all(c in self.not_slips for c in got)  # a function word put in: rewording


def open_slots(attested: Mapping[str, tuple[str, ...]]) -> frozenset[tuple[str, int, int]]:
    """(canonical, start, length) of every block that formal prose fills with another word (variant -> canonicals)."""
    out: set[tuple[str, int, int]] = set()
    for written, canonicals in attested.items():
        for canonical in canonicals:
            edit = variants(canonical, written) if len(written) == len(canonical) else None
            if edit is not None and edit[0] == "substitute":
                p = next(i for i in range(len(canonical)) if canonical[i] != written[i])
                out.add((canonical, p, len(edit[1])))
    return frozenset(out)


def _without_overlaps(hits: list[AlignHit]) -> list[AlignHit]:
    kept: list[AlignHit] = []
    for hit in sorted(hits, key=lambda h: (-len(h.rule.entry.text), h.start)):
        if all(hit.end <= k.start or k.end <= hit.start for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
