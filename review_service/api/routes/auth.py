"""Log in with a password for a short-lived personal token; a one-time password must be changed first."""

from __future__ import annotations

from fastapi import APIRouter, Request

from review_service.api.deps import ContextDep, LimitsDep
from review_service.api.routes.check import ERRORS
from review_service.schemas import LoginRequest, LoginResponse, PasswordChange
from review_service.services import people

router = APIRouter(tags=["auth"])


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post("/auth/login", response_model=LoginResponse, responses=ERRORS, summary="登录，换取 8 小时个人令牌")
def login(body: LoginRequest, request: Request, ctx: ContextDep, limits: LimitsDep) -> LoginResponse:
    limits.login(_client(request), body.username)  # REVIEW_LOGIN_RATE_PER_MINUTE
    issued = people.log_in_for_token(ctx, username=body.username, password=body.password)
    assert issued.record.expires_at is not None
    return LoginResponse(token=issued.token, expires_at=issued.record.expires_at, must_change_password=False)


@router.post("/auth/password", status_code=204, responses=ERRORS, summary="修改密码（含首次登录强制修改）")
def change_password(body: PasswordChange, request: Request, ctx: ContextDep, limits: LimitsDep) -> None:
    limits.login(_client(request), body.username)
    people.change_password(ctx, username=body.username, old_password=body.old_password, new_password=body.new_password)
