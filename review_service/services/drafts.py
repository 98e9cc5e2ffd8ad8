"""Drafts behind both front doors: the draft a caller may see, the lists and queues, and every action.

The JSON API and the web pages call these and only translate: visibility, the rules and their
refusals (``DomainError``s, the workflow engine's included) are decided here once. The persistence
around the pure workflow engine stays in ``review_service.drafts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from checks import Channel, DocType
from checks.html_safety import html_refusal
from review_service import drafts as domain
from review_service import work_queue
from review_service.models import AuditEntry, Comment, Draft, DraftVersion, User
from review_service.returns import LastReturn, last_return
from review_service.services import draft_views
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError, workflow_refusals
from review_service.stage_times import ENTERS_STAGE
from workflows.definition import Action
from workflows.engine import Outcome

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns: anything else is simply not found


# --- loading and listing ----------------------------------------------------------------------------


def load(ctx: ServiceContext, user: User, draft_id: int | None, *, lock: bool = False) -> Draft:
    """The draft, if this user may see it; ``lock`` takes the row lock (PostgreSQL) for a change:
    a second concurrent writer waits, then sees the new revision."""
    if draft_id is None or not 1 <= draft_id <= MAX_ID:
        raise domain.DraftNotFound()
    draft = ctx.session.get(Draft, draft_id, with_for_update=lock or None, populate_existing=lock)
    if draft is None or not domain.can_see(user, draft, ctx.spanning_roles):
        raise domain.DraftNotFound()
    return draft


def version_of(draft: Draft, number: int) -> DraftVersion:
    version = next((v for v in draft.versions if v.number == number), None)
    if version is None:
        raise domain.VersionNotFound()
    return version


def visible_drafts(
    ctx: ServiceContext,
    user: User,
    *,
    status: str | None = None,
    authored: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> list[Draft]:
    """Newest first, the visible ones only (visibility in SQL, so paging counts what the user sees)."""
    query = select(Draft).where(domain.visible_to(user, ctx.spanning_roles)).order_by(Draft.id.desc())
    if status:
        query = query.where(Draft.status == status)
    if authored:
        query = query.where(Draft.author_id == user.id)
    return list(ctx.session.scalars(domain.with_versions(query.offset(offset).limit(limit))))


def queue(ctx: ServiceContext, user: User) -> list[Draft]:
    """Drafts in review whose current stage this user may act on now."""
    return domain.queue_for(ctx.session, user=user, spanning_roles=ctx.spanning_roles)


def by_ids(ctx: ServiceContext, ids: list[int]) -> list[Draft]:
    """Whole drafts (versions, check runs, authors in one go) for one page of ids, in that order."""
    if not ids:
        return []
    query = domain.with_versions(select(Draft).where(Draft.id.in_(ids)))
    loaded = {d.id: d for d in ctx.session.scalars(query)}
    return [loaded[i] for i in ids if i in loaded]


def returned_to(ctx: ServiceContext, user: User, limit: int) -> list[Draft]:
    """The user's own drafts returned to them for changes, oldest first."""
    query = select(Draft).where(Draft.author_id == user.id, Draft.status == "returned").order_by(Draft.id)
    return list(ctx.session.scalars(domain.with_versions(query.limit(limit))))


def returned_count(ctx: ServiceContext, user: User) -> int:
    return work_queue.returned_count(ctx.session, user=user)


def history(ctx: ServiceContext, draft: Draft) -> list[AuditEntry]:
    """The draft's ledger rows, oldest first (流转记录)."""
    query = select(AuditEntry).where(AuditEntry.draft_id == draft.id).order_by(AuditEntry.id)
    return list(ctx.session.scalars(query))


def comments(ctx: ServiceContext, draft: Draft) -> list[Comment]:
    return list(ctx.session.scalars(select(Comment).where(Comment.draft_id == draft.id).order_by(Comment.id)))


def display_names(ctx: ServiceContext, user_ids: Iterable[int | None]) -> dict[int, str]:
    """How people are shown on pages (display name, else username), for the ids given."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    rows = ctx.session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(wanted)))
    return {user_id: display or username for user_id, display, username in rows}


def waiting_since(ctx: ServiceContext, drafts: list[Draft]) -> dict[int, dt.datetime]:
    """Since when each draft waits: it reached its current stage, or came back to its author (one query)."""
    if not drafts:
        return {}
    rows = ctx.session.execute(
        select(AuditEntry.draft_id, AuditEntry.kind, func.max(AuditEntry.at))
        .where(AuditEntry.draft_id.in_([d.id for d in drafts]), AuditEntry.kind.in_((*ENTERS_STAGE, "returned")))
        .group_by(AuditEntry.draft_id, AuditEntry.kind)
    ).all()
    status = {d.id: d.status for d in drafts}
    out: dict[int, dt.datetime] = {}
    for draft_id, kind, at in rows:
        relevant = kind == "returned" if status[draft_id] == "returned" else kind in ENTERS_STAGE
        if relevant and (draft_id not in out or at > out[draft_id]):
            out[draft_id] = at
    return {d.id: out.get(d.id) or d.updated_at for d in drafts}


# --- what the rules say about a draft, for the pages -------------------------------------------------


def editing_mode(draft: Draft | None, user: User) -> str:
    """new: a fresh draft; proofread: a proofreader's edit at their stage; author: a new version."""
    if draft is None:
        return "new"
    if Action.EDIT in domain.actions_for(draft, user):
        return "proofread"
    return "author"


