"""What a format rule found, before it becomes a Finding: one shape for every format check."""

from __future__ import annotations

from dataclasses import dataclass

from checks.check import make_finding
from checks.document import Document
from checks.finding import Finding, Severity


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    rule: str
    message: str
    suggestion: str | None
    explanation: str
    severity: Severity = Severity.WARN
    # A hit that rewrites a whole span (a pair of brackets with what they enclose) falls back to these
    # per-mark hits when markup sits inside the span in the caller's text.
    parts: tuple[Hit, ...] = ()

    def to_finding(self, doc: Document, category: str) -> Finding:
        return make_finding(
            doc,
            category=category,
            start=self.start,
            end=self.end,
            severity=self.severity,
            message=self.message,
            suggestion=self.suggestion,
            rule=self.rule,
            explanation=self.explanation,
        )
