"""The test run's shared engines stand for what ``build_engine`` builds, so tests using them test the product."""

from __future__ import annotations

import pytest

from checks import DraftInput, EngineConfig, build_engine
from checks.catalog import CHECK_FACTORIES

TEXT = "各镇人民政府：\n2023-2025年规划，约300余人参加。\n联系电话：13800138000。"


def test_a_partial_engine_of_the_session_finds_what_a_fresh_build_of_those_checks_finds(engine_of) -> None:
    names = ("format.number_usage", "format.punctuation_usage", "pii")
    shared, fresh = engine_of(*names), build_engine(EngineConfig(enabled=names))
    assert [c.name for c in shared.registry.checks] == [c.name for c in fresh.registry.checks]
    found = shared.check(DraftInput(body=TEXT)).findings
    assert found == fresh.check(DraftInput(body=TEXT)).findings
    assert {f.category.split(".")[0] for f in found} == {"format", "pii"}  # the sample exercises both families


def test_the_session_engine_runs_every_check_and_unknown_names_are_refused(engine, engine_of) -> None:
    assert [c.name for c in engine.registry.checks] == list(CHECK_FACTORIES)
    with pytest.raises(ValueError, match="unknown checks"):
        engine_of("typo", "no.such.check")
