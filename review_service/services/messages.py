"""消息: a person's own notifications (list, mark read) and whether they also come by mail."""

from __future__ import annotations

from review_service import notifications
from review_service.models import Notification, User
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError

KIND_LABELS = notifications.KIND_LABELS


def inbox(
    ctx: ServiceContext, *, user: User, unread: bool | None = None, limit: int = 50, offset: int = 0
) -> list[Notification]:
    """Newest first; ``unread`` True or False keeps only unread or read ones."""
    return notifications.list_for(ctx.session, user=user, unread=unread, limit=limit, offset=offset)


def unread_count(ctx: ServiceContext, *, user: User) -> int:
    return notifications.unread_count(ctx.session, user)


def mark_read(ctx: ServiceContext, *, user: User, note_id: int) -> Notification:
    """One of the person's own notifications, now read; someone else's is ``404`` like a missing one."""
    try:
        return notifications.mark_read(ctx.session, user=user, note_id=note_id)
    except LookupError as exc:
        raise DomainError(404, "notification_not_found", "消息不存在", "Notification not found") from exc


def mark_all_read(ctx: ServiceContext, *, user: User) -> int:
    return notifications.mark_all_read(ctx.session, user=user)


def set_mail(ctx: ServiceContext, *, user: User, wanted: bool) -> None:
    """Turn notification mail on or off for oneself; the messages page shows them either way."""
    user.email_notifications = wanted
