"""消息: tell people when a draft waits for them, came back, was approved or published, or is due.

Messages are rows written in the same unit of work as the transition that caused them (so a
rolled-back decision tells nobody); mail for them goes into the unit of work's outbox and is sent
after commit (review_service.mailer). Reminders (``due_soon``,
``overdue``) come from ``sweep_due``, once per draft, due date and person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service import draft_facts as service
from review_service.clock import BEIJING
from review_service.config import Settings
from review_service.mailer import Mail
from review_service.models import Draft, Notification, User, utcnow
from review_service.services.context import ServiceContext
from review_service.workflow_state import state_from_json
from workflows.definition import Action, StageKind
from workflows.engine import COUNTERSIGN_ROLES, available_actions

LOCAL = BEIJING
KINDS = (
    "stage_waiting",
    "returned",
    "countersign_requested",
    "due_soon",
    "overdue",
    "approved",
    "published",
    "withdrawn",
)
KIND_LABELS = {
    "stage_waiting": "待您处理",
    "returned": "稿件被退回",
    "countersign_requested": "请求会签",
    "due_soon": "即将到期",
    "overdue": "已超期",
    "approved": "终审通过",
    "published": "已发布",
    "withdrawn": "稿件已撤回",
}
OPEN_STATUSES = ("draft", "in_review", "returned")
STAGE_WORK = frozenset((Action.PASS, Action.EDIT, Action.APPROVE, Action.RETURN, Action.CLAIM))


def _link(settings: Settings | None, draft_id: int | None) -> str:
    if draft_id is None:
        return ""
    base = (settings.public_url or "").rstrip("/") if settings else ""
    return f"{base}/drafts/{draft_id}"


def notify(
    ctx: ServiceContext,
    *,
    user: User,
    kind: str,
    draft: Draft | None,
    title: str,
    message: str,
    dedupe: str | None = None,
    now: dt.datetime | None = None,
) -> Notification | None:
    """Write one message (None when ``dedupe`` says it exists) and queue its mail if the person wants it."""
    session = ctx.session
    if kind not in KINDS:
        raise ValueError(kind)
    if dedupe is not None and session.scalar(select(Notification.id).where(Notification.dedupe == dedupe)):
        return None
    note = Notification(
        user_id=user.id,
        kind=kind,
        draft_id=draft.id if draft else None,
        title=title[:500],
        message=message[:2000],
        created_at=now or utcnow(),
        dedupe=dedupe,
    )
    session.add(note)
    session.flush()
    if user.email and user.email_notifications and user.is_active:
        link = _link(ctx.settings, note.draft_id)
        body = f"{message}\n\n稿件：{title}\n" + (f"查看：{link}\n" if link else "")
        body += "\n——发布前审校服务（可在“消息”页面关闭邮件提醒）"
        ctx.outbox.mail.append(Mail(user.email, f"【{KIND_LABELS[kind]}】{title}"[:200], body))
    return note


def stage_actors(ctx: ServiceContext, draft: Draft) -> list[User]:
    """Everyone who may act on the draft's current stage now (the workflow's own rules decide)."""
    if draft.status != "in_review" or not draft.stage:
        return []
    definition = service.definition_of(draft)
    stage = definition.stage(draft.stage)
    state = state_from_json(draft.run_state)
    facts = service.facts_for(draft, whatever_the_check=True)  # they will act once the check is done
    query = select(User).where(User.is_active.is_(True), User.id != draft.author_id)
    if stage.kind is StageKind.COUNTERSIGN:
        query = query.where(User.role.in_(sorted(COUNTERSIGN_ROLES)))
    else:
        query = query.where(User.role == stage.role)
    out = []
    for user in ctx.session.scalars(query.order_by(User.id)):
        if not service.can_see(user, draft, ctx.spanning_roles):
            continue
        if set(available_actions(definition, state, service.actor_of(user), facts)) & STAGE_WORK:
            out.append(user)
    return out


def _stage_label(draft: Draft, stage: str | None) -> str:
    if not stage:
        return ""
    try:
        return service.definition_of(draft).stage(stage).label
    except KeyError:
        return stage


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return (user.display_name or user.username) if user else "会签单位"


def after_transition(
    ctx: ServiceContext, *, draft: Draft, before: tuple[str, str | None], events: Iterable[Any]
) -> list[Notification]:
    """Messages for one committed-together transition: ``before`` is (status, stage) before it."""
    session = ctx.session
    title = service.latest_version(draft).title
    out: list[Notification | None] = []
    author = draft.author
    for event in events:
        if event.kind == "returned":
            label = _stage_label(draft, event.stage)
            reason = (event.comment or "").strip()
            out.append(
                notify(
                    ctx,
                    user=author,
                    kind="returned",
                    draft=draft,
                    title=title,
                    message=f"{_name(session, event.actor)}在{label}退回了稿件，退回意见：{reason}",
                )
            )
        elif event.kind == "workflow_approved":
            out.append(
                notify(
                    ctx,
                    user=author,
                    kind="approved",
                    draft=draft,
                    title=title,
                    message="稿件已终审通过，可以发布。",
                )
            )
        elif event.kind == "withdrawn" and event.data.get("claimed_by"):
            claimer = session.get(User, event.data["claimed_by"])
            if claimer is not None:
                label = _stage_label(draft, event.stage)
                out.append(
                    notify(
                        ctx,
                        user=claimer,
                        kind="withdrawn",
                        draft=draft,
                        title=title,
                        message=f"您在{label}认领审核的稿件已由作者撤回，无需继续处理。",
                    )
                )
        elif event.kind == "published":
            out.append(
                notify(ctx, user=author, kind="published", draft=draft, title=title, message="稿件已由网站发布。")
            )
    moved = (draft.status, draft.stage) != before and draft.status == "in_review"
    if moved:
        stage = service.definition_of(draft).stage(draft.stage)
        countersign = stage.kind is StageKind.COUNTERSIGN
        kind = "countersign_requested" if countersign else "stage_waiting"
        text = (
            f"稿件进入{stage.label}环节，请本部门审核人员会签。"
            if countersign
            else f"稿件已进入{stage.label}环节，等待您处理。"
        )
        for user in stage_actors(ctx, draft):
            out.append(notify(ctx, user=user, kind=kind, draft=draft, title=title, message=text))
    return [n for n in out if n is not None]


def as_dict(note: Notification) -> dict[str, Any]:
    created = note.created_at
    return {
        "id": note.id,
        "kind": note.kind,
        "draft_id": note.draft_id,
        "title": note.title,
        "message": note.message,
        "created_at": created.isoformat(),
        "read": note.read_at is not None,
    }


def unread_count(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def list_for(
    session: Session, *, user: User, unread: bool | None = None, limit: int = 50, offset: int = 0
) -> list[Notification]:
    """Newest first; ``unread`` True: only unread, False: only read, None: all."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    return list(session.scalars(query.order_by(Notification.id.desc()).limit(limit).offset(offset)))


