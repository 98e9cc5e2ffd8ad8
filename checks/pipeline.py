"""Runs checks over a draft, then merges, deduplicates, applies severity and sorts.

The steps mirror Presidio's AnalyzerEngine.analyze: select checks, prepare the text once,
run each check, post-process, decide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from checks.check import Check
from checks.document import Document
from checks.finding import Finding, Severity
from checks.metadata import Channel
from checks.severity import SeverityPolicy
from checks.spans import Cover

FIELD_ORDER = {"title": 0, "summary": 1, "body": 2, "metadata": 3, "docx": 4}


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    verdict: str
    stats: dict[str, object] = field(default_factory=dict)


def run_checks(checks: Sequence[Check], documents: Sequence[Document]) -> list[Finding]:
    out: list[Finding] = []
    for check in checks:
        for doc in documents:
            if check.scope == "draft" and doc.field != "body":
                continue
            out.extend(check.run(doc))
    return out


ALLOWABLE_PREFIXES = ("typo", "term.")


def drop_allowed(findings: Sequence[Finding], documents: Sequence[Document], allow: Sequence[str]) -> list[Finding]:
    """The organisation's allow list (local names, reviewed false alarms) silences typo and term findings
    inside any occurrence of an allowed text; personal data and secrecy findings are never silenced."""
    if not allow:
        return list(findings)
    covers = {doc.field: Cover(m for term in allow for m in _occurrences(doc.source, term)) for doc in documents}
    empty = Cover(())
    return [
        f
        for f in findings
        if not (f.category.startswith(ALLOWABLE_PREFIXES) and covers.get(f.field, empty).covers(f.start, f.end))
    ]


def _occurrences(text: str, term: str) -> list[tuple[int, int]]:
    out, start = [], text.find(term)
    while start >= 0:
        out.append((start, start + len(term)))
        start = text.find(term, start + 1)
    return out


def deduplicate(findings: Sequence[Finding]) -> list[Finding]:
    """Same category and span is one finding (the most severe); a typo inside a term span goes."""
    best: dict[tuple[str, str, int, int, str], Finding] = {}
    for f in findings:
        # Zero-width findings (a missing metadata field, a .docx property) are told apart by rule.
        key = (f.field, f.category, f.start, f.end, f.rule if f.start == f.end else "")
        kept = best.get(key)
        if kept is None or f.severity.rank > kept.severity.rank:
            best[key] = f
    merged = list(best.values())
    term_spans: dict[str, list[tuple[int, int]]] = {}
    for f in merged:
        if f.category.startswith("term."):
            term_spans.setdefault(f.field, []).append((f.start, f.end))
    terms = {name: Cover(spans) for name, spans in term_spans.items()}
    return [
        f for f in merged if not (f.category == "typo" and f.field in terms and terms[f.field].covers(f.start, f.end))
    ]


def sort_findings(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (FIELD_ORDER.get(f.field, 9), f.start, f.end, f.category, f.rule))


def verdict_of(findings: Sequence[Finding]) -> str:
    worst = max((f.severity.rank for f in findings), default=0)
    return {2: "block", 1: "warn"}.get(worst, "pass")


def finish(findings: Sequence[Finding], policy: SeverityPolicy, channel: Channel, characters: int = 0) -> CheckResult:
    """Deduplicate, apply the channel's severity policy, sort and decide the verdict."""
    final = sort_findings(policy.apply(channel, deduplicate(findings)))
    by_category = Counter(f.category for f in final)
    by_severity = Counter(f.severity.value for f in final)
    stats: dict[str, object] = {
        "characters": characters,
        "findings": len(final),
        "by_category": dict(sorted(by_category.items())),
        "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
    }
    return CheckResult(tuple(final), verdict_of(final), stats)
