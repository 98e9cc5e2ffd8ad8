"""The run state of one draft in its workflow, and the facts a transition is judged on.

Kept apart from the definition (like Wagtail's WorkflowState/TaskState vs Workflow/Task) and
immutable: a transition returns a new state plus the events to audit and notify.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from workflows.definition import Action


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"  # a CMS confirmed it published the approved content


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    roles: frozenset[str]
    department: str | None = None
    external: bool = False  # an outside 会签 signer through a signed link


@dataclass(frozen=True, slots=True)
class Decision:
    stage: str
    actor: int
    action: Action
    content_hash: str
    at: dt.datetime
    comment: str | None = None
    department: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    actor: int
    stage: str
    until: dt.datetime


@dataclass(frozen=True, slots=True)
class Waiver:
    finding_key: str
    category: str
    actor: int
    stage: str
    reason: str
    content_hash: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class RunState:
    workflow: str
    author: int
    content_hash: str
    status: Status = Status.DRAFT
    stage: str | None = None
    decisions: tuple[Decision, ...] = ()  # decisions of the current round still in force
    holders: tuple[tuple[str, int], ...] = ()  # (stage, actor) of everyone who ever acted
    claim: Claim | None = None
    waivers: tuple[Waiver, ...] = ()
    countersign_departments: tuple[str, ...] = ()
    round: int = 0
    revision: int = 0  # bumps on every transition: optimistic concurrency

    def stages_held_by(self, actor: int) -> set[str]:
        return {stage for stage, who in self.holders if who == actor}

    def active_claim(self, now: dt.datetime) -> Claim | None:
        return self.claim if self.claim is not None and self.claim.until > now else None


@dataclass(frozen=True, slots=True)
class FindingRef:
    """A finding of the current version, as the workflow needs to see it."""

    key: str
    category: str
    severity: str


class CheckStatus(StrEnum):
    """Where the automatic check of the current content stands: decisions rest only on a finished one."""

    DONE = "done"
    CHECKING = "checking"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Facts:
    content_hash: str
    findings: tuple[FindingRef, ...]
    public_channel: bool
    now: dt.datetime
    check: CheckStatus = CheckStatus.DONE


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    actor: int
    stage: str | None = None
    comment: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
