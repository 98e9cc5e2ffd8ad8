"""checks/ never reads the system clock: a date reaches a check as Document.doc_date or the engine's injected clock."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from checks import DraftInput, EngineConfig, build_engine
from checks.pii.validators import is_valid_resident_id
from tests.paths import REPO_ROOT

CHECKS = REPO_ROOT / "checks"
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("time", "time")}
# The one allowed reader: checks.clock.beijing_today, the default clock of an engine whose caller gives none.
ALLOWED = {"clock.py"}


def _clock_reads(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name, node.func.attr) in CLOCK_CALLS:
                out.append(f"{path.relative_to(CHECKS)}:{node.lineno}")
    return out


def test_no_check_reads_the_system_clock() -> None:
    modules = [p for p in CHECKS.rglob("*.py") if str(p.relative_to(CHECKS)) not in ALLOWED]
    assert len(modules) > 50
    assert [read for p in modules for read in _clock_reads(p)] == []
    assert _clock_reads(CHECKS / "clock.py")  # the scan does see a clock read where there is one


# 18-digit IDs with valid check characters, born 2026-05-21 and 1990-03-07.
BORN_2026_05_21 = "110101202605210012"
BORN_1990 = "110101199003070011"


def test_an_id_born_after_the_engines_date_is_no_id() -> None:
    assert is_valid_resident_id(BORN_1990, dt.date(2026, 5, 20))
    assert not is_valid_resident_id(BORN_2026_05_21, dt.date(2026, 5, 20))
    assert is_valid_resident_id(BORN_2026_05_21, dt.date(2026, 5, 21))


def test_the_pii_check_asks_the_engines_clock_not_the_systems() -> None:
    text = f"申请人身份证号：{BORN_2026_05_21}。"
    before = build_engine(EngineConfig(enabled=("pii",), today=lambda: dt.date(2026, 5, 20)))
    after = build_engine(EngineConfig(enabled=("pii",), today=lambda: dt.date(2026, 6, 1)))
    draft = DraftInput(body=text, doc_date=dt.date(2026, 6, 1))
    assert "pii.id_card" not in {f.category for f in before.check(draft).findings}
    assert "pii.id_card" in {f.category for f in after.check(draft).findings}
