"""POST /tokens/ephemeral: a CMS back end mints a short-lived, check-only token for a browser."""

from __future__ import annotations

from fastapi import APIRouter

from review_service.api.deps import ContextDep, PublishToken
from review_service.api.routes.check import ERRORS
from review_service.schemas import EphemeralTokenOut, EphemeralTokenRequest
from review_service.services import api_tokens

router = APIRouter(tags=["tokens"])


@router.post(
    "/tokens/ephemeral",
    response_model=EphemeralTokenOut,
    status_code=201,
    responses=ERRORS,
    summary="为编辑器插件签发短期令牌（仅 check 权限）",
)
def mint_ephemeral(body: EphemeralTokenRequest, ctx: ContextDep, token: PublishToken) -> EphemeralTokenOut:
    issued = api_tokens.mint_for_browser(ctx, issuer=token, subject=body.user, ttl_seconds=body.ttl_seconds)
    assert issued.record.expires_at is not None
    return EphemeralTokenOut(
        token=issued.token, scopes=issued.record.scopes, user=body.user.strip(), expires_at=issued.record.expires_at
    )
