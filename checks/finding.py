"""The Finding contract shared by every check (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warn": 1, "block": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a draft.

    Frozen: later pipeline steps return new findings (``with_changes``) with a reason
    appended to the explanation, so the history of a decision stays readable.
    """

    category: str
    start: int
    end: int
    severity: Severity
    message: str
    suggestion: str | None
    rule: str
    explanation: str
    field: str = "body"

    def with_changes(self, *, reason: str | None = None, **changes: Any) -> Finding:
        if reason:
            changes["explanation"] = f"{self.explanation}；{reason}"
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data
