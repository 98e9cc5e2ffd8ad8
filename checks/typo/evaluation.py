"""Sentence-level spelling-check metrics, the strict SIGHAN way.

A sentence counts as a true positive only if every change is right: for detection, the changed
positions equal the wrong positions; for correction, the changed characters equal the gold ones too.
Any other sentence with a change is a false positive (so one stray change spoils a sentence).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Changes = dict[int, str]  # position → character written there instead


def gold_changes(source: str, target: str) -> Changes | None:
    """Changes that turn ``source`` into ``target``; None when the lengths differ (never matched)."""
    if len(source) != len(target):
        return None
    return {i: b for i, (a, b) in enumerate(zip(source, target, strict=True)) if a != b}


def has_error(source: str, target: str) -> bool:
    return source != target


@dataclass(frozen=True)
class Metrics:
    sentences: int
    with_errors: int
    flagged: int
    detect_tp: int
    correct_tp: int

    @staticmethod
    def _prf(tp: int, flagged: int, positives: int) -> tuple[float, float, float]:
        p = tp / flagged if flagged else 0.0
        r = tp / positives if positives else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def detection(self) -> tuple[float, float, float]:
        return self._prf(self.detect_tp, self.flagged, self.with_errors)

    @property
    def correction(self) -> tuple[float, float, float]:
        return self._prf(self.correct_tp, self.flagged, self.with_errors)

    def line(self) -> str:
        dp, dr, df = self.detection
        cp, cr, cf = self.correction
        return (
            f"detection P={dp:.3f} R={dr:.3f} F1={df:.3f} | correction P={cp:.3f} R={cr:.3f} F1={cf:.3f} "
            f"({self.sentences} sentences, {self.with_errors} with errors, {self.flagged} flagged)"
        )


def sentence_metrics(items: Iterable[tuple[str, str, Changes]]) -> Metrics:
    """``items``: (source, target, predicted changes) per sentence."""
    n = errors = flagged = dtp = ctp = 0
    for source, target, predicted in items:
        n += 1
        gold = gold_changes(source, target)
        errors += has_error(source, target)
        if not predicted:
            continue
        flagged += 1
        if gold and set(predicted) == set(gold):
            dtp += 1
            ctp += predicted == gold
    return Metrics(n, errors, flagged, dtp, ctp)
