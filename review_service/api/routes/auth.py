"""Log in with a password for a short-lived personal token; a one-time password must be changed first."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from review_service import audit
from review_service.access import end_all_access
from review_service.api.deps import LimitsDep, SessionDep, SettingsDep
from review_service.api.routes.check import ERRORS
from review_service.config import Settings
from review_service.login_guard import LoginRefused, authenticate
from review_service.models import User
from review_service.passwords import hash_password
from review_service.schemas import LoginRequest, LoginResponse, PasswordChange
from review_service.services.errors import DomainError
from review_service.tokens import issue_token

router = APIRouter(tags=["auth"])
SESSION_TOKEN_TTL = dt.timedelta(hours=8)


def _authenticate(session: SessionDep, settings: Settings, username: str, password: str) -> User:
    try:
        return authenticate(
            session,
            username=username,
            password=password,
            max_failures=settings.login_max_failures,
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
        )
    except LoginRefused as refused:
        session.commit()  # the failure counts even though this request fails
        raise DomainError(refused.status, refused.code, refused.message_zh, refused.message_en) from refused


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post("/auth/login", response_model=LoginResponse, responses=ERRORS, summary="登录，换取 8 小时个人令牌")
def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep, limits: LimitsDep
) -> LoginResponse:
    limits.login(_client(request), body.username)  # REVIEW_LOGIN_RATE_PER_MINUTE
    user = _authenticate(session, settings, body.username, body.password)
    if user.must_change_password:
        raise DomainError(
            403, "password_change_required", "首次登录须先修改初始密码", "Change the one-time password first"
        )
    issued = issue_token(session, user=user, name="login", scopes=["drafts"], ttl=SESSION_TOKEN_TTL)
    audit.append(session, kind="login", actor_id=user.id, data={})
    assert issued.record.expires_at is not None
    return LoginResponse(token=issued.token, expires_at=issued.record.expires_at, must_change_password=False)


@router.post("/auth/password", status_code=204, responses=ERRORS, summary="修改密码（含首次登录强制修改）")
def change_password(
    body: PasswordChange, request: Request, session: SessionDep, settings: SettingsDep, limits: LimitsDep
) -> None:
    limits.login(_client(request), body.username)
    user = _authenticate(session, settings, body.username, body.old_password)
    if body.new_password == body.old_password:
        raise DomainError(422, "password_unchanged", "新密码不能与原密码相同", "The new password must differ")
    session.commit()  # the new password's argon2 hash is computed with no transaction open
    new_hash = hash_password(body.new_password)
    user.password_hash = new_hash
    user.must_change_password = False
    revoked = end_all_access(session, user=user)  # every browser and API token of the old password ends
    audit.append(session, kind="password_changed", actor_id=user.id, data={"tokens_revoked": revoked})
