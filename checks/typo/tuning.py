"""Fitting the scorer and choosing its threshold: on SIGHAN training sentences and held-out clean prose.

Used by scripts/build_typo_model.py (to write ``scorer.json``) and by bench.typo_sighan (to print the
curve). The SIGHAN test set never passes through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from checks.segmenter import Segmenter
from checks.typo.check import TypoCheck
from checks.typo.corrector import Limit
from checks.typo.evaluation import Changes, Metrics, sentence_metrics
from checks.typo.features import FEATURES, Area, Candidates
from checks.typo.scorer import Scorer, fit_logistic

# The operating point: the lowest threshold whose false alarms on held-out dev government prose (laws and reports,
# the register the model was built from) stay at a tenth of the product budget of 1 per 10,000 characters —
# fresher formal prose (modern news) measured several times more false alarms at the same threshold, so half the
# budget on the dev prose would leave no margin there — and whose sentence-level correction precision on the
# SIGHAN-2015 training mix (every erroneous sentence plus its corrected form) reaches 0.65. The mix is strict: a
# sentence with three slips counts as a false positive unless all three are fixed.
FA_TARGET_PER_10K = 0.1
PRECISION_TARGET = 0.65
THRESHOLDS = tuple(round(x, 2) for x in np.arange(-2.0, 4.01, 0.25))
SUSPICIOUS_QUANTILE = 0.99  # share of true corrections the speed filter must keep
COLLECT_BOUND = -6.0  # a looser speed filter while collecting (the chosen one must lie below it)
# Edited prose is what the check must not disturb: its candidates weigh more than the learners' sentences,
# so the fitted score is calibrated for it (the rate of real slips there is far lower than in SIGHAN essays).
PROSE_WEIGHT = 4.0
_ORIG = FEATURES.index("orig_logp")
_NEXT = FEATURES.index("next_logp")


@dataclass(frozen=True)
class TuningItem:
    text: str
    target: str | None  # the corrected sentence; None for clean prose (every change is a false alarm)
    fixed: Changes  # what the curated list changes (does not depend on the threshold)
    cands: Candidates
    labels: np.ndarray
    area: Area


def collect(
    check: TypoCheck, segmenter: Segmenter, texts: Iterable[tuple[str, str | None]], loose_bound: float | None = None
) -> list[TuningItem]:
    """Every candidate with its features and label, with the speed filter at ``loose_bound`` (None: off)."""
    items = []
    for text, target in texts:
        hits, area = check.prepare(text, segmenter.tokens(text))
        fixed = {
            h.start + k: r
            for h in hits
            for k, (w, r) in enumerate(zip(h.entry.wrong, h.entry.right, strict=True))
            if w != r
        }
        cands = check.corrector.candidates(text, area, suspicious_below=loose_bound)
        labels = np.array(
            [
                target is not None and target[p] == chr(c)
                for p, c in zip(cands.pos.tolist(), cands.right.tolist(), strict=True)
            ],
            dtype=bool,
        )
        items.append(TuningItem(text, target, fixed, cands, labels, area))
    return items


def suspicious_threshold(items: Sequence[TuningItem]) -> float:
    """The speed filter's bound: keeps SUSPICIOUS_QUANTILE of the true corrections."""
    values = np.concatenate([it.cands.features[it.labels][:, _ORIG] + it.cands.features[it.labels][:, _NEXT]
                             for it in items])  # fmt: skip
    bound = float(np.round(np.quantile(values, SUSPICIOUS_QUANTILE), 2))
    return min(bound, COLLECT_BOUND)


def apply_filter(items: Sequence[TuningItem], bound: float) -> list[TuningItem]:
    out = []
    for it in items:
        f = it.cands.features
        keep = (f[:, _ORIG] + f[:, _NEXT]) < bound
        c = it.cands
        cands = Candidates(c.pos[keep], c.right[keep], c.counts[keep], c.kinds[keep], c.gain[keep], f[keep])
        out.append(replace(it, cands=cands, labels=it.labels[keep]))
    return out


