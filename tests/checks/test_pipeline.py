"""Pipeline steps on their own: dedup, the typo-in-term rule, sorting, severity policy, verdict."""

from __future__ import annotations

from typing import ClassVar

import pytest

from checks import Channel, DraftInput, Finding, Severity
from checks.document import Document
from checks.engine import CheckEngine
from checks.hits import Hit
from checks.pipeline import deduplicate, sort_findings, verdict_of
from checks.registry import CheckRegistry
from checks.segmenter import Segmenter
from checks.severity import SeverityPolicy, default_policy


def finding(category: str, start: int, end: int, severity=Severity.WARN, field="body", rule="r") -> Finding:
    return Finding(category, start, end, severity, "消息", None, rule, "说明", field)


def test_same_category_and_span_is_one_finding_keeping_the_most_severe():
    merged = deduplicate([finding("pii.phone", 0, 11), finding("pii.phone", 0, 11, Severity.BLOCK, rule="x")])
    assert [(f.rule, f.severity) for f in merged] == [("x", Severity.BLOCK)]


def test_typo_inside_a_term_span_is_dropped_but_not_outside_or_in_other_field():
    kept = deduplicate(
        [
            finding("term.political", 10, 20),
            finding("typo", 12, 14),
            finding("typo", 18, 22),
            finding("typo", 12, 14, field="title"),
        ]
    )
    assert sorted((f.category, f.start, f.field) for f in kept) == [
        ("term.political", 10, "body"),
        ("typo", 12, "title"),
        ("typo", 18, "body"),
    ]


def test_sorted_by_field_then_start():
    ordered = sort_findings([finding("a", 5, 6), finding("b", 1, 2), finding("c", 9, 10, field="title")])
    assert [(f.field, f.start) for f in ordered] == [("title", 9), ("body", 1), ("body", 5)]


@pytest.mark.parametrize(
    ("severities", "verdict"),
    [([], "pass"), ([Severity.INFO], "pass"), ([Severity.INFO, Severity.WARN], "warn"), ([Severity.BLOCK], "block")],
)
def test_verdict(severities, verdict):
    assert verdict_of([finding("x", 0, 1, s) for s in severities]) == verdict


def test_severity_policy_longest_prefix_wins_and_explains_itself():
    policy = default_policy()
    out = policy.apply(Channel.WEBSITE, [finding("pii.person_name", 0, 2, Severity.BLOCK), finding("pii.phone", 0, 2)])
    assert [f.severity for f in out] == [Severity.WARN, Severity.BLOCK]
    assert "严重程度策略" in out[1].explanation
    assert policy.apply(Channel.INTERNAL, [finding("secret.marking", 0, 2, Severity.BLOCK)])[0].severity == "info"


class _Shout:
    name: ClassVar[str] = "shout"
    categories: ClassVar[tuple[str, ...]] = ("demo.shout",)
    scope: ClassVar[str] = "text"

    def run(self, doc: Document) -> list[Finding]:
        idx = doc.text.find("！！")
        if idx < 0:
            return []
        return [
            Hit(idx, idx + 2, "demo", "感叹号重复", "！", "演示", Severity.WARN).to_finding(doc, "demo.shout")
        ]  # fmt: skip


class _Once:
    name: ClassVar[str] = "once"
    categories: ClassVar[tuple[str, ...]] = ("demo.once",)
    scope: ClassVar[str] = "draft"

    def run(self, doc: Document) -> list[Finding]:
        return [Finding("demo.once", 0, 0, Severity.INFO, "整篇一次", None, "once", "演示", "metadata")]


def test_a_registry_of_two_checks_runs_through_the_engine():
    engine = CheckEngine(CheckRegistry([_Shout(), _Once()]), Segmenter(), SeverityPolicy({}))
    result = engine.check(DraftInput(body="<p>好！！</p>", title="标题！！", is_html=True))
    assert [(f.category, f.field, f.start) for f in result.findings] == [
        ("demo.shout", "title", 2),
        ("demo.shout", "body", 4),
        ("demo.once", "metadata", 0),
    ]
    assert result.verdict == "warn"
    assert engine.registry.select(categories=["demo.once"]) == (engine.registry.checks[1],)


def test_registry_refuses_duplicate_names():
    with pytest.raises(ValueError, match="duplicate"):
        CheckRegistry([_Shout(), _Shout()])


class _FlagsEveryCharacterPair:
    name: ClassVar[str] = "pairs"
    categories: ClassVar[tuple[str, ...]] = ("typo", "pii.person_name")
    scope: ClassVar[str] = "text"

    def run(self, doc: Document) -> list[Finding]:
        idx = doc.text.find("星都")
        return [
            Hit(idx, idx + 2, cat, "m", None, "e", Severity.WARN).to_finding(doc, cat)
            for cat in self.categories
        ] if idx >= 0 else []  # fmt: skip


def test_organisation_allow_list_silences_typo_and_terms_but_never_pii():
    engine = CheckEngine(
        CheckRegistry([_FlagsEveryCharacterPair()]), Segmenter(), SeverityPolicy({}), ("星都经济开发区",)
    )
    result = engine.check(DraftInput(body="星都经济开发区管委会"))
    assert [f.category for f in result.findings] == ["pii.person_name"]
    plain = CheckEngine(CheckRegistry([_FlagsEveryCharacterPair()]), Segmenter(), SeverityPolicy({}))
    assert len(plain.check(DraftInput(body="星都经济开发区管委会")).findings) == 2
