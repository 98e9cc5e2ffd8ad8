"""Per-document facts the term checks consult: token boundaries, quotations, sentences, years.

Computed once per Document and shared by every rule, so that a 3,000-character draft is read once.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING

from checks.document import Document
from checks.terms.numerals import years_in
from checks.terms.schema import ContextRules

if TYPE_CHECKING:
    from checks.segmenter import Token

_CLAUSE_BREAK = re.compile(r"[，。；：！？,.;:!?\n]")
_QUOTES = re.compile(r"《[^《》\n]{1,120}》|“[^“”\n]{1,300}”|「[^「」\n]{1,300}」|\"[^\"\n]{1,300}\"")


IsWord = Callable[[str], bool]


def _never(word: str) -> bool:
    return False


_start = attrgetter("start")
_end = attrgetter("end")


@dataclass
class DocContext:
    """``is_word`` tells whether two characters make a dictionary word (jieba's frequencies)."""

    doc: Document
    is_word: IsWord = _never
    _starts: list[int] = field(init=False)
    _has_any: dict[tuple[int, tuple[str, ...]], bool] = field(init=False)
    _years: dict[int, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.doc.sentences]
        self._has_any = {}
        self._years = {}

    @property
    def text(self) -> str:
        return self.doc.text

    def is_boundary(self, offset: int) -> bool:
        """Whether a jieba token starts or ends at ``offset`` (0 and len(text) always count).

        Two bisections over the tokens, which are in text order (the cut tiles the text): the rules ask
        about a few candidate edges, and a set of every token's edges cost more than all the rules on a
        long text.
        """
        if offset == 0 or offset == len(self.text):
            return True
        tokens = self.doc.tokens
        i = bisect.bisect_left(tokens, offset, key=_start)
        if i < len(tokens) and tokens[i].start == offset:
            return True
        j = bisect.bisect_left(tokens, offset, key=_end)
        return j < len(tokens) and tokens[j].end == offset

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Quotation spans, in order and disjoint (one left-to-right regex scan)."""
        return [m.span() for m in _QUOTES.finditer(self.text)]

    @cached_property
    def _quote_starts(self) -> list[int]:
        return [s for s, _ in self.quoted]

    def token_before(self, offset: int) -> Token | None:
        """The jieba token that ends at ``offset`` (None when none ends there)."""
        tokens = self.doc.tokens
        i = bisect.bisect_left(tokens, offset, key=_end)
        if i < len(tokens) and tokens[i].end == offset:
            return tokens[i]
        return None

    def aligned(self, start: int, end: int) -> bool:
        """Whether [start, end) stands on its own: each edge is a word boundary, or at least no word runs
        across it (jieba glues 市工商局 or 全会精神, but 信封 in 四个信封 and 补偿 in 生态环境补偿 are words)."""
        text = self.text
        left = self.is_boundary(start) or not self.is_word(text[start - 1 : start + 1])
        right = self.is_boundary(end) or not self.is_word(text[end - 1 : end + 1])
        return left and right

    def in_quotes(self, start: int, end: int) -> bool:
        # Quotations are disjoint, so only the last one opening before ``start`` can hold the span.
        i = bisect.bisect_left(self._quote_starts, start) - 1
        return i >= 0 and end < self.quoted[i][1]

    def sentence(self, offset: int) -> tuple[int, int]:
        """Span of the sentence holding ``offset`` (the whole text when there are none)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return 0, len(self.text)
        s = self.doc.sentences[i]
        if offset < s.end:
            return s.start, s.end
        following = self._starts[i + 1] if i + 1 < len(self._starts) else len(self.text)
        return s.end, following

    def sentence_text(self, offset: int) -> str:
        start, end = self.sentence(offset)
        return self.text[start:end]

    def years_near(self, offset: int) -> list[int]:
        """Years written in the sentence holding ``offset``; read once per sentence."""
        start, end = self.sentence(offset)
        years = self._years.get(start)
        if years is None:
            years = self._years[start] = years_in(self.text[start:end])
        return list(years)

    def has_any(self, offset: int, words: Sequence[str]) -> bool:
        """Whether the sentence holding ``offset`` contains one of ``words``; each sentence is searched
        once per word list, so many hits in one long sentence (text without breaks) stay linear."""
        start, end = self.sentence(offset)
        key = (start, tuple(words))
        found = self._has_any.get(key)
        if found is None:
            sentence = self.text[start:end]
            found = self._has_any[key] = any(w in sentence for w in words)
        return found

    def after_foreign_name(self, start: int, foreign: frozenset[str], window: int = 10) -> bool:
        """Whether a foreign country's name stands shortly before ``start`` in the same clause (黎巴嫩公共卫生部)."""
        lead = _CLAUSE_BREAK.split(self.text[max(0, start - window) : start])[-1]
        return any(name in lead for name in foreign)

    def excused(self, rules: ContextRules, start: int, end: int) -> bool:
        """True when one of the entry's own context exceptions applies to the match [start, end)."""
        text = self.text
        if rules.applies_from and self.doc.doc_date < rules.applies_from:
            return True
        boundary = rules.boundary or ("token" if end - start <= 3 else "none")
        if boundary == "token" and not self.aligned(start, end):
            return True
        if any(text.endswith(w, 0, start) for w in rules.except_before):
            return True
        if any(text.startswith(w, end) for w in rules.except_after):
            return True
        if rules.except_quoted and self.in_quotes(start, end):
            return True
        return any(_inside(text, start, end, ctx) for ctx in rules.except_contexts)


def _inside(text: str, start: int, end: int, context: str) -> bool:
    """Whether [start, end) lies inside an occurrence of ``context``."""
    lo = max(0, end - len(context))
    pos = text.find(context, lo, start + len(context))
    while pos != -1 and pos <= start:
        if pos + len(context) >= end:
            return True
        pos = text.find(context, pos + 1, start + len(context))
    return False
