"""Log in, log out and change the password in the browser."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from review_service.api.deps import ContextDep, LimitsDep
from review_service.rate_limit import RateLimited
from review_service.services import people
from review_service.services.errors import DomainError
from review_service.sessions import COOKIE
from review_service.web.deps import FormLoginDep, LoginDep, PageDep
from review_service.web.refusals import answer_on_refusal, form_on_refusal
from review_service.web.render import render_template

router = APIRouter()
LOGIN_CSRF = "rs_login_csrf"


def _safe_next(value: str | None) -> str:
    """Only local paths: a crafted login link must not send the user to another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _login_page(
    request: Request, *, error: str | None = None, username: str = "", status: int = 200, next_path: str | None = None
) -> Response:
    token = secrets.token_urlsafe(24)
    body = render_template(
        "login.html",
        {
            "request": request,
            "error": error,
            "username": username,
            "login_csrf": token,
            "next": _safe_next(request.query_params.get("next") or request.headers.get("x-next")),
        },
    )
    response = HTMLResponse(body, status_code=status)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    ctx: ContextDep,
    limits: LimitsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    login_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie, login_csrf):
        return _login_page(request, error="登录页面已过期，请重新输入。", username=username, status=403, next_path=next)
    try:
        limits.login(request.client.host if request.client else None, username)
    except RateLimited as limited:
        response = _login_page(request, error=limited.message_zh, username=username, status=429, next_path=next)
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    answer_on_refusal(  # the failure count is committed already; the form comes back with the refusal
        request,
        lambda refused: _login_page(
            request, error=refused.message_zh, username=username, status=refused.status, next_path=next
        ),
    )
    user, secret = people.log_in_for_browser(ctx, username=username, password=password)
    settings = ctx.settings
    target = "/password" if user.must_change_password else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        secret,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


@router.post("/logout")
def logout(ctx: ContextDep, login: FormLoginDep) -> Response:
    people.log_out(ctx, login=login)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _problem(refused: DomainError) -> str:
    """The password form's wording: a wrong old password is named as such."""
    if refused.code == "wrong_credentials":
        return "原密码不正确。"
    return refused.message_zh if refused.code == "account_locked" else f"{refused.message_zh}。"


def _password_page(request: Request, login: LoginDep, *, error: str | None = None, status: int = 200) -> Response:
    body = render_template(
        "password.html",
        {
            "request": request,
            "user": login.user,
            "csrf_token": login.csrf_token,
            "error": error,
            "forced": login.user.must_change_password,
            "pending": None,
            "flashes": [],
        },
    )
    return HTMLResponse(body, status_code=status)


@router.get("/password")
def password_form(request: Request, login: LoginDep) -> Response:
    return _password_page(request, login)


@router.post("/password")
def change_password(
    request: Request,
    ctx: ContextDep,
    limits: LimitsDep,
    login: FormLoginDep,
    old_password: Annotated[str, Form(max_length=500)] = "",
    new_password: Annotated[str, Form(max_length=500)] = "",
    confirm: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    user = login.user
    try:
        limits.login(request.client.host if request.client else None, user.username)
    except RateLimited as limited:
        response = _password_page(request, login, error=limited.message_zh, status=429)
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    # the old password is guessed against the same lock-out as the login form (its failure count is committed)
    form_on_refusal(
        request, lambda again, refused: _password_page(request, again.login, error=_problem(refused), status=422)
    )
    people.change_password(
        ctx, username=user.username, old_password=old_password,
        new_password=new_password, confirm=confirm, min_length=people.MIN_WEB_PASSWORD, keep=login, via="web",
    )  # fmt: skip
    return RedirectResponse("/", status_code=303)


@router.get("/")
def home(page: PageDep) -> Response:
    return page.redirect(people.landing_path(page.user))
