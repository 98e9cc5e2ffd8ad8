"""What a draft looks like to a person now: the one view both front doors render (API JSON, web rows).

Derived once here — current version, stage label, claim, open blocks, the overdue flag on the
organisation's (Beijing) date, the actions the rules allow — so the API and the pages cannot drift.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from checks.clock import beijing_date
from review_service import drafts as domain
from review_service.clock import aware_or_none
from review_service.models import Draft, DraftVersion, User
from review_service.returns import LastReturn, last_return
from review_service.services.context import ServiceContext
from review_service.workflow_state import state_from_json
from workflows.definition import Action
from workflows.engine import unresolved_blocks

OPEN_STATUSES = ("draft", "in_review", "returned")  # a due date can still be missed


@dataclass(frozen=True)
class DraftSummary:
    """A list line: what people sort, filter and decide by."""

    draft: Draft
    version: DraftVersion
    title: str
    stage_label: str | None
    claimed_by: int | None  # the user id holding the current stage's claim
    blocking: int  # block findings neither fixed nor waived
    overdue: bool


@dataclass(frozen=True)
class DraftView:
    """A draft in full for one person: the summary plus their actions, waivers and the check."""

    summary: DraftSummary
    actions: tuple[Action, ...]
    check_state: str
    verdict: str | None
    waivers: list[dict[str, Any]]
    published_at: dt.datetime | None
    last_return: LastReturn | None  # the most recent return, kept after resubmission


def summarize(ctx: ServiceContext, draft: Draft) -> DraftSummary:
    state = state_from_json(draft.run_state)
    version = domain.latest_version(draft)
    now = ctx.clock()
    claim = state.active_claim(now)
    today = beijing_date(now)
    return DraftSummary(
        draft=draft,
        version=version,
        title=version.title,
        stage_label=domain.definition_of(draft).stage(draft.stage).label if draft.stage else None,
        claimed_by=claim.actor if claim else None,
        blocking=len(unresolved_blocks(state, domain.facts_for(draft))),
        overdue=bool(draft.due_date and draft.due_date < today and draft.status in OPEN_STATUSES),
    )


def view(ctx: ServiceContext, draft: Draft, user: User) -> DraftView:
    summary = summarize(ctx, draft)
    state = state_from_json(draft.run_state)
    run = summary.version.check_run
    return DraftView(
        summary=summary,
        actions=domain.actions_for(draft, user),
        check_state=domain.check_state(draft),
        verdict=run.verdict if run else None,
        waivers=[
            {"finding_key": w.finding_key, "category": w.category, "reason": w.reason, "actor": w.actor}
            for w in state.waivers
            if w.content_hash == summary.version.content_hash
        ],
        published_at=aware_or_none(draft.published_at),
        last_return=last_return(ctx.session, draft),
    )


def stage_label(draft: Draft, key: object) -> str:
    """The label of a stage named in a ledger row; a stage the workflow no longer has keeps its key."""
    if not key:
        return ""
    try:
        return domain.definition_of(draft).stage(str(key)).label
    except KeyError:
        return str(key)


def findings_of(version: DraftVersion) -> list[dict[str, Any]]:
    """The version's findings, each with the stable key waivers and buttons refer to."""
    run = version.check_run
    return [{**f, "key": domain.finding_key(f)} for f in (run.findings if run else [])]


def version_diff(draft: Draft, from_number: int, to_number: int) -> tuple[DraftVersion, DraftVersion, list[str]]:
    """A unified diff of two versions' title, summary and body, line by line."""
    by_number = {v.number: v for v in draft.versions}
    if from_number not in by_number or to_number not in by_number:
        raise domain.VersionNotFound()
    a, b = by_number[from_number], by_number[to_number]
    lines = difflib.unified_diff(
        f"{a.title}\n{a.summary or ''}\n{a.body}".splitlines(),
        f"{b.title}\n{b.summary or ''}\n{b.body}".splitlines(),
        fromfile=f"v{a.number}",
        tofile=f"v{b.number}",
        lineterm="",
    )
    return a, b, list(lines)
