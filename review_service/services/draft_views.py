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
from workflows.engine import active_stages, unresolved_blocks, waive
from workflows.refusals import Refusal

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


@dataclass(frozen=True)
class StageProgress:
    key: str
    label: str
    done: bool  # decided on the current content
    actor: int | None  # who decided it
    current: bool


@dataclass(frozen=True)
class DraftReview:
    """The draft page's model: the view, and each finding with its waiver and whether it is still open
    and this person could waive it, the stages' progress, and what the final stage waits for."""

    view: DraftView
    findings: list[dict[str, Any]]  # a finding dict plus key, waiver, waivable, open
    stages: list[StageProgress]
    final_blocked: bool  # at the final stage, the person may return but not approve: open blocks remain
    approved: DraftVersion | None  # the approved content, while the draft stands approved or published
    unchanged_since_return: bool  # the author is about to resubmit exactly what was returned


def waivable_keys(draft: Draft, user: User) -> set[str]:
    """The block findings this user could waive now: the workflow itself is asked (a dry run), so a
    waive button appears exactly when the server would accept."""
    facts = domain.facts_for(draft)
    state = state_from_json(draft.run_state)
    keys = set()
    for finding in facts.findings:
        if finding.severity != "block":
            continue
        try:
            waive(domain.definition_of(draft), state, domain.actor_of(user), finding, "dry run", facts)
        except Refusal:
            continue
        keys.add(finding.key)
    return keys


def approved_version(draft: Draft) -> DraftVersion | None:
    """The version the workflow approved, while the draft stands approved or published."""
    version = domain.latest_version(draft)
    state = state_from_json(draft.run_state)
    if draft.status in ("approved", "published") and state.content_hash == version.content_hash:
        return version
    return None


def returned_unchanged(draft: Draft, returned: LastReturn | None) -> bool:
    return (
        draft.status == "returned"
        and returned is not None
        and returned.version is not None
        and domain.latest_version(draft).number <= returned.version
    )


def review(ctx: ServiceContext, draft: Draft, user: User) -> DraftReview:
    shown = view(ctx, draft, user)
    version = shown.summary.version
    state = state_from_json(draft.run_state)
    definition = domain.definition_of(draft)
    waived = {w.finding_key: w for w in state.waivers if w.content_hash == version.content_hash}
    open_blocks = {f.key for f in unresolved_blocks(state, domain.facts_for(draft))}
    waivable = waivable_keys(draft, user)
    findings = []
    for f in findings_of(version):
        waiver = waived.get(f["key"])
        is_open, may_waive = f["key"] in open_blocks, waiver is None and f["key"] in waivable
        findings.append({**f, "waiver": waiver, "waivable": may_waive, "open": is_open})
    decided = {d.stage: d for d in state.decisions if d.content_hash == version.content_hash}
    stages = [
        StageProgress(
            s.key, s.label, s.key in decided, decided[s.key].actor if s.key in decided else None, s.key == draft.stage
        )
        for s in active_stages(definition, state)
    ]
    actions = shown.actions
    at_final = draft.stage == definition.final_stage.key
    return DraftReview(
        view=shown,
        findings=findings,
        stages=stages,
        final_blocked=at_final and Action.RETURN in actions and Action.APPROVE not in actions and bool(open_blocks),
        approved=approved_version(draft),
        unchanged_since_return=returned_unchanged(draft, shown.last_return),
    )


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
