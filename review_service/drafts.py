"""Drafts through their workflow: persistence around the pure engine, one transaction per call.

Each operation loads the draft, asks ``workflows.engine`` for the outcome, then writes the new
run state guarded by the draft's revision (so of two concurrent decisions exactly one wins) and
appends one audit row per event. Functions take keyword-only arguments and never commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true, update
from sqlalchemy.orm import Session, selectinload

from checks import Channel, DocType
from checks.canonical import content_hash
from review_service import audit, check_runs, jobs, text_limit
from review_service.check_runs import RunState
from review_service.draft_facts import (
    DEFAULT_SPANNING_ROLES,
    actor_of,
    can_see,
    definition_of,
    facts_for,
    finding_key,
    latest_version,
)
from review_service.models import CheckRun, Comment, Department, Draft, DraftAttachment, DraftVersion, User, utcnow
from review_service.notifications import after_transition
from review_service.notify import NOTIFIED_EVENTS
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from review_service.tokens import SERVICE_ROLE
from review_service.workflow_state import definitions, state_from_json, state_to_json
from workflows.definition import Action, StageKind
from workflows.engine import (
    COUNTERSIGN_ROLES,
    Outcome,
    apply,
    available_actions,
    change_content,
    confirm_publication,
    start,
    waive,
)
from workflows.refusals import Reason, Refusal
from workflows.state import Actor, Event
from workflows.state import RunState as WorkflowState

__all__ = [  # the views drafts' callers read here, defined with the facts the engine is told
    "DEFAULT_SPANNING_ROLES",
    "actor_of",
    "can_see",
    "definition_of",
    "facts_for",
    "finding_key",
    "latest_version",
]
log = logging.getLogger(__name__)


class DraftNotFound(DomainError):
    """No such draft, or the caller may not see it: the two answer alike, so ids reveal nothing."""

    def __init__(self) -> None:
        super().__init__(404, "draft_not_found", "稿件不存在或无权查看", "Draft not found")


class VersionNotFound(DomainError):
    def __init__(self) -> None:
        super().__init__(404, "version_not_found", "版本不存在", "Version not found")


class FindingNotFound(DomainError):
    def __init__(self, key: str) -> None:
        super().__init__(404, "finding_not_found", "当前版本没有该问题", "No such finding in the current version")
        self.key = key


class UnknownWorkflow(DomainError):
    """No workflow by that name, or it serves another channel (the internal channel has none)."""

    def __init__(self, workflow: str | None, channel: str) -> None:
        if workflow is None:
            zh = f"“{channel}”渠道没有审核流程，稿件不能送审（内部渠道只做检查）"
        else:
            zh = "未知的审核流程或流程与发布渠道不符"
        super().__init__(422, "unknown_workflow", zh, f"Unknown workflow '{workflow or channel}'")


class CountersignError(DomainError):
    """会签 departments must be existing departments other than the author's own."""

    def __init__(self, departments: list[str]) -> None:
        super().__init__(
            422,
            "invalid_countersign",
            f"会签部门须为系统中已有的、作者以外的部门：{'、'.join(departments)}",
            "Countersign departments must exist and differ from the author's",
        )
        self.departments = departments


class CheckPending(DomainError):
    """The current version's check has not finished (or failed): no decision may rest on it yet."""

    def __init__(self, state: str) -> None:
        if state == "failed":
            super().__init__(
                409,
                "check_failed",
                "本版本自动审校失败，请点击“重新审校”后再操作",
                "The automatic check of this version failed; click Re-check (POST /api/v1/drafts/<id>/recheck)",
            )
        else:
            super().__init__(
                409,
                "check_pending",
                "本版本正在自动审校，请稍候再操作",
                "The automatic check of this version is still running; retry shortly",
            )
        self.state = state


# what a CMS account may do as the author of a draft it created (besides saving a new version)
AUTHOR_ACTIONS = frozenset({Action.SUBMIT, Action.WITHDRAW})


def check_state(draft: Draft) -> RunState:
    return check_runs.state_of(latest_version(draft))


