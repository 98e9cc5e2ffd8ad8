"""The term dev set: its format, its balance, and the F1 the term checks reach on it (bench/terms_quality.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bench.terms_quality import DEFAULT_DEVSET, SCOPE, build_engine, match, predict

# Slow tier (`make test` runs it, `make test-fast` does not): walks the whole term dev set.
pytestmark = pytest.mark.slow

KEYS = {
    "id",
    "channel",
    "doc_type",
    "format",
    "title",
    "text",
    "metadata",
    "expected",
    "hard_negative",
    "note",
    "doc_date",
}


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return [json.loads(line) for line in Path(DEFAULT_DEVSET).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_format(cases: list[dict]) -> None:
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids))
    for case in cases:
        assert set(case) == KEYS, case["id"]
        dt.date.fromisoformat(case["doc_date"])
        assert case["hard_negative"] == (not case["expected"]), case["id"]
        for item in case["expected"]:
            assert item["category"] in SCOPE and item["field"] == "body"
            assert item["span"] in case["text"], (case["id"], item["span"])


def test_size_and_balance(cases: list[dict]) -> None:
    assert len(cases) >= 80
    assert sum(c["hard_negative"] for c in cases) * 2 >= len(cases)
    for category in SCOPE:
        assert any(i["category"] == category for c in cases for i in c["expected"]), category


def test_term_checks_reach_f1_095_on_the_dev_set(cases: list[dict]) -> None:
    engine = build_engine()
    tp = fp = fn = 0
    for case in cases:
        _, per = match(case, predict(engine, case))
        tp += sum(s.tp for s in per.values())
        fp += sum(s.fp for s in per.values())
        fn += sum(s.fn for s in per.values())
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95, (tp, fp, fn)
