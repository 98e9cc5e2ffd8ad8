"""Turns a candidate's evidence into one decision score (a small logistic model).

The weights, the feature scaling and the operating threshold are fitted by
scripts/build_typo_model.py on SIGHAN training sentences and held-out government prose (never on
the SIGHAN test set) and shipped as ``scorer.json``; the threshold is the one number that trades
recall for false alarms on formal prose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from checks.typo.features import FEATURES


@dataclass(frozen=True)
class Scorer:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    suspicious_below: float | None = None
    note: str = ""
    everyday_threshold: float | None = None  # the threshold in paragraphs of everyday writing (checks/typo/register.py)

    @classmethod
    def load(cls, path: Path) -> Scorer:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: fitted for features {data['features']}, the code computes {FEATURES}")
        return cls(
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
            data.get("suspicious_below"),
            data.get("note", ""),
            data.get("everyday_threshold"),
        )

    def to_json(self) -> str:
        data = {
            "features": list(FEATURES),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "bias": round(self.bias, 6),
            "threshold": self.threshold,
            "suspicious_below": self.suspicious_below,
            "everyday_threshold": self.everyday_threshold,
            "note": self.note,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def score(self, features: np.ndarray) -> np.ndarray:
        """One score per row, each computed on its own (a matrix product's rounding depends on the batch, and a
        position must score the same whether it is checked alone or with the copies of its context)."""
        if len(features) == 0:
            return np.zeros(0)
        return (((features - self.mean) / self.scale) * self.weights).sum(axis=1) + self.bias

    def with_threshold(self, threshold: float) -> Scorer:
        return replace(self, threshold=threshold)


def fit_logistic(
    features: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    l2: float = 1.0,
    iterations: int = 25,
) -> Scorer:
    """Newton's method on the (sample-weighted) L2-regularized log loss; deterministic, numpy only."""
    sample = np.ones(len(labels)) if weights is None else weights
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-9
    z = np.column_stack([(features - mean) / scale, np.ones(len(features))])
    w = np.zeros(z.shape[1])
    penalty = l2 * np.eye(len(w))
    penalty[-1, -1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (sample * (p - labels)) + penalty @ w
        hess = (z * (sample * p * (1 - p))[:, None]).T @ z + penalty
        w -= np.linalg.solve(hess, grad)
    return Scorer(mean, scale, w[:-1], float(w[-1]), 0.0)
