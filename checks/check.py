"""The Check protocol: what every check family implements (they report through checks.hits.Hit)."""

from __future__ import annotations

from typing import ClassVar, Literal, Protocol, runtime_checkable

from checks.document import Document
from checks.finding import Finding

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
