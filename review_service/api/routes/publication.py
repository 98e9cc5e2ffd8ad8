"""POST /drafts/{id}/published: a CMS confirms it published the approved content (→ 已发布)."""

from __future__ import annotations

from fastapi import APIRouter

from review_service.api.deps import ContextDep, PublishToken
from review_service.api.routes.drafts import ERRORS_409, DraftId, draft_out
from review_service.api.routes.gate import key_store
from review_service.schemas import DraftOut, PublishedRequest
from review_service.services import publication

router = APIRouter(tags=["publish"])


@router.post(
    "/drafts/{draft_id}/published",
    response_model=DraftOut,
    responses=ERRORS_409,
    summary="确认已发布（CMS 凭闸门回执）",
)
def confirm_published(draft_id: DraftId, body: PublishedRequest, ctx: ContextDep, token: PublishToken) -> DraftOut:
    """The same receipt again answers 200 (idempotent); the draft's status becomes ``published``."""
    draft = publication.confirm_published(
        ctx, draft_id=draft_id, user=token.user, receipt=body.receipt, keys=key_store(ctx.settings)
    )
    return draft_out(ctx, draft, token.user)