@dataclass(frozen=True)
class Content:
    title: str
    body: str
    summary: str | None = None
    body_format: str = "text"
    metadata: dict[str, Any] | None = None
    attachments: tuple[tuple[str, str], ...] = ()  # (name, sha256) of each attachment: part of the content

    @property
    def hash(self) -> str:
        return content_hash(
            title=self.title,
            body=self.body,
            summary=self.summary,
            body_format=self.body_format,
            attachments=[{"name": name, "sha256": sha256} for name, sha256 in self.attachments],
        )


def attachment_manifest(session: Session, draft: Draft) -> tuple[tuple[str, str], ...]:
    """The draft's attachments as the canonical content lists them: (name, sha256), by name."""
    rows = session.execute(
        select(DraftAttachment.name, DraftAttachment.sha256)
        .where(DraftAttachment.draft_id == draft.id)
        .order_by(DraftAttachment.name)
    )
    return tuple((name, sha256) for name, sha256 in rows)


def content_of(version: DraftVersion) -> Content:
    return Content(version.title, version.body, version.summary, version.body_format, dict(version.meta or {}))


class AuthorRefused(DomainError):
    """``on_behalf_of`` is missing, not allowed for this caller, or names no possible author."""

    def __init__(self, code: str, message_zh: str, message_en: str, status: int) -> None:
        super().__init__(status, code, message_zh, message_en)


def author_for(session: Session, *, caller: User, on_behalf_of: str | None) -> User:
    """Who a new draft is by: the caller, or for a CMS service account the named person.

    A CMS must name the person (``author_required`` otherwise): a service account is nobody's
    author, and a draft authored by one would let a CMS editor who is also a reviewer approve their
    own page. The person is any active account that is not a service account. Drafts created
    before this rule keep their (service account) author. People never name someone else.
    """
    if caller.role != SERVICE_ROLE:
        if on_behalf_of is not None and on_behalf_of != caller.username:
            raise AuthorRefused(
                "not_a_service_account",
                "只有 CMS 服务账号可以代他人创建稿件",
                "Only a CMS service account may create drafts on behalf of someone",
                403,
            )
        return caller
    if on_behalf_of is None:
        raise AuthorRefused(
            "author_required",
            "CMS 服务账号创建稿件须用 on_behalf_of 指明撰稿人（系统中的个人账号）",
            "A CMS service account must name the draft's author in on_behalf_of (a person's username)",
            422,
        )
    author = session.scalar(select(User).where(User.username == on_behalf_of))
    if author is None or not author.is_active or author.role == SERVICE_ROLE:
        raise AuthorRefused(
            "invalid_author",
            "on_behalf_of 须为系统中有效的个人账号（不能是服务账号）",
            "on_behalf_of must name an active person's account (not a service account)",
            422,
        )
    return author


def proxied_author(draft: Draft, user: User) -> User | None:
    """The author a CMS account stands in for on a draft it created (update, submit), else None."""
    if user.role == SERVICE_ROLE and draft.created_by_id == user.id and draft.author_id != user.id:
        return draft.author
    return None


def visible_to(user: User, spanning_roles: frozenset[str] = DEFAULT_SPANNING_ROLES) -> ColumnElement[bool]:
    """``can_see`` in SQL, so lists and counts page over visible drafts only."""
    if user.role == SERVICE_ROLE:
        return Draft.created_by_id == user.id
    if user.role in spanning_roles or user.spans_departments:
        return true()
    return or_(Draft.author_id == user.id, Draft.department_id.is_(None), Draft.department_id == user.department_id)


def _check_version(ctx: ServiceContext, version: DraftVersion) -> CheckRun:
    """Start the version's check once this unit of work commits (``jobs.dispatch``): in a worker when
    a broker is set, else in this process right after the commit. Never inside the transaction:
    SQLite has one writer, and a long check must not stall everyone else's requests."""
    run = check_runs.open_run(ctx.session, version)
    jobs.dispatch(ctx, jobs.CHECK_VERSION, version.id)
    return run


def settle(ctx: ServiceContext) -> None:
    """Commit the unit of work now, so the checks it started run (embedded mode) before the answer
    is built; objects reload on their next access and show the finished check."""
    ctx.session.commit()
    ctx.session.expire_all()


