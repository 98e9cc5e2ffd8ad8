"""消息 for the caller: GET /notifications (newest first, with the unread count), POST …/{id}/read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from review_service import notifications
from review_service.api.deps import ContextDep, DraftsToken
from review_service.api.routes.drafts import ERRORS_409, MAX_ID
from review_service.schemas import NotificationList, NotificationOut
from review_service.services import messages

router = APIRouter(tags=["notifications"])


@router.get("/notifications", response_model=NotificationList, summary="我的消息")
def list_notifications(
    ctx: ContextDep,
    token: DraftsToken,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read only")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> NotificationList:
    notes = messages.inbox(ctx, user=token.user, unread=unread, limit=limit, offset=offset)
    return NotificationList(
        items=[NotificationOut(**notifications.as_dict(n)) for n in notes],
        unread=messages.unread_count(ctx, user=token.user),
    )


@router.post(
    "/notifications/{note_id}/read", response_model=NotificationOut, responses=ERRORS_409, summary="标记消息为已读"
)
def read_notification(
    note_id: Annotated[int, Path(ge=1, le=MAX_ID)], ctx: ContextDep, token: DraftsToken
) -> NotificationOut:
    return NotificationOut(**notifications.as_dict(messages.mark_read(ctx, user=token.user, note_id=note_id)))
