"""The Check protocol and the helpers every check uses to report findings."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Protocol, runtime_checkable

from checks.document import Document
from checks.finding import Finding, Severity

Scope = Literal["text", "draft"]


@runtime_checkable
class Check(Protocol):
    """A check reads one Document and returns findings with offsets into the caller's text.

    ``scope = "text"`` checks run on every content field (title, summary, body);
    ``scope = "draft"`` checks look at the draft as a whole and run once, on the body.
    """

    name: ClassVar[str]
    categories: ClassVar[tuple[str, ...]]
    scope: ClassVar[Scope]

    def run(self, doc: Document) -> list[Finding]: ...


def make_finding(
    doc: Document,
    *,
    category: str,
    start: int,
    end: int,
    severity: Severity,
    message: str,
    suggestion: str | None,
    rule: str,
    explanation: str,
) -> Finding:
    """Build a finding from a span of the normalized text, mapped back to the caller's text."""
    s, e = doc.to_source(start, end)
    return Finding(
        category=category,
        start=s,
        end=e,
        severity=severity,
        message=message,
        suggestion=suggestion,
        rule=rule,
        explanation=explanation,
        field=doc.field,
    )


Suggest = Callable[[re.Match[str]], str | None]


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A regex with what to say when it matches; ``accept`` may veto a match."""

    rule_id: str
    pattern: re.Pattern[str]
    message: str
    explanation: str
    suggest: Suggest | None = None
    accept: Callable[[Document, re.Match[str]], bool] | None = None
    group: int | str = 0


class PatternCheck:
    """Base for checks that are a list of regex rules of one category."""

    name: ClassVar[str] = ""
    categories: ClassVar[tuple[str, ...]] = ()
    scope: ClassVar[Scope] = "text"
    category: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARN

    def __init__(self, rules: Sequence[PatternRule]) -> None:
        self.rules = tuple(rules)

    def run(self, doc: Document) -> list[Finding]:
        out: list[Finding] = []
        for rule in self.rules:
            for match in rule.pattern.finditer(doc.text):
                if rule.accept is not None and not rule.accept(doc, match):
                    continue
                start, end = match.span(rule.group)
                if start == end:
                    continue
                out.append(
                    make_finding(
                        doc,
                        category=self.category,
                        start=start,
                        end=end,
                        severity=self.severity,
                        message=rule.message,
                        suggestion=rule.suggest(match) if rule.suggest else None,
                        rule=rule.rule_id,
                        explanation=f"{rule.explanation}（匹配：“{match.group(rule.group)}”）",
                    )
                )
        return out
