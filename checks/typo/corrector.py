"""Decides which characters to correct: the best-scoring candidate per position, if it clears the threshold."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from checks.typo.confusion import Confusion, ConfusionSet
from checks.typo.features import FEATURES, Area, Candidates, candidates, expand, grouped_candidates
from checks.typo.lm import CharLM
from checks.typo.scorer import Scorer
from checks.typo.words import FREQ_THRESHOLDS, WordLookup

SECOND_PASS_REACH = 2
_ORIG_WORD = FEATURES.index("orig_word")
_CAND_WORD = FEATURES.index("cand_word")
_WORD_GAIN = FEATURES.index("word_gain")


@dataclass(frozen=True, slots=True)
class Correction:
    pos: int
    wrong: str
    right: str
    score: float
    gain: float
    confusion: Confusion
    orig_word: int  # dictionary-frequency bucket of the best word covering the position, before …
    cand_word: int  # … and after the change
    threshold: float  # the score it had to reach there (lower in everyday writing)


Limit = float | np.ndarray  # one threshold, or one per character


class Corrector:
    def __init__(self, lm: CharLM, confusion: ConfusionSet, scorer: Scorer, words: WordLookup) -> None:
        self.lm = lm
        self.confusion = confusion
        self.scorer = scorer
        self.words = words

    def candidates(self, text: str, area: Area, **options: float | None) -> Candidates:
        """``suspicious_below=None`` turns the speed filter off (when fitting)."""
        bound = options.get("suspicious_below", self.scorer.suspicious_below)
        return candidates(text, area, self.lm, self.confusion, self.words, suspicious_below=bound)

    def limits(self, area: Area, threshold: Limit | None = None) -> Limit:
        """The threshold to reach at each character: the scorer's, lowered to its everyday-writing threshold in
        paragraphs of everyday writing; an explicit ``threshold`` (when measuring a curve) applies everywhere."""
        if threshold is not None:
            return threshold
        lower = self.scorer.everyday_threshold
        if lower is None or area.everyday is None or not area.everyday.any():
            return self.scorer.threshold
        return np.where(area.everyday, lower, self.scorer.threshold)

    def correct(self, text: str, area: Area, threshold: Limit | None = None) -> list[Correction]:
        first = self.scored(text, area, threshold)
        return first + self.second_pass(text, area, first, threshold)

    def scored(self, text: str, area: Area, threshold: Limit | None = None) -> list[Correction]:
        """``decide`` over ``candidates``, scoring each distinct context once and copying only what passes."""
        limits = self.limits(area, threshold)
        lowest = float(np.min(limits))  # context groups span paragraphs: prune with the lowest, decide per position
        rows, groups = grouped_candidates(
            text, area, self.lm, self.confusion, self.words,
            suspicious_below=self.scorer.suspicious_below, hopeful=lambda f: self.may_pass(f, lowest),
        )  # fmt: skip
        scores = self.scorer.score(rows.features)
        passing = np.flatnonzero(scores >= lowest)
        cands = expand(rows.take(passing), groups)
        return self.decide(text, cands, self.scorer.score(cands.features), limits)

    def may_pass(self, features: np.ndarray, limit: float) -> np.ndarray:
        """Rows whose score could reach ``limit`` for some dictionary answer: the score is linear in the two word
        levels (0 … the top bucket) and their difference, so its largest value is at a corner of that square."""
        best = np.full(len(features), -np.inf)
        top = float(len(FREQ_THRESHOLDS))
        trial = features.copy()
        for orig, cand in ((0.0, 0.0), (0.0, top), (top, 0.0), (top, top)):
            trial[:, _ORIG_WORD], trial[:, _CAND_WORD], trial[:, _WORD_GAIN] = orig, cand, cand - orig
            best = np.maximum(best, self.scorer.score(trial))
        return best >= limit - 1e-9  # rounding of a sum is not the sum of roundings

    def second_pass(
        self, text: str, area: Area, first: list[Correction], threshold: Limit | None = None
    ) -> list[Correction]:
        """Neighbours of accepted corrections, rescored in the corrected context.

        Two slips side by side (设么 for 什么) hide each other from a model that sees one change at a time.
        """
        if not first:
            return []
        chars = list(text)
        near = np.zeros(len(text), dtype=bool)
        for c in first:
            chars[c.pos] = c.right
            near[max(0, c.pos - SECOND_PASS_REACH) : c.pos + SECOND_PASS_REACH + 1] = True
        for c in first:
            near[c.pos] = False
        fixed = "".join(chars)
        return self.scored(fixed, replace(area, touchable=area.touchable & near), threshold)

    def decide(
        self, text: str, cands: Candidates, scores: np.ndarray, threshold: Limit | None = None
    ) -> list[Correction]:
        limit = self.scorer.threshold if threshold is None else threshold
        need = limit[cands.pos] if isinstance(limit, np.ndarray) else np.full(len(cands), limit)
        best: dict[int, int] = {}
        for k in np.flatnonzero(scores >= need).tolist():
            pos = int(cands.pos[k])
            if pos not in best or scores[k] > scores[best[pos]]:
                best[pos] = k
        out = []
        for pos, k in sorted(best.items()):
            wrong, right = text[pos], chr(int(cands.right[k]))
            confusion = self.confusion.pair(wrong, right) or Confusion(wrong, right, "", 0)
            out.append(
                Correction(
                    pos, wrong, right, float(scores[k]), float(cands.gain[k]), confusion,
                    int(cands.features[k, _ORIG_WORD]), int(cands.features[k, _CAND_WORD]), float(need[k]),
                )
            )  # fmt: skip
        return out
