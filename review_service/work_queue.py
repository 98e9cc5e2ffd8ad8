"""What waits for a person, worked out from a few columns per draft instead of whole drafts.

Every page shows the 待办 badge, so it must stay cheap with thousands of drafts: one indexed query
reads, for the drafts in review at a stage of the person's role, only the columns the workflow's
rules look at (run state, author, department, the latest version's hash and check state) — no
versions, bodies or findings — and the pure rules of ``workflows`` decide membership. Whether a
person may act on a stage never depends on the findings (every stage may return), so none are read.
The queue page then loads full drafts for one page of ids only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks import Channel
from review_service import drafts as service
from review_service.models import CheckRun, Draft, DraftVersion, User, utcnow
from review_service.workflow_state import definitions, state_from_json
from workflows.definition import Action
from workflows.engine import available_actions
from workflows.state import CheckStatus, Facts

WORK_ACTIONS = frozenset({Action.PASS, Action.EDIT, Action.APPROVE, Action.RETURN})


@dataclass(frozen=True, slots=True)
class Waiting:
    """One draft at a stage of the person's role: enough to filter, sort and page without loading it."""

    id: int
    title: str
    channel: str
    stage: str
    stage_label: str
    due_date: dt.date | None
    priority: int
    mine: bool  # the person may act on it now; otherwise a colleague of the same role has claimed it


def _latest_version_id() -> object:
    return (
        select(DraftVersion.id)
        .where(DraftVersion.draft_id == Draft.id)
        .order_by(DraftVersion.number.desc())
        .limit(1)
        .correlate(Draft)
        .scalar_subquery()
    )


def at_my_stages(
    session: Session, *, user: User, spanning_roles: frozenset[str], now: dt.datetime | None = None
) -> list[Waiting]:
    """Drafts in review at a stage of this person's role that they may act on, or that a colleague
    of the same role has claimed; highest priority first, then oldest."""
    now = now or utcnow()
    latest = _latest_version_id()
    rows = session.execute(
        select(
            Draft.id,
            Draft.workflow,
            Draft.stage,
            Draft.channel,
            Draft.run_state,
            Draft.due_date,
            Draft.priority,
            DraftVersion.title,
            DraftVersion.content_hash,
            CheckRun.state,
        )
        .join(DraftVersion, DraftVersion.id == latest)
        .outerjoin(CheckRun, CheckRun.version_id == DraftVersion.id)
        .where(service.stages_of_role(user), service.visible_to(user, spanning_roles))
        .order_by(Draft.priority.desc(), Draft.id)
    ).all()
    actor = service.actor_of(user)
    workflows = definitions()
    out = []
    for draft_id, workflow, stage, channel, run_state, due, priority, title, content_hash, check in rows:
        definition = workflows[workflow]
        state = state_from_json(run_state)
        facts = Facts(content_hash, (), Channel(channel).is_public, now, CheckStatus(check or CheckStatus.DONE))
        actions = set(available_actions(definition, state, actor, facts))
        claim = state.active_claim(now)
        label = definition.stage(stage).label
        if actions & WORK_ACTIONS:
            out.append(Waiting(draft_id, title, channel, stage, label, due, priority, True))
        elif claim and claim.actor != user.id and definition.stage(stage).role == user.role:
            out.append(Waiting(draft_id, title, channel, stage, label, due, priority, False))
    return out


def returned_count(session: Session, *, user: User) -> int:
    """My own drafts returned to me for changes (an indexed count)."""
    return (
        session.scalar(
            select(func.count()).select_from(Draft).where(Draft.author_id == user.id, Draft.status == "returned")
        )
        or 0
    )
