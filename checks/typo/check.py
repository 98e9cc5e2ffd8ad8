"""The ``typo`` check: prepares where corrections may act, runs the curated list and the corrector."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.segmenter import Token
from checks.typo.corrector import Correction, Corrector
from checks.typo.features import Area
from checks.typo.findings import CATEGORY, correction_finding, misspelling_finding
from checks.typo.misspellings import MisspellingHit
from checks.typo.model import TypoModel
from checks.typo.protect import book_title_spans, protected_mask
from checks.typo.symbols import is_cjk
from checks.typo.words import FREQ_THRESHOLDS, WordLookup

COMMON_WORD_FREQ = 50  # a list item that is a word this common is not a name


@dataclass(frozen=True)
class Analysis:
    misspellings: list[MisspellingHit]
    corrections: list[Correction]


class TypoCheck:
    """Curated misspellings first (exact, reviewed), then statistical single-character corrections.

    The do-not-touch layer runs before the statistics: names, places, titles, numbers, idioms and codes
    are never "corrected", because a model of formal prose cannot know them.
    """

    name: ClassVar[str] = "typo"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"
    severity: ClassVar[Severity] = Severity.WARN

    def __init__(self, model: TypoModel, words: WordLookup, surnames: frozenset[str]) -> None:
        self.model = model
        self.words = words
        self.surnames = surnames
        self.corrector = Corrector(model.lm, model.confusion, model.scorer, words)

    def touchable(self, text: str, tokens: Sequence[Token], hits: list[MisspellingHit]) -> np.ndarray:
        """CJK characters outside the do-not-touch layer and outside curated hits."""
        mask = protected_mask(
            text,
            tokens,
            self.model.allow_list,
            self.surnames,
            common_word=lambda w: self.words.bucket(w) >= _COMMON_BUCKET,
            known_word=lambda w: self.words.bucket(w) >= 1,
        )
        for hit in hits:
            mask[hit.start : hit.end] = True
        cjk = np.fromiter((is_cjk(ch) for ch in text), dtype=bool, count=len(text))
        return cjk & ~mask

    def prepare(self, text: str, tokens: Sequence[Token]) -> tuple[list[MisspellingHit], Area]:
        """Curated hits (outside book titles) and where the statistical corrector may act."""
        starts = frozenset(t.start for t in tokens)
        ends = frozenset(t.end for t in tokens)
        titles = book_title_spans(text)
        hits = [
            h
            for h in self.model.misspellings.find(text, starts, ends)
            if not any(s < h.end and h.start < e for s, e in titles)
        ]
        return hits, Area(self.touchable(text, tokens, hits), *self.token_levels(text, tokens))

    def token_levels(self, text: str, tokens: Sequence[Token]) -> tuple[np.ndarray, np.ndarray]:
        """Per character: how common its multi-character token is, and how common it is as a one-character word."""
        word = np.zeros(len(text), dtype=np.int64)
        single = np.zeros(len(text), dtype=np.int64)
        for token in tokens:
            target = word if len(token.word) >= 2 else single
            target[token.start : token.end] = self.words.bucket(token.word)
        return word, single

    def analyze(self, text: str, tokens: Sequence[Token], threshold: float | None = None) -> Analysis:
        hits, area = self.prepare(text, tokens)
        return Analysis(hits, self.corrector.correct(text, area, threshold))

    def run(self, doc: Document) -> list[Finding]:
        result = self.analyze(doc.text, doc.tokens)
        findings = [misspelling_finding(doc, hit, self.severity) for hit in result.misspellings]
        threshold = self.model.scorer.threshold
        findings += [correction_finding(doc, c, self.words, threshold, self.severity) for c in result.corrections]
        return findings


_COMMON_BUCKET = next(i + 1 for i, t in enumerate(FREQ_THRESHOLDS) if t >= COMMON_WORD_FREQ)
