"""The ``typo`` check: prepares where corrections may act, runs the curated list and the corrector."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.segmenter import Token
from checks.typo.corrector import Correction, Corrector
from checks.typo.features import Area
from checks.typo.findings import (
    CATEGORY,
    correction_finding,
    idiom_finding,
    misspelling_finding,
    nonword_finding,
    pair_finding,
    usage_finding,
)
from checks.typo.idioms import IdiomHit
from checks.typo.layers import LAYERS, TypoLayers
from checks.typo.misspellings import MisspellingHit
from checks.typo.model import TypoModel
from checks.typo.nonwords import NonWordHit
from checks.typo.pairs import PairHit
from checks.typo.protect import book_title_spans, listed_mask, token_mask
from checks.typo.quoted_errors import quoted_error_spans
from checks.typo.symbols import cjk_mask
from checks.typo.usage import UsageHit
from checks.typo.words import FREQ_THRESHOLDS, WordLookup

COMMON_WORD_FREQ = 50  # a list item that is a word this common is not a name


@dataclass(frozen=True)
class Analysis:
    misspellings: list[MisspellingHit]
    corrections: list[Correction]
    usage: list[UsageHit] = field(default_factory=list)
    idioms: list[IdiomHit] = field(default_factory=list)
    nonwords: list[NonWordHit] = field(default_factory=list)
    pairs: list[PairHit] = field(default_factory=list)


class TypoCheck:
    """Curated misspellings first (exact, reviewed), then statistical single-character corrections.

    The do-not-touch layer runs before the statistics: names, places, titles, numbers, idioms and codes
    are never "corrected", because a model of formal prose cannot know them.
    """

    name: ClassVar[str] = "typo"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"
    severity: ClassVar[Severity] = Severity.WARN

    def __init__(
        self,
        model: TypoModel,
        words: WordLookup,
        surnames: frozenset[str],
        layers: TypoLayers | None = None,
        enabled: Iterable[str] = LAYERS,
    ) -> None:
        """Without ``layers`` only the curated list and the corrector run (as when the scorer is fitted);
        ``enabled`` picks layers by name (``LAYERS``), for measuring each one on its own."""
        self.model = model
        self.words = words
        self.surnames = surnames
        self.layers = layers
        self.enabled = frozenset(enabled)
        unknown = self.enabled - set(LAYERS)
        if unknown:
            raise ValueError(f"unknown typo layers: {sorted(unknown)}")
        self.corrector = Corrector(model.lm, model.confusion, model.scorer, words)

    def touchable(self, text: str, tokens: Sequence[Token], hits: list[MisspellingHit]) -> np.ndarray:
        """CJK characters outside the do-not-touch layer and outside curated hits."""
        return self._masks(text, tokens, hits)[0]

    def _masks(self, text: str, tokens: Sequence[Token], hits: list[MisspellingHit]) -> tuple[np.ndarray, np.ndarray]:
        """(touchable, guessed names): the second marks characters touchable but for the segmenter's proper-noun
        guess, which the fixed-expression layer may still touch (毫不东摇 is cut into 东摇/nr)."""
        listed = listed_mask(
            text, self.model.allow_list, self.surnames, common_word=lambda w: self.words.bucket(w) >= _COMMON_BUCKET
        )
        guessed = token_mask(text, tokens, self.surnames, known_word=lambda w: self.words.bucket(w) >= 1)
        for hit in hits:
            listed[hit.start : hit.end] = True
        for start, end in quoted_error_spans(text):
            listed[start:end] = True
        cjk = cjk_mask(text)
        free = cjk & ~listed
        return free & ~guessed, free & guessed

    def prepare(self, text: str, tokens: Sequence[Token]) -> tuple[list[MisspellingHit], Area]:
        """Curated hits (outside book titles) and where the statistical corrector may act."""
        hits, area, _ = self._prepare(text, tokens)
        return hits, area

    def _prepare(self, text: str, tokens: Sequence[Token]) -> tuple[list[MisspellingHit], Area, np.ndarray]:
        token_starts = [t.start for t in tokens]
        starts = frozenset(token_starts)
        ends = frozenset(map(operator.add, token_starts, map(len, (t.word for t in tokens))))
        in_title = np.zeros(len(text) + 1, dtype=bool)  # book titles and quoted errors, character by character
        for s, e in book_title_spans(text) + quoted_error_spans(text):
            in_title[s:e] = True
        hits = [h for h in self.model.misspellings.find(text, starts, ends) if not in_title[h.start : h.end].any()]
        if "misspelling" not in self.enabled:
            hits = []
        touchable, guessed = self._masks(text, tokens, hits)
        register = self.model.register
        everyday = register.everyday(text, ignore=in_title[: len(text)]) if register is not None else None
        if everyday is not None:
            # in everyday writing a segmenter's name guess is mostly a garbled word (名天, 民居): not protected
            touchable = touchable | (guessed & everyday)
        return hits, Area(touchable, *self.token_levels(text, tokens), everyday), guessed

    def token_levels(self, text: str, tokens: Sequence[Token]) -> tuple[np.ndarray, np.ndarray]:
        """Per character: how common its multi-character token is, and how common it is as a one-character word."""
        word = np.zeros(len(text), dtype=np.int64)
        single = np.zeros(len(text), dtype=np.int64)
        bucket = self.words.bucket
        words = [t.word for t in tokens]
        counts = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        if _tile(tokens, counts, len(text)):
            # Each level is its token's, repeated over its characters (one numpy call, not one per token).
            levels = np.fromiter(map(bucket, words), dtype=np.int64, count=len(tokens))
            per_char = np.repeat(levels, counts)
            long = np.repeat(counts >= 2, counts)
            word[long] = per_char[long]
            single[~long] = per_char[~long]
            return word, single
        for token in tokens:
            target = word if len(token.word) >= 2 else single
            target[token.start : token.end] = bucket(token.word)
        return word, single

    def analyze(self, text: str, tokens: Sequence[Token], threshold: float | None = None) -> Analysis:
        hits, area, guessed = self._prepare(text, tokens)
        touchable = area.touchable
        usage: list[UsageHit] = []
        pairs: list[PairHit] = []
        idioms: list[IdiomHit] = []
        nonwords: list[NonWordHit] = []
        if self.layers is not None:
            if "usage" in self.enabled:
                # A usage rule reads grammar, not names: it only needs its word outside titles and quotations.
                usage = [h for h in self.layers.usage.find(text, tokens) if touchable[h.start : h.end].all()]
                _hide(touchable, ((h.start, h.end) for h in usage))
                _hide(guessed, ((h.start, h.end) for h in usage))
            if "pair" in self.enabled:
                pairs = self.layers.pairs.find(text, touchable)
                _hide(touchable, ((h.start, h.end) for h in pairs))
                _hide(guessed, ((h.start, h.end) for h in pairs))
            if "idiom" in self.enabled:
                idioms = self.layers.idioms.find(text, touchable | guessed)
                _hide(touchable, ((h.start, h.end) for h in idioms))
        corrections = self.corrector.correct(text, area, threshold) if "char" in self.enabled else []
        if self.layers is not None and "nonword" in self.enabled:
            # what the character model already fixed (and its neighbours) is not a non-word left to find
            _hide(touchable, ((c.pos - 1, c.pos + 2) for c in corrections))
            nonwords = self.layers.nonwords.find(text, touchable, tokens)
        return Analysis(hits, corrections, usage, idioms, nonwords, pairs)

    def run(self, doc: Document) -> list[Finding]:
        result = self.analyze(doc.text, doc.tokens)
        severity = self.severity
        findings = [misspelling_finding(doc, hit, severity) for hit in result.misspellings]
        findings += [usage_finding(doc, hit, severity) for hit in result.usage]
        findings += [pair_finding(doc, hit, severity) for hit in result.pairs]
        findings += [idiom_finding(doc, hit, severity) for hit in result.idioms]
        findings += [nonword_finding(doc, hit, severity) for hit in result.nonwords]
        findings += [correction_finding(doc, c, self.words, severity) for c in result.corrections]
        return sorted(findings, key=lambda f: (f.start, f.end))


def _tile(tokens: Sequence[Token], lengths: np.ndarray, size: int) -> bool:
    """Whether ``tokens`` (of these word lengths) cover the ``size`` characters one after another, as the
    segmenter's do."""
    if int(lengths.sum()) != size:
        return False
    starts = np.fromiter((t.start for t in tokens), dtype=np.int64, count=len(tokens))
    return bool(np.array_equal(starts[1:], np.cumsum(lengths)[:-1])) and (not len(starts) or starts[0] == 0)


def _hide(mask: np.ndarray, spans: Iterable[tuple[int, int]]) -> None:
    for start, end in spans:
        mask[max(0, start) : end] = False


_COMMON_BUCKET = next(i + 1 for i, t in enumerate(FREQ_THRESHOLDS) if t >= COMMON_WORD_FREQ)
