"""Near-misses of protected formulations: one character wrong, missing, extra or two swapped.

A single edit leaves one half of the canonical text intact, so both halves go into one Aho–Corasick
automaton; each hit proposes the few windows around it that could hold the canonical text with one
edit, and a window is reported only when the edit is a plausible slip:

- substitution: the characters are confusable (same sound, similar shape, a numeral for a numeral),
  or the formulation is long (9+ characters) and the slip sits inside it;
- transposition of two Chinese characters;
- a missing or extra Chinese character inside texts of 5+ characters, away from both ends, unless it is
  one of the dictionary's ``not_slips`` (的, 和 … are rewording; 副, 总 make another title); in a
  formulation an extra character must double its neighbour and a missing one needs 8+ characters.

Every window must start and end on jieba word boundaries ("生态环境补偿" is not 生态环境部 misspelt,
"四个信封" not 四个自信). Exact text, the entry's ``variants_ok``, any other dictionary text,
allow-listed names, and windows overlapping a correct protected text are never reported.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

import ahocorasick

from checks.terms.confusables import NUMERALS, Confusables
from checks.terms.context import DocContext
from checks.terms.lexicon import Rule
from checks.terms.schema import FuzzyOp, ProtectedEntry

ANY_SUBSTITUTION_MIN = 10  # from this length a slip of any character inside the text is an error
FORMULATION_DELETE_MIN = 8  # shorter formulations lose a character by rewording (统筹发展安全)
WORDING_KINDS = frozenset({"formulation", "local", "congress", "party"})  # reworded in prose, unlike names
_HAN = re.compile(r"[\u4e00-\u9fff]")


def default_ops(length: int) -> tuple[FuzzyOp, ...]:
    if length >= 5:
        return ("substitute", "transpose", "delete", "insert")
    if length == 4:
        return ("substitute", "transpose")
    return ()


@dataclass(frozen=True, slots=True)
class Edit:
    op: FuzzyOp
    index: int  # position in the canonical text (insert: the inserted char sits before canonical[index])
    expected: str
    written: str
    kind: str  # 同音或近音字 / 形近字 / 数字 / 错字 / 顺序颠倒 / 漏字 / 多字

    def describe(self) -> str:
        if self.op == "substitute":
            return f"“{self.written}”应为“{self.expected}”（{self.kind}）"
        if self.op == "transpose":
            return f"“{self.written}”顺序颠倒，应为“{self.expected}”"
        if self.op == "delete":
            return f"漏写“{self.expected}”"
        return f"多出“{self.written}”"


@dataclass(frozen=True, slots=True)
class FuzzyHit:
    rule: Rule[ProtectedEntry]
    start: int
    end: int
    written: str
    edit: Edit


def _stretch(text: str, n: int, side: str, s: int, e: int) -> str:
    """The text that holds every window an anchor at [s, e) proposes for a rule of ``n`` characters."""
    if side == "X":
        return text[s:e]
    if side == "L":
        return text[s : s + n + 1]
    return text[max(0, e - n - 1) : e]


def _near_anchor(text: str, idx: int) -> Iterator[tuple[tuple[int, str], str]]:
    """For each half of ``text`` that anchors it, the two characters of the other half next to that anchor
    (see ``FuzzyMatcher._may_slip``); a half of one character gives no such test."""
    half = len(text) // 2
    if len(text) - half >= 2:
        yield (idx, "L"), text[half : half + 2]
    if half >= 2:
        yield (idx, "R"), text[half - 2 : half]


def classify(canonical: str, written: str) -> Edit | None:
    """The single edit turning ``canonical`` into ``written`` (Damerau distance 1), else None."""
    n, m = len(canonical), len(written)
    if m == n:
        diffs = [i for i in range(n) if canonical[i] != written[i]]
        if len(diffs) == 1:
            i = diffs[0]
            return Edit("substitute", i, canonical[i], written[i], "")
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            i, j = diffs
            if canonical[i] == written[j] and canonical[j] == written[i]:
                return Edit("transpose", i, canonical[i : j + 1], written[i : j + 1], "顺序颠倒")
        return None
    if m == n - 1:
        i = next((k for k in range(m) if canonical[k] != written[k]), m)
        if written[i:] == canonical[i + 1 :]:
            return Edit("delete", i, canonical[i], "", "漏字")
        return None
    if m == n + 1:
        i = next((k for k in range(n) if canonical[k] != written[k]), n)
        if written[i + 1 :] == canonical[i:]:
            return Edit("insert", i, "", written[i], "多字")
    return None


class FuzzyMatcher:
    """All protected rules in one automaton; ``find`` returns the plausible slips in a document."""

    def __init__(
        self,
        rules: Sequence[Rule[ProtectedEntry]],
        confusables: Confusables,
        known_texts: Collection[str],
        not_slips: str = "",
    ) -> None:
        self.rules = list(rules)
        self.not_slips = frozenset(not_slips)
        self.confusables = confusables
        self.known = frozenset(known_texts)
        self._ops = [
            frozenset(r.entry.fuzzy if r.entry.fuzzy is not None else default_ops(len(r.entry.text))) for r in rules
        ]
        self._variants_ok = [frozenset(r.entry.variants_ok) for r in rules]
        self._lengths = [len(r.entry.text) for r in self.rules]
        self._automaton = ahocorasick.Automaton()
        anchors: dict[str, list[tuple[int, str]]] = {}
        for idx, rule in enumerate(self.rules):
            text = rule.entry.text
            if not self._ops[idx]:
                continue
            half = len(text) // 2
            anchors.setdefault(text[:half], []).append((idx, "L"))
            anchors.setdefault(text[half:], []).append((idx, "R"))
            if "transpose" in self._ops[idx]:  # the one swap that breaks both halves
                swapped = text[: half - 1] + text[half] + text[half - 1] + text[half + 1 :]
                anchors.setdefault(swapped, []).append((idx, "X"))
        self._near = {
            key: near for idx, rule in enumerate(self.rules) for key, near in _near_anchor(rule.entry.text, idx)
        }
        for key, payload in anchors.items():
            self._automaton.add_word(key, (key, tuple(payload)))
        if anchors:
            self._automaton.make_automaton()
        self._has_anchors = bool(anchors)

    def find(self, ctx: DocContext, shields: Sequence[tuple[int, int, bool]]) -> list[FuzzyHit]:
        """Slips in ``ctx``; ``shields`` are (start, end, is_allow_name) spans of correct text."""
        if not self._has_anchors:
            return []
        text = ctx.text
        seen: set[tuple[int, int, int]] = set()
        edits: dict[tuple[int, str], Edit | None] = {}  # the same window text is judged once per rule
        # An anchor's windows all lie in one stretch of text (the anchor and n + 1 characters on its open
        # side), so their texts are a function of that stretch: a stretch whose every window is no slip of
        # the rule is remembered, and a common anchor character (王 of 王沪宁) costs one lookup, not three.
        no_slip: set[tuple[int, str, str]] = set()
        hits: list[FuzzyHit] = []
        limit = len(text)
        for end_idx, (key, payload) in self._automaton.iter(text):
            s, e = end_idx - len(key) + 1, end_idx + 1
            for idx, side in payload:
                if not self._may_slip(text, idx, side, s, e):
                    continue
                stretch = _stretch(text, self._lengths[idx], side, s, e)
                if (idx, side, stretch) in no_slip:
                    continue
                windows = list(self._windows(idx, side, s, e, limit))
                for start, end in windows:
                    if edits.get((idx, text[start:end]), True) is None:
                        continue  # this window's text is no slip of the rule, wherever it stands
                    if (idx, start, end) in seen:
                        continue
                    seen.add((idx, start, end))
                    hit = self._verify(ctx, idx, start, end, shields, edits)
                    if hit is not None:
                        hits.append(hit)
                if all(edits[idx, text[start:end]] is None for start, end in windows):  # each was judged above
                    no_slip.add((idx, side, stretch))
        return _without_overlaps(hits)

    def _may_slip(self, text: str, idx: int, side: str, s: int, e: int) -> bool:
        """False when no window of the anchor at [s, e) can be one edit away from rule ``idx``'s text.

        With one half written right, the edit lies in the other half H (two or more characters), and one
        of the two characters next to the anchor on H's side is H's first or second (last or second to
        last): the character kept, the one moved up by a deletion or transposition, or the one after a
        substitution or insertion. Most anchors (国家 of 国家安全) fail this at once.
        """
        near = self._near.get((idx, side))
        if near is None:
            return True
        beside = text[e : e + 2] if side == "L" else text[max(0, s - 2) : s]
        return any(ch in near for ch in beside)

    def _windows(self, idx: int, side: str, s: int, e: int, limit: int) -> Iterator[tuple[int, int]]:
        n = len(self.rules[idx].entry.text)
        if side == "X":
            yield s, e
            return
        for length in (n - 1, n, n + 1):
            start, end = (s, s + length) if side == "L" else (e - length, e)
            if start >= 0 and end <= limit:
                yield start, end

    def _verify(
        self,
        ctx: DocContext,
        idx: int,
        start: int,
        end: int,
        shields: Sequence[tuple[int, int, bool]],
        edits: dict[tuple[int, str], Edit | None],
    ) -> FuzzyHit | None:
        rule = self.rules[idx]
        entry = rule.entry
        written = ctx.text[start:end]
        key = (idx, written)
        if key in edits:
            edit = edits[key]
        else:
            edit = edits[key] = self._slip(idx, written)
        if edit is None or not ctx.aligned(start, end):
            return None
        if entry.valid_from and ctx.doc.doc_date < entry.valid_from:
            return None
        for s, e, is_name in shields:
            if s < end and start < e and (is_name or not (start <= s and e <= end)):
                return None  # overlaps an allowed name, or a correct protected text it does not contain
        return FuzzyHit(rule, start, end, written, edit)

    def _slip(self, idx: int, written: str) -> Edit | None:
        """The plausible slip of rule ``idx`` that ``written`` is, wherever it stands (position-free)."""
        entry = self.rules[idx].entry
        canonical = entry.text
        if written == canonical or written in self.known or written in self._variants_ok[idx]:
            return None
        edit = classify(canonical, written)
        if edit is None or edit.op not in self._ops[idx]:
            return None
        return self._plausible(entry, edit, len(canonical))

    def _plausible(self, entry: ProtectedEntry, edit: Edit, n: int) -> Edit | None:
        chars = edit.expected + edit.written
        if not entry.numerals and any(c in NUMERALS for c in chars):
            return None
        if any(not _HAN.match(c) for c in edit.written):
            return None
        if edit.op == "substitute":
            if edit.written in self.not_slips:
                return None  # 生态环境不受损害: a function word next to the name, not a slip of 部
            kind = self.confusables.kind(edit.expected, edit.written)
            if kind == "数字" and (not entry.numerals or edit.written == "一"):
                return None  # 一个全面发展: 一个 is ordinary prose, not a wrong ordinal
            if kind is None:
                if n < ANY_SUBSTITUTION_MIN or edit.index in (0, n - 1):
                    return None
                kind = "错字"
            return Edit(edit.op, edit.index, edit.expected, edit.written, kind)
        if edit.op == "transpose":
            return edit
        char = edit.expected or edit.written
        if char in self.not_slips:
            return None
        i = _leftmost(entry.text, edit)
        wording = entry.kind in WORDING_KINDS
        if edit.op == "insert":
            ok = 2 <= i <= n - 2 and (not wording or char in (entry.text[i - 1], entry.text[i]))
        else:
            ok = (2 <= i <= n - 3 and n >= FORMULATION_DELETE_MIN) if wording else 1 <= i <= n - 2
        return Edit(edit.op, i, edit.expected, edit.written, edit.kind) if ok else None


def _leftmost(canonical: str, edit: Edit) -> int:
    """A run of equal characters makes the place of a missing or extra one ambiguous: take the leftmost."""
    i = edit.index
    char = edit.expected or edit.written
    while i > 0 and canonical[i - 1] == char:
        i -= 1
    return i


def _without_overlaps(hits: list[FuzzyHit]) -> list[FuzzyHit]:
    """Of overlapping slips keep the one of the longest formulation (the most specific reading)."""
    kept: list[FuzzyHit] = []
    covered: set[int] = set()  # offsets of kept slips: a test reads only the hit's own offsets
    for hit in sorted(hits, key=lambda h: (-len(h.rule.entry.text), h.start)):
        offsets = range(hit.start, hit.end)
        if covered.isdisjoint(offsets):
            kept.append(hit)
            covered.update(offsets)
    return sorted(kept, key=lambda h: h.start)
