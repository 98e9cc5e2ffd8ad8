"""消息 for the caller: GET /notifications (newest first, with the unread count), POST …/{id}/read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from review_service import notifications as service
from review_service.api.deps import DraftsToken, SessionDep
from review_service.api.routes.drafts import ERRORS_409, MAX_ID
from review_service.schemas import NotificationList, NotificationOut
from review_service.services.errors import DomainError

router = APIRouter(tags=["notifications"])


@router.get("/notifications", response_model=NotificationList, summary="我的消息")
def list_notifications(
    session: SessionDep,
    token: DraftsToken,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read only")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> NotificationList:
    notes = service.list_for(session, user=token.user, unread=unread, limit=limit, offset=offset)
    return NotificationList(
        items=[NotificationOut(**service.as_dict(n)) for n in notes],
        unread=service.unread_count(session, token.user),
    )


@router.post(
    "/notifications/{note_id}/read", response_model=NotificationOut, responses=ERRORS_409, summary="标记消息为已读"
)
def read_notification(
    note_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, token: DraftsToken
) -> NotificationOut:
    try:
        note = service.mark_read(session, user=token.user, note_id=note_id)
    except LookupError as exc:
        raise DomainError(404, "notification_not_found", "消息不存在", "Notification not found") from exc
    return NotificationOut(**service.as_dict(note))
