"""Typed answers of the review service; ``raw`` keeps the whole JSON for fields added later."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["block", "warn", "info"]


@dataclass(frozen=True)
class Finding:
    category: str
    start: int  # Unicode code points into the string sent, end exclusive
    end: int
    severity: Severity
    message: str
    suggestion: str | None
    rule: str
    explanation: str
    field: str = "body"
    key: str | None = None  # only on findings stored with a draft version

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            category=data["category"],
            start=data["start"],
            end=data["end"],
            severity=data["severity"],
            message=data["message"],
            suggestion=data.get("suggestion"),
            rule=data["rule"],
            explanation=data.get("explanation", ""),
            field=data.get("field", "body"),
            key=data.get("key"),
        )


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    verdict: Literal["pass", "warn", "block"]
    stats: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        return cls([Finding.from_json(f) for f in data["findings"]], data["verdict"], data.get("stats", {}))


@dataclass(frozen=True)
class MaskResult:
    text: str
    title: str | None
    summary: str | None
    masked: list[Finding]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MaskResult:
        return cls(data["text"], data.get("title"), data.get("summary"), [Finding.from_json(f) for f in data["masked"]])


@dataclass(frozen=True)
class Draft:
    id: int
    title: str
    channel: str
    status: str
    stage: str | None
    stage_label: str | None
    revision: int
    current_version: int
    content_hash: str
    verdict: str | None
    blocking_findings: int
    actions: list[str]
    raw: dict[str, Any] = field(repr=False, compare=False)
    last_return: dict[str, Any] | None = None  # {"stage", "stage_label", "by", "comment", "at", "resubmitted_at"}
    published_at: str | None = None
    author: str | None = None  # the person it is by (for a CMS draft: the on_behalf_of person)
    created_by: str | None = None  # who sent it in (a CMS service account, or the author)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        return cls(
            id=data["id"],
            title=data["title"],
            channel=data["channel"],
            status=data["status"],
            stage=data.get("stage"),
            stage_label=data.get("stage_label"),
            revision=data.get("revision", 0),
            current_version=data["current_version"],
            content_hash=data["content_hash"],
            verdict=data.get("verdict"),
            blocking_findings=data.get("blocking_findings", 0),
            actions=list(data.get("actions", [])),
            raw=data,
            last_return=data.get("last_return"),
            published_at=data.get("published_at"),
            author=data.get("author"),
            created_by=data.get("created_by"),
        )


@dataclass(frozen=True)
class DraftVersion:
    number: int
    title: str
    summary: str | None
    body: str
    format: str
    content_hash: str
    verdict: str | None
    findings: list[Finding]
    author: str | None = None  # the draft's author's username when by them, else the editor's id (校对修改)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DraftVersion:
        return cls(
            number=data["number"],
            title=data["title"],
            summary=data.get("summary"),
            body=data["body"],
            format=data.get("format", "text"),
            content_hash=data["content_hash"],
            verdict=data.get("verdict"),
            findings=[Finding.from_json(f) for f in data.get("findings", [])],
            author=data.get("author"),
        )


@dataclass(frozen=True)
class GateResult:
    """The publish gate's answer. ``reason`` on a refusal: not_reviewed, not_approved, stale_version, wrong_channel."""

    decision: Literal["allow", "refuse"]
    content_hash: str
    reason: str | None
    message_zh: str | None
    message_en: str | None
    draft_id: int | None
    version: int | None
    receipt: dict[str, Any] | None

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GateResult:
        message = data.get("message") or {}
        return cls(
            decision=data["decision"],
            content_hash=data["content_hash"],
            reason=data.get("reason"),
            message_zh=message.get("zh"),
            message_en=message.get("en"),
            draft_id=data.get("draft_id"),
            version=data.get("version"),
            receipt=data.get("receipt"),
        )


@dataclass(frozen=True)
class BrowserToken:
    """A short-lived, check-only token for one CMS user's browser (POST /tokens/ephemeral)."""

    token: str = field(repr=False)
    user: str
    scopes: list[str]
    expires_at: dt.datetime

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BrowserToken:
        return cls(data["token"], data["user"], list(data["scopes"]), dt.datetime.fromisoformat(data["expires_at"]))
