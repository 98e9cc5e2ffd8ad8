"""What a rule found, before it is a Finding: the one result shape every check family reports through.

A detector says where (a span of the Document's normalized text) and why (rule, message, suggestion,
explanation, severity); ``to_finding`` alone maps the span back to the caller's text and names the
field, so the Finding contract (DESIGN.md: code-point offsets into what the caller sent) is kept in
one place instead of in each family.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        """The finding for this span of ``doc``'s normalized text, in the caller's offsets and field."""
        start, end = doc.to_source(self.start, self.end)
        return self._finding(category, start, end, doc.field)

    def in_field(self, field: str, category: str) -> Finding:
        """The finding for a hit whose offsets already point into the caller's text of ``field``
        (or that has no span there: 0..0 for metadata and file properties)."""
        return self._finding(category, self.start, self.end, field)

    def _finding(self, category: str, start: int, end: int, field: str) -> Finding:
        return Finding(
            category=category,
            start=start,
            end=end,
            severity=self.severity,
            message=self.message,
            suggestion=self.suggestion,
            rule=self.rule,
            explanation=self.explanation,
            field=field,
        )