def mark_read(session: Session, *, user: User, note_id: int) -> Notification:
    """Raises LookupError for a message that is not this person's (indistinguishable from none)."""
    note = session.get(Notification, note_id)
    if note is None or note.user_id != user.id:
        raise LookupError(note_id)
    if note.read_at is None:
        note.read_at = utcnow()
        session.flush()
    return note


def mark_all_read(session: Session, *, user: User) -> int:
    notes = session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).all()
    now = utcnow()
    for note in notes:
        note.read_at = now
    session.flush()
    return len(notes)


def due_end(due: dt.date) -> dt.datetime:
    """A due date is a Beijing calendar day: it ends at the following midnight, Beijing time."""
    return dt.datetime.combine(due + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL)


@dataclass(frozen=True)
class DueSweep:
    due_soon: int
    overdue: int


def sweep_due(ctx: ServiceContext, *, hours: int, now: dt.datetime | None = None) -> DueSweep:
    """Remind whoever holds each open draft (its stage's people, or the author) once per due date."""
    session = ctx.session
    now = now or utcnow()
    counts = {"due_soon": 0, "overdue": 0}
    drafts = session.scalars(
        select(Draft).where(Draft.due_date.is_not(None), Draft.status.in_(OPEN_STATUSES)).order_by(Draft.id)
    )
    for draft in drafts:
        assert draft.due_date is not None
        end = due_end(draft.due_date)
        if now >= end:
            kind, text = "overdue", f"稿件已超过办结期限（{draft.due_date}），请尽快处理。"
        elif now >= end - dt.timedelta(hours=hours):
            kind, text = "due_soon", f"稿件将于 {draft.due_date} 到期，请及时处理。"
        else:
            continue
        people = stage_actors(ctx, draft) if draft.status == "in_review" else [draft.author]
        title = service.latest_version(draft).title
        for user in people:
            note = notify(
                ctx,
                user=user,
                kind=kind,
                draft=draft,
                title=title,
                message=text,
                dedupe=f"{kind}:{draft.id}:{draft.due_date}:{user.id}",
                now=now,
            )
            counts[kind] += note is not None
    return DueSweep(counts["due_soon"], counts["overdue"])