def _new_version(ctx: ServiceContext, *, draft: Draft, user: User, content: Content) -> DraftVersion:
    session = ctx.session
    text_limit.enforce(content.body, ctx.settings.max_text_chars)
    number = (draft.versions[-1].number + 1) if draft.versions else 1
    version = DraftVersion(
        draft_id=draft.id,
        number=number,
        title=content.title,
        summary=content.summary,
        body=content.body,
        body_format=content.body_format,
        meta=content.metadata or {},
        content_hash=content.hash,
        author_id=user.id,
    )
    session.add(version)
    session.flush()
    draft.versions.append(version)
    _check_version(ctx, version)
    session.refresh(version)
    return version


def _audit_events(
    ctx: ServiceContext,
    draft: Draft,
    events: tuple[Event, ...] | list[Event],
    version: int,
    via: int | None = None,
) -> None:
    """One audit row per event, and a webhook event after commit for those the organisation is told of;
    ``via`` names the CMS account that acted for the author."""
    for event in events:
        if event.kind in NOTIFIED_EVENTS:
            ctx.outbox.notifications.append(
                {
                    "event": event.kind,
                    "draft_id": draft.id,
                    "version": version,
                    "stage": event.stage,
                    "actor": event.actor,
                }
            )
        audit.append(
            ctx.session,
            kind=event.kind,
            actor_id=event.actor,
            draft_id=draft.id,
            data={
                "stage": event.stage,
                "comment": event.comment,
                "version": version,
                **event.data,
                **({"via": via} if via is not None else {}),
            },
        )


