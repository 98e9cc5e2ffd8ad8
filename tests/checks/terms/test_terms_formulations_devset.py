"""The issue-12 dev set (tests/data/terms_formulations_devset.jsonl): its shape, its balance per error class,
and the F1 the term checks reach on each class (bench/terms_quality.py scores it the same way)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from bench.quality import Score
from bench.terms_quality import build_engine, match, predict
from tests.paths import TESTS_DIR

# Slow tier (`make test` runs it, `make test-fast` does not): walks the whole formulations dev set.
pytestmark = pytest.mark.slow

DEVSET = TESTS_DIR / "data" / "terms_formulations_devset.jsonl"
CLASSES = range(1, 7)


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_format(cases: list[dict]) -> None:
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert case["error_class"] in CLASSES
        dt.date.fromisoformat(case["doc_date"])
        assert case["hard_negative"] == (not case["expected"]), case["id"]
        for item in case["expected"]:
            assert item["category"] == "term.political" and item["field"] == "body"
            assert item["span"] in case["text"], case["id"]


def test_size_and_balance(cases: list[dict]) -> None:
    assert len(cases) >= 400
    assert sum(c["hard_negative"] for c in cases) >= 200
    positives = Counter(c["error_class"] for c in cases if not c["hard_negative"])
    negatives = Counter(c["error_class"] for c in cases if c["hard_negative"])
    for k in CLASSES:
        assert positives[k] >= 35 and negatives[k] >= 30, (k, positives[k], negatives[k])


def test_each_error_class_reaches_f1_090(cases: list[dict]) -> None:
    engine = build_engine()
    per_class = {k: Score() for k in CLASSES}
    for case in cases:
        _, per = match(case, predict(engine, case))
        for score in per.values():
            per_class[case["error_class"]].add(score)
    for k, score in per_class.items():
        assert (score.f1 or 0.0) >= 0.90, (k, score.tp, score.fp, score.fn)
