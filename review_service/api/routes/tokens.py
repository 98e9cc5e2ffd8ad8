"""POST /tokens/ephemeral: a CMS back end mints a short-lived, check-only token for a browser."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from review_service.api.deps import PublishToken, SessionDep, SettingsDep
from review_service.api.routes.check import ERRORS
from review_service.schemas import EphemeralTokenOut, EphemeralTokenRequest
from review_service.services.errors import DomainError
from review_service.tokens import SERVICE_ROLE, issue_ephemeral_token

router = APIRouter(tags=["tokens"])


@router.post(
    "/tokens/ephemeral",
    response_model=EphemeralTokenOut,
    status_code=201,
    responses=ERRORS,
    summary="为编辑器插件签发短期令牌（仅 check 权限）",
)
def mint_ephemeral(
    body: EphemeralTokenRequest, session: SessionDep, settings: SettingsDep, token: PublishToken
) -> EphemeralTokenOut:
    # Only a CMS service account (role cms, scopes check and publish) mints: people use their own
    # tokens, and a token cannot hand out a scope it does not have itself.
    if "check" not in token.scopes:
        raise DomainError(403, "insufficient_scope", "该令牌没有 check 权限", "Token lacks the 'check' scope")
    if token.user.role != SERVICE_ROLE:
        raise DomainError(
            403,
            "not_a_service_account",
            "只有 CMS 服务账号可以签发短期令牌",
            "Only a CMS service account may mint browser tokens",
        )
    subject = body.user.strip()
    if not subject or not subject.isprintable():
        raise DomainError(422, "invalid_user", "用户名须为可打印字符", "The user name must be printable text")
    seconds = min(body.ttl_seconds or settings.ephemeral_token_seconds, settings.ephemeral_token_seconds)
    issued = issue_ephemeral_token(session, issuer=token, subject=subject, ttl=dt.timedelta(seconds=seconds))
    assert issued.record.expires_at is not None
    return EphemeralTokenOut(
        token=issued.token, scopes=issued.record.scopes, user=subject, expires_at=issued.record.expires_at
    )