def _store(session: Session, draft: Draft, old_revision: int, state: WorkflowState) -> None:
    """Write the new run state only if nobody else changed the draft since we read it."""
    result = session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.revision == old_revision)
        .values(
            run_state=state_to_json(state),
            revision=state.revision,
            status=state.status.value,
            stage=state.stage,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refusal(Reason.STALE)
    session.refresh(draft)


def create_draft(
    ctx: ServiceContext,
    *,
    user: User,
    content: Content,
    channel: Channel,
    doc_type: DocType,
    workflow: str | None = None,
    due_date: dt.date | None = None,
    priority: int = 0,
    countersign: tuple[str, ...] = (),
    author: User | None = None,
) -> Draft:
    """``user`` creates it; ``author`` (default: the user) wrote it and is bound by separation of duties."""
    session = ctx.session
    author = author or user
    text_limit.enforce(content.body, ctx.settings.max_text_chars)
    definition = definitions().get(workflow or channel.value)
    if definition is None or definition.channel != channel.value:
        raise UnknownWorkflow(workflow, channel.value)
    own = author.department.name if author.department else None
    known = set(session.scalars(select(Department.name)))
    bad = [d for d in countersign if d not in known or d == own]
    if bad:
        raise CountersignError(bad)
    state = start(definition, author=author.id, content_hash=content.hash, countersign=countersign)
    draft = Draft(
        channel=channel.value,
        workflow=definition.name,
        doc_type=doc_type.value,
        author_id=author.id,
        created_by_id=user.id,
        department_id=author.department_id,
        status=state.status.value,
        stage=None,
        run_state=state_to_json(state),
        revision=0,
        due_date=due_date,
        priority=priority,
    )
    session.add(draft)
    session.flush()
    version = _new_version(ctx, draft=draft, user=author, content=content)
    data: dict[str, Any] = {"content_hash": version.content_hash}
    if author.id != user.id:
        data["author"] = author.id  # created by a CMS account on the author's behalf
    audit.append(session, kind="draft_created", actor_id=user.id, draft_id=draft.id, data=data)
    return draft


def _metadata_changed(draft: Draft, content: Content) -> bool:
    return (content.metadata or {}) != (latest_version(draft).meta or {})


def save_version(
    ctx: ServiceContext, *, draft: Draft, user: User, content: Content, expected_revision: int | None
) -> Draft:
    """The author saves a new version (before submission, after a return, or after approval)."""
    session = ctx.session
    state = state_from_json(draft.run_state)
    if expected_revision is not None and expected_revision != draft.revision:
        raise Refusal(Reason.STALE)
    content = replace(content, attachments=attachment_manifest(session, draft))
    stand_in = proxied_author(draft, user)  # a CMS account saves for the author of a draft it created
    outcome = change_content(
        definition_of(draft),
        state,
        actor_of(stand_in or user),
        content.hash,
        facts_for(draft),
        metadata_changed=_metadata_changed(draft, content),
    )
    old_revision = draft.revision
    before = (draft.status, draft.stage)
    version = _new_version(ctx, draft=draft, user=stand_in or user, content=content)
    _store(session, draft, old_revision, outcome.state)
    _audit_events(ctx, draft, outcome.events, version.number, via=user.id if stand_in else None)
    after_transition(ctx, draft=draft, before=before, events=outcome.events)
    return draft


def act(
    ctx: ServiceContext,
    *,
    draft: Draft,
    user: User,
    action: Action,
    comment: str | None = None,
    expected_revision: int | None = None,
    content: Content | None = None,
    actor: Actor | None = None,
) -> Outcome:
    """Apply one workflow action; a proofreader's ``edit`` carries the new content."""
    session = ctx.session
    state = state_from_json(draft.run_state)
    new_hash = content.hash if content is not None else None
    stand_in = proxied_author(draft, user) if action in AUTHOR_ACTIONS and actor is None else None
    try:
        outcome = apply(
            definition_of(draft),
            state,
            actor or actor_of(stand_in or user),
            action,
            facts_for(draft),
            comment=comment,
            new_content_hash=new_hash,
            expected_revision=expected_revision,
            metadata_changed=content is not None and _metadata_changed(draft, content),
        )
    except Refusal as refusal:
        if refusal.reason in (Reason.CHECK_PENDING, Reason.CHECK_FAILED):  # the engine's gate on the check
            raise CheckPending(check_state(draft)) from refusal
        raise
    old_revision = draft.revision
    before = (draft.status, draft.stage)
    version_number = latest_version(draft).number
    if action is Action.EDIT and content is not None:
        version_number = _new_version(ctx, draft=draft, user=user, content=content).number
    _store(session, draft, old_revision, outcome.state)
    if comment and action is not Action.CLAIM:
        session.add(Comment(draft_id=draft.id, version_number=version_number, author_id=user.id, body=comment))
    _audit_events(ctx, draft, outcome.events, version_number, via=user.id if stand_in else None)
    after_transition(ctx, draft=draft, before=before, events=outcome.events)
    return outcome


def confirm_published(ctx: ServiceContext, *, draft: Draft, user: User, content_hash: str) -> bool:
    """A CMS published this exact content: the draft becomes 已发布. False when already recorded."""
    outcome = confirm_publication(state_from_json(draft.run_state), actor_of(user), content_hash)
    if outcome is None:
        return False
    old_revision = draft.revision
    before = (draft.status, draft.stage)
    _store(ctx.session, draft, old_revision, outcome.state)
    draft.published_at = utcnow()
    _audit_events(ctx, draft, outcome.events, latest_version(draft).number)
    after_transition(ctx, draft=draft, before=before, events=outcome.events)
    return True


class RecheckRefused(DomainError):
    """A re-check was asked for where there is nothing to re-run, or by someone who may not."""

    def __init__(self, code: str, message_zh: str, message_en: str, status: int) -> None:
        super().__init__(status, code, message_zh, message_en)


def recheck_version(ctx: ServiceContext, *, draft: Draft, user: User) -> CheckRun:
    """Re-run the current version's failed check (the 重新审校 button); audited.

    The author, or anyone who may act on the draft's current stage, may ask. The failed run goes
    back to ``checking`` with a fresh attempt count: with a broker it is sent after commit, else
    it runs here. Raises ``RecheckRefused`` when the check has not failed or the user may not.
    """
    session = ctx.session
    version = latest_version(draft)
    run = version.check_run
    if run is None or run.state != RunState.FAILED:
        raise RecheckRefused(
            "check_not_failed",
            "本版本的自动审校没有失败，无需重新审校",
            "The check of this version has not failed",
            409,
        )
    may_act = available_actions(
        definition_of(draft),
        state_from_json(draft.run_state),
        actor_of(user),
        facts_for(draft, whatever_the_check=True),
    )
    if draft.author_id != user.id and proxied_author(draft, user) is None and not may_act:
        raise RecheckRefused(
            "forbidden",
            "只有作者或当前环节的处理人可以重新审校",
            "Only the author or the current stage may re-run it",
            403,
        )
    previous_error = check_runs.rerun(session, run)
    audit.append(
        session,
        kind="check_rerun",
        actor_id=user.id,
        draft_id=draft.id,
        data={"version": version.number, "previous_error": (previous_error or "")[:500]},
    )
    jobs.dispatch(ctx, jobs.CHECK_VERSION, version.id)  # failing again marks it failed: the button stays
    session.flush()
    session.refresh(run)
    return run


def waive_finding(
    ctx: ServiceContext, *, draft: Draft, user: User, key: str, reason: str, expected_revision: int | None
) -> Outcome:
    facts = facts_for(draft)
    finding = next((f for f in facts.findings if f.key == key), None)
    if finding is None:
        raise FindingNotFound(key)
    outcome = waive(
        definition_of(draft),
        state_from_json(draft.run_state),
        actor_of(user),
        finding,
        reason,
        facts,
        expected_revision=expected_revision,
    )
    old_revision = draft.revision
    _store(ctx.session, draft, old_revision, outcome.state)
    _audit_events(ctx, draft, outcome.events, latest_version(draft).number)
    return outcome


def add_comment(session: Session, *, draft: Draft, user: User, body: str) -> Comment:
    comment = Comment(draft_id=draft.id, version_number=latest_version(draft).number, author_id=user.id, body=body)
    session.add(comment)
    session.flush()
    audit.append(session, kind="commented", actor_id=user.id, draft_id=draft.id, data={"comment_id": comment.id})
    return comment


def actions_for(draft: Draft, user: User) -> tuple[Action, ...]:
    """What the user may do now; the engine holds decisions until the current version's check is done.

    A CMS account standing in for the author of a draft it created may do the author's actions."""
    stand_in = proxied_author(draft, user)
    actions = available_actions(
        definition_of(draft), state_from_json(draft.run_state), actor_of(stand_in or user), facts_for(draft)
    )
    if stand_in is not None:
        actions = tuple(a for a in actions if a in AUTHOR_ACTIONS)
    return actions


def stages_of_role(user: User) -> ColumnElement[bool]:
    """SQL: drafts in review at a stage this user's role could hold (the workflow rules decide the rest).

    Exact as a first cut: a review or proofreading stage needs its role, 会签 one of COUNTERSIGN_ROLES."""
    clauses = []
    for name, definition in definitions().items():
        keys = [
            s.key
            for s in definition.stages
            if (s.role == user.role) or (s.kind is StageKind.COUNTERSIGN and user.role in COUNTERSIGN_ROLES)
        ]
        if keys:
            clauses.append(and_(Draft.workflow == name, Draft.stage.in_(keys)))
    return and_(Draft.status == "in_review", or_(*clauses) if clauses else false())


def with_versions(query: Select[tuple[Draft]]) -> Select[tuple[Draft]]:
    """Load versions, their check runs and authors together: a list page makes no query per row."""
    return query.options(
        selectinload(Draft.versions).selectinload(DraftVersion.check_run),
        selectinload(Draft.author).selectinload(User.department),
    )


def queue_for(session: Session, *, user: User, spanning_roles: frozenset[str] = DEFAULT_SPANNING_ROLES) -> list[Draft]:
    """Drafts in review whose current stage this user may act on now."""
    candidates = session.scalars(
        with_versions(select(Draft).where(stages_of_role(user)).order_by(Draft.priority.desc(), Draft.id))
    )
    return [
        d
        for d in candidates
        if can_see(user, d, spanning_roles)
        and set(actions_for(d, user)) & {Action.PASS, Action.EDIT, Action.APPROVE, Action.RETURN}
    ]