def require_editor(draft: Draft, user: User) -> None:
    """Only the author, or the proofreader at their stage, opens a draft for changes."""
    if editing_mode(draft, user) == "author" and draft.author_id != user.id:
        raise DomainError(
            403,
            "not_editor",
            "只有作者或当前环节的校对人员可以修改稿件",
            "Only the author or the proofreader at the current stage may change the draft",
        )


def unchanged_since_return(ctx: ServiceContext, draft: Draft) -> bool:
    """The author is about to resubmit exactly what was returned."""
    return draft_views.returned_unchanged(draft, last_return(ctx.session, draft))


def return_of(ctx: ServiceContext, draft: Draft) -> LastReturn | None:
    """The draft's most recent return (what the author must see first), None if never returned."""
    return last_return(ctx.session, draft)


# --- actions ----------------------------------------------------------------------------------------


def content(
    *, title: str, body: str, summary: str | None, body_format: str, metadata: dict[str, Any] | None
) -> domain.Content:
    """A version's content as a caller sent it: an empty body and unsafe HTML are refused here."""
    if not body.strip():
        raise DomainError(422, "empty_text", "正文为空", "The body is empty")
    refused = html_refusal(body) if body_format == "html" else None
    if refused:
        raise DomainError(422, refused.code, refused.message_zh, refused.message_en, {"offset": refused.offset})
    return domain.Content(title, body, summary, body_format, metadata or {})


def create(
    ctx: ServiceContext,
    *,
    user: User,
    content: domain.Content,
    channel: Channel,
    doc_type: DocType,
    workflow: str | None = None,
    due_date: dt.date | None = None,
    priority: int = 0,
    countersign: tuple[str, ...] = (),
    on_behalf_of: str | None = None,
) -> Draft:
    """A new draft by the user, or for a CMS service account by the person it names."""
    author = domain.author_for(ctx.session, caller=user, on_behalf_of=on_behalf_of)
    return domain.create_draft(
        ctx,
        user=user,
        author=author,
        content=content,
        channel=channel,
        doc_type=doc_type,
        workflow=workflow,
        due_date=due_date,
        priority=priority,
        countersign=countersign,
    )


def save_version(
    ctx: ServiceContext, *, draft: Draft, user: User, content: domain.Content, expected_revision: int | None
) -> Draft:
    with workflow_refusals():
        return domain.save_version(ctx, draft=draft, user=user, content=content, expected_revision=expected_revision)


def act(
    ctx: ServiceContext,
    *,
    draft: Draft,
    user: User,
    action: Action,
    comment: str | None = None,
    expected_revision: int | None = None,
    content: domain.Content | None = None,
) -> Outcome:
    """One workflow action; a decision waits for the version's check (``CheckPending``)."""
    if action is Action.EDIT and content is None:
        raise DomainError(422, "content_required", "修改操作须提供修改后的内容", "An edit needs the new content")
    with workflow_refusals():
        return domain.act(
            ctx,
            draft=draft,
            user=user,
            action=action,
            comment=comment,
            expected_revision=expected_revision,
            content=content,
        )


def waive_finding(
    ctx: ServiceContext, *, draft: Draft, user: User, key: str, reason: str, expected_revision: int | None
) -> Outcome:
    with workflow_refusals():
        return domain.waive_finding(
            ctx, draft=draft, user=user, key=key, reason=reason, expected_revision=expected_revision
        )


def comment(ctx: ServiceContext, *, draft: Draft, user: User, body: str) -> Comment:
    return domain.add_comment(ctx.session, draft=draft, user=user, body=body)


def recheck(ctx: ServiceContext, *, draft: Draft, user: User) -> None:
    domain.recheck_version(ctx, draft=draft, user=user)


def settle(ctx: ServiceContext) -> None:
    """Commit now, so the checks this unit of work started run (embedded mode) before the answer."""
    domain.settle(ctx)