def fit(items: Sequence[TuningItem], *, folds: int = 2) -> tuple[Scorer, list[np.ndarray]]:
    """The scorer fitted on all items, and out-of-fold scores for choosing the threshold honestly."""

    def stack(sel: Sequence[TuningItem]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        weights = [np.full(len(it.labels), PROSE_WEIGHT if it.target is None else 1.0) for it in sel]
        return (
            np.concatenate([it.cands.features for it in sel]),
            np.concatenate([it.labels for it in sel]),
            np.concatenate(weights),
        )

    scores: list[np.ndarray] = [np.zeros(0)] * len(items)
    for fold in range(folds):
        train = [it for i, it in enumerate(items) if i % folds != fold]
        model = fit_logistic(*stack(train))
        for i in range(fold, len(items), folds):
            scores[i] = model.score(items[i].cands.features)
    return fit_logistic(*stack(items)), scores


def limits(item: TuningItem, threshold: float, everyday: float | None) -> Limit:
    """``threshold`` everywhere, or ``everyday`` in the item's paragraphs of everyday writing."""
    if everyday is None or item.area.everyday is None or not item.area.everyday.any():
        return threshold
    return np.where(item.area.everyday, everyday, threshold)


def predictions(
    check: TypoCheck, item: TuningItem, scores: np.ndarray, threshold: Limit, second_pass: bool = True
) -> Changes:
    """What the check would change at ``threshold`` (the second pass rescoring with ``check``'s scorer)."""
    changes = dict(item.fixed)
    first = check.corrector.decide(item.text, item.cands, scores, threshold)
    if second_pass:
        first = first + check.corrector.second_pass(item.text, item.area, first, threshold)
    for c in first:
        changes.setdefault(c.pos, c.right)
    return changes


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    sighan: Metrics
    false_alarms_per_10k: float


def curve(
    check: TypoCheck,
    items: Sequence[TuningItem],
    scores: Sequence[np.ndarray],
    thresholds: Iterable[float],
    *,
    second_pass: bool = True,
    formal: float | None = None,
) -> list[CurvePoint]:
    """Metrics per threshold; the second pass rescoring uses ``check``'s own (fitted) scorer. With ``formal``, the
    thresholds are tried in everyday writing only and ``formal`` holds in the other paragraphs."""
    clean_chars = sum(len(it.text) for it in items if it.target is None) or 1
    points = []
    for t in thresholds:
        rows, alarms = [], 0
        for it, s in zip(items, scores, strict=True):
            limit = t if formal is None else limits(it, formal, t)
            changes = predictions(check, it, s, limit, second_pass)
            if it.target is None:
                alarms += len(changes)
            else:
                rows.append((it.text, it.target, changes))
        points.append(CurvePoint(t, sentence_metrics(rows), alarms / clean_chars * 10_000))
    return points


def choose(points: Sequence[CurvePoint]) -> CurvePoint:
    for point in sorted(points, key=lambda p: p.threshold):
        if point.false_alarms_per_10k <= FA_TARGET_PER_10K and point.sighan.correction[0] >= PRECISION_TARGET:
            return point
    return max(points, key=lambda p: p.threshold)


def choose_everyday(points: Sequence[CurvePoint], formal: float) -> CurvePoint:
    """The everyday-writing threshold, among those at or below the formal one that keep the dev-prose false alarms
    within the same target: the highest whose SIGHAN-training correction F1 is within one standard error of the best
    (the one-standard-error rule: the F1 curve is flat near its top, and a higher threshold is the safer choice)."""
    allowed = [p for p in points if p.threshold == formal or (
        p.threshold < formal and p.false_alarms_per_10k <= FA_TARGET_PER_10K)]  # fmt: skip
    best = max(allowed, key=lambda p: p.sighan.correction[2])
    f1 = best.sighan.correction[2]
    standard_error = float(np.sqrt(f1 * (1 - f1) / max(best.sighan.with_errors, 1)))
    return max((p for p in allowed if p.sighan.correction[2] >= f1 - standard_error), key=lambda p: p.threshold)
