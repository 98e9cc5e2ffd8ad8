"""Pure transitions over a draft's run state: (definition, state, actor, action, facts) -> outcome.

Every rule of 三审三校 lives here and nowhere else; ``available_actions`` and ``apply`` share
the same checks, so the buttons a reviewer sees and what the server accepts never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from workflows.definition import Action, Stage, StageKind, WorkflowDefinition
from workflows.refusals import Reason, Refusal
from workflows.state import Actor, CheckStatus, Claim, Decision, Event, Facts, FindingRef, RunState, Status, Waiver

UNWAIVABLE_ON_PUBLIC = ("secret",)
# A department signs its 会签 through one of its reviewers (or an outside signer's link).
COUNTERSIGN_ROLES = frozenset(("reviewer1", "reviewer2", "reviewer3", "countersigner"))
STAGE_ACTIONS = (Action.PASS, Action.EDIT, Action.APPROVE, Action.RETURN)
# Decisions that rest on the current content's automatic check: they wait until it has finished.
NEEDS_CHECK = frozenset({Action.SUBMIT, Action.PASS, Action.APPROVE})
# Why a draft cannot be withdrawn, by status (only a draft in review can be taken back).
NOT_WITHDRAWABLE = {
    Status.DRAFT: "稿件尚未提交审核",
    Status.RETURNED: "稿件已退回作者",
    Status.APPROVED: "稿件已终审通过，不能撤回；修改后保存新版本会从初审重新审核",
    Status.PUBLISHED: "稿件已发布，不能撤回",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    state: RunState
    events: tuple[Event, ...]


def start(
    definition: WorkflowDefinition, *, author: int, content_hash: str, countersign: tuple[str, ...] = ()
) -> RunState:
    return RunState(
        workflow=definition.name, author=author, content_hash=content_hash, countersign_departments=countersign
    )


def active_stages(definition: WorkflowDefinition, state: RunState) -> tuple[Stage, ...]:
    """Optional stages (会签) run only when the draft names departments for them."""
    return tuple(s for s in definition.stages if not s.optional or state.countersign_departments)


def current_stage(definition: WorkflowDefinition, state: RunState) -> Stage | None:
    return definition.stage(state.stage) if state.stage else None


def _matches(category: str, prefixes: tuple[str, ...]) -> bool:
    return any(category == p or category.startswith(p + ".") for p in prefixes)


def unresolved_blocks(state: RunState, facts: Facts) -> list[FindingRef]:
    waived = {w.finding_key for w in state.waivers if w.content_hash == facts.content_hash}
    return [f for f in facts.findings if f.severity == "block" and f.key not in waived]


def signed_departments(state: RunState, stage: str) -> set[str]:
    return {
        d.department
        for d in state.decisions
        if d.stage == stage and d.action is Action.APPROVE and d.department and d.content_hash == state.content_hash
    }


# --- who may act -------------------------------------------------------------------------------


def _check_may_act_on_stage(state: RunState, stage: Stage, actor: Actor, facts: Facts) -> None:
    if actor.id == state.author:
        raise Refusal(Reason.OWN_DRAFT)
    if stage.kind is StageKind.COUNTERSIGN:
        if actor.department not in state.countersign_departments:
            raise Refusal(Reason.NOT_YOUR_STAGE, stage.label)
        if not actor.external and not (actor.roles & COUNTERSIGN_ROLES):
            raise Refusal(Reason.NOT_YOUR_STAGE, f"{stage.label}须由会签部门的审核人员签署")
        if actor.department in signed_departments(state, stage.key):
            raise Refusal(Reason.ALREADY_SIGNED, actor.department)
    elif actor.external or stage.role not in actor.roles:
        raise Refusal(Reason.NOT_YOUR_STAGE, stage.label)
    other = state.stages_held_by(actor.id) - {stage.key}
    if other:
        raise Refusal(Reason.HOLDS_OTHER_STAGE, "、".join(sorted(other)))
    claim = state.active_claim(facts.now)
    if claim is not None and claim.actor != actor.id and claim.stage == stage.key:
        raise Refusal(Reason.CLAIMED)


def _check(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    *,
    comment: str | None = None,
    new_content_hash: str | None = None,
    metadata_changed: bool = False,
) -> Stage | None:
    """Raise the first rule this action breaks; return the stage it acts on."""
    if action is Action.SUBMIT:
        if state.status not in (Status.DRAFT, Status.RETURNED):
            raise Refusal(Reason.WRONG_STATUS, state.status.value)
        if actor.id != state.author:
            raise Refusal(Reason.NOT_YOUR_STAGE, "只有作者可以提交")
        return None
    if action is Action.WITHDRAW:
        return _check_withdraw(definition, state, actor)
    if state.status is not Status.IN_REVIEW or state.stage is None:
        raise Refusal(Reason.WRONG_STATUS, state.status.value)
    stage = definition.stage(state.stage)
    _check_may_act_on_stage(state, stage, actor, facts)
    if action in (Action.CLAIM, Action.RELEASE):
        claim = state.active_claim(facts.now)
        if action is Action.RELEASE and (claim is None or claim.actor != actor.id):
            raise Refusal(Reason.WRONG_STATUS, "未认领")
        return stage
    if action not in stage.actions:
        raise Refusal(Reason.ACTION_NOT_ALLOWED, f"{stage.label}：{action.value}")
    if action is Action.RETURN and not (comment or "").strip():
        raise Refusal(Reason.COMMENT_REQUIRED)
    if action is Action.EDIT and (
        new_content_hash is None or (new_content_hash == state.content_hash and not metadata_changed)
    ):
        raise Refusal(Reason.CONTENT_UNCHANGED)
    if action is Action.APPROVE and stage.key == definition.final_stage.key:
        blocking = unresolved_blocks(state, facts)
        if blocking:
            raise Refusal(Reason.UNRESOLVED_BLOCK, "、".join(sorted({f.category for f in blocking})))
    return stage


def _check_withdraw(definition: WorkflowDefinition, state: RunState, actor: Actor) -> Stage:
    """撤回: only the author takes back a draft, and only while it is in review.

    A claim does not stop it (the author must never be stuck behind a reviewer's 正在审核); the
    claimer is told. An approved draft is not withdrawn: a new version re-enters review instead."""
    if state.status is not Status.IN_REVIEW or state.stage is None:
        raise Refusal(Reason.WRONG_STATUS, NOT_WITHDRAWABLE.get(state.status, state.status.value))
    if actor.id != state.author:
        raise Refusal(Reason.NOT_AUTHOR)
    return definition.stage(state.stage)


def _check_gate(action: Action, facts: Facts) -> None:
    """A submission or a pass/approve never rests on a check still running, or one that failed."""
    if action in NEEDS_CHECK and facts.check is not CheckStatus.DONE:
        raise Refusal(Reason.CHECK_FAILED if facts.check is CheckStatus.FAILED else Reason.CHECK_PENDING)


def available_actions(
    definition: WorkflowDefinition, state: RunState, actor: Actor, facts: Facts
) -> tuple[Action, ...]:
    """What this actor may do now; the web queue draws exactly these buttons."""
    out = []
    for action in (Action.SUBMIT, *STAGE_ACTIONS, Action.CLAIM, Action.RELEASE, Action.WITHDRAW):
        if action in NEEDS_CHECK and facts.check is not CheckStatus.DONE:
            continue
        probe_hash = "\0probe" if action is Action.EDIT else None
        try:
            _check(definition, state, actor, action, facts, comment="probe", new_content_hash=probe_hash)
        except Refusal:
            continue
        if action is Action.CLAIM and state.active_claim(facts.now) is not None:
            continue
        out.append(action)
    return tuple(out)


# --- transitions -------------------------------------------------------------------------------


def apply(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    *,
    comment: str | None = None,
    new_content_hash: str | None = None,
    expected_revision: int | None = None,
    metadata_changed: bool = False,
) -> Outcome:
    """``metadata_changed``: an edit that changes only 文号、公开方式… is still a change worth a version."""
    _check_gate(action, facts)
    if expected_revision is not None and expected_revision != state.revision:
        raise Refusal(Reason.STALE)
    stage = _check(
        definition,
        state,
        actor,
        action,
        facts,
        comment=comment,
        new_content_hash=new_content_hash,
        metadata_changed=metadata_changed,
    )
    handler = {
        Action.SUBMIT: _submit,
        Action.PASS: _advance,
        Action.APPROVE: _advance,
        Action.EDIT: _edit,
        Action.RETURN: _return,
        Action.CLAIM: _claim,
        Action.RELEASE: _release,
        Action.WITHDRAW: _withdraw,
    }[action]
    new_state, events = handler(definition, state, actor, action, facts, stage, comment, new_content_hash)
    return Outcome(replace(new_state, revision=state.revision + 1), tuple(events))


def _submit(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    stage: Stage | None,
    comment: str | None,
    new_hash: str | None,
) -> tuple[RunState, list[Event]]:
    first = active_stages(definition, state)[0]
    new_state = replace(
        state, status=Status.IN_REVIEW, stage=first.key, decisions=(), claim=None, round=state.round + 1
    )
    return new_state, [Event("submitted", actor.id, first.key, comment, {"round": new_state.round})]


def _record(state: RunState, actor: Actor, action: Action, stage: Stage, facts: Facts, comment: str | None) -> RunState:
    decision = Decision(stage.key, actor.id, action, state.content_hash, facts.now, comment, actor.department)
    holders = state.holders if (stage.key, actor.id) in state.holders else (*state.holders, (stage.key, actor.id))
    return replace(state, decisions=(*state.decisions, decision), holders=holders)


def _advance(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    stage: Stage,
    comment: str | None,
    new_hash: str | None,
) -> tuple[RunState, list[Event]]:
    state = _record(state, actor, action, stage, facts, comment)
    events = [Event("passed" if action is Action.PASS else "approved", actor.id, stage.key, comment)]
    if stage.kind is StageKind.COUNTERSIGN:
        missing = set(state.countersign_departments) - signed_departments(state, stage.key)
        if missing:
            pending = Event("countersign_pending", actor.id, stage.key, data={"missing": sorted(missing)})
            return replace(state, claim=None), [*events, pending]
    stages = active_stages(definition, state)
    index = [s.key for s in stages].index(stage.key)
    if index + 1 == len(stages):
        events.append(Event("workflow_approved", actor.id, stage.key, data={"content_hash": state.content_hash}))
        return replace(state, status=Status.APPROVED, stage=None, claim=None), events
    following = stages[index + 1]
    events.append(Event("stage_started", actor.id, following.key))
    return replace(state, stage=following.key, claim=None), events


def _void_reviews(definition: WorkflowDefinition, state: RunState) -> tuple[RunState, list[str]]:
    reviews = {s.key for s in definition.stages if s.kind is not StageKind.PROOFREAD}
    voided = [d.stage for d in state.decisions if d.stage in reviews]
    kept = tuple(d for d in state.decisions if d.stage not in reviews)
    return replace(state, decisions=kept), voided


def _edit(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    stage: Stage,
    comment: str | None,
    new_hash: str | None,
) -> tuple[RunState, list[Event]]:
    state = _record(state, actor, action, stage, facts, comment)
    state, voided = _void_reviews(definition, replace(state, content_hash=new_hash))
    events = [Event("edited", actor.id, stage.key, comment, {"content_hash": new_hash})]
    if voided:
        events.append(Event("approvals_voided", actor.id, stage.key, data={"stages": voided}))
    return state, events


def _return(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    stage: Stage,
    comment: str | None,
    new_hash: str | None,
) -> tuple[RunState, list[Event]]:
    state = _record(state, actor, action, stage, facts, comment)
    return replace(state, status=Status.RETURNED, stage=None, decisions=(), claim=None), [
        Event("returned", actor.id, stage.key, comment)
    ]


def _claim(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    stage: Stage,
    comment: str | None,
    new_hash: str | None,
) -> tuple[RunState, list[Event]]:
    until = facts.now + dt.timedelta(minutes=definition.claim_minutes)
    return replace(state, claim=Claim(actor.id, stage.key, until)), [
        Event("claimed", actor.id, stage.key, data={"until": until.isoformat()})
    ]


def _release(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    stage: Stage,
    comment: str | None,
    new_hash: str | None,
) -> tuple[RunState, list[Event]]:
    return replace(state, claim=None), [Event("released", actor.id, stage.key)]


def _withdraw(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    action: Action,
    facts: Facts,
    stage: Stage,
    comment: str | None,
    new_hash: str | None,
) -> tuple[RunState, list[Event]]:
    """Back to a draft with its author: this round's decisions and any claim end (they are in the
    audit log); holders and waivers stay, as after a return. Submitting again starts at the first stage."""
    data: dict[str, object] = {"round": state.round, "voided": [d.stage for d in state.decisions]}
    claim = state.active_claim(facts.now)
    if claim is not None:
        data["claimed_by"] = claim.actor
    new_state = replace(state, status=Status.DRAFT, stage=None, decisions=(), claim=None)
    return new_state, [Event("withdrawn", actor.id, stage.key, (comment or "").strip() or None, data)]


def change_content(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    new_content_hash: str,
    facts: Facts,
    *,
    metadata_changed: bool = False,
) -> Outcome:
    """The author saves a new version. Before submission or after a return this is plain editing;
    after approval it voids every review approval and sends the draft back to the first review stage.
    A change of metadata alone (公开方式, 文号…) counts: reviewers approved the draft with its metadata."""
    if actor.id != state.author:
        raise Refusal(Reason.NOT_YOUR_STAGE, "只有作者可以修改稿件；校对员请使用“修改”操作")
    if state.status is Status.IN_REVIEW:
        raise Refusal(Reason.WRONG_STATUS, "审校中的稿件须先退回才能由作者修改")
    if new_content_hash == state.content_hash and not metadata_changed:
        raise Refusal(Reason.CONTENT_UNCHANGED)
    state = replace(state, content_hash=new_content_hash, revision=state.revision + 1)
    if state.status not in (Status.APPROVED, Status.PUBLISHED):
        return Outcome(state, (Event("version_saved", actor.id, data={"content_hash": new_content_hash}),))
    state, voided = _void_reviews(definition, state)
    first_review = next(s for s in active_stages(definition, state) if s.kind is StageKind.REVIEW)
    state = replace(state, status=Status.IN_REVIEW, stage=first_review.key, claim=None)
    return Outcome(
        state,
        (
            Event("version_saved", actor.id, data={"content_hash": new_content_hash}),
            Event("approvals_voided", actor.id, first_review.key, data={"stages": voided}),
        ),
    )


def waive(
    definition: WorkflowDefinition,
    state: RunState,
    actor: Actor,
    finding: FindingRef,
    reason: str,
    facts: Facts,
    *,
    expected_revision: int | None = None,
) -> Outcome:
    """A reviewer at a stage allowed to waive the category accepts a block finding with a reason."""
    if expected_revision is not None and expected_revision != state.revision:
        raise Refusal(Reason.STALE)
    if state.status is not Status.IN_REVIEW or state.stage is None:
        raise Refusal(Reason.WRONG_STATUS, state.status.value)
    stage = definition.stage(state.stage)
    _check_may_act_on_stage(state, stage, actor, facts)
    if facts.public_channel and _matches(finding.category, UNWAIVABLE_ON_PUBLIC):
        raise Refusal(Reason.UNWAIVABLE, finding.category)
    if not _matches(finding.category, stage.may_waive):
        raise Refusal(Reason.WAIVE_NOT_ALLOWED, f"{stage.label}：{finding.category}")
    if not reason.strip():
        raise Refusal(Reason.REASON_REQUIRED)
    waiver = Waiver(finding.key, finding.category, actor.id, stage.key, reason.strip(), state.content_hash, facts.now)
    holders = state.holders if (stage.key, actor.id) in state.holders else (*state.holders, (stage.key, actor.id))
    new_state = replace(state, waivers=(*state.waivers, waiver), holders=holders, revision=state.revision + 1)
    return Outcome(
        new_state,
        (Event("waived", actor.id, stage.key, reason, {"finding": finding.key, "category": finding.category}),),
    )


def confirm_publication(state: RunState, actor: Actor, content_hash: str) -> Outcome | None:
    """A CMS confirms it published ``content_hash``; None when that is already recorded (idempotent).

    Only the approved content can be published: another hash is refused as stale."""
    if state.status is Status.PUBLISHED and state.content_hash == content_hash:
        return None
    if state.status not in (Status.APPROVED, Status.PUBLISHED):
        raise Refusal(Reason.WRONG_STATUS, state.status.value)
    if state.content_hash != content_hash:
        raise Refusal(Reason.STALE)
    new_state = replace(state, status=Status.PUBLISHED, revision=state.revision + 1)
    return Outcome(new_state, (Event("published", actor.id, data={"content_hash": content_hash}),))
