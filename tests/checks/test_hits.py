"""One result shape for every check family: a Hit becomes a Finding in one place, with the caller's offsets."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from checks import DraftInput, Severity
from checks.document import build_document
from checks.hits import Hit
from checks.segmenter import Segmenter
from tests.paths import REPO_ROOT

CHECKS = REPO_ROOT / "checks"
HIT = Hit(3, 5, "demo.rule", "消息", "建议", "说明", Severity.BLOCK)


def test_a_hit_in_html_maps_back_to_the_callers_offsets_and_field() -> None:
    source = "<p>一二<b>三四</b>五</p>"
    draft = DraftInput(body=source, is_html=True, doc_date=dt.date(2026, 5, 20))
    doc = build_document("body", source, draft, Segmenter())
    start = doc.text.index("三四")
    finding = Hit(start, start + 2, "demo.rule", "消息", None, "说明").to_finding(doc, "demo.category")
    assert (finding.start, finding.end) == (source.index("三"), source.index("四") + 1)  # HTML source offsets
    assert (finding.category, finding.field, finding.severity) == ("demo.category", "body", Severity.WARN)


def test_a_hit_without_a_span_in_the_text_keeps_its_offsets_in_the_named_field() -> None:
    finding = HIT.in_field("metadata", "demo.category")
    assert finding.to_dict() == {
        "category": "demo.category",
        "start": 3,
        "end": 5,
        "severity": "block",
        "message": "消息",
        "suggestion": "建议",
        "rule": "demo.rule",
        "explanation": "说明",
        "field": "metadata",
    }


def _builds_findings_itself(path: Path) -> bool:
    """Whether a module calls Finding(...) or the removed make_finding(...) instead of going through Hit."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("Finding", "make_finding")
        ):
            return True
    return False


def test_every_check_family_reports_through_hit() -> None:
    modules = [p for p in CHECKS.rglob("*.py") if p.name not in ("finding.py", "hits.py")]
    assert len(modules) > 50  # the scan sees the families
    assert [str(p.relative_to(CHECKS)) for p in modules if _builds_findings_itself(p)] == []
