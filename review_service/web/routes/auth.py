"""Log in, log out and change the password in the browser."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from review_service import audit
from review_service.access import end_all_access
from review_service.api.deps import LimitsDep, SessionDep, SettingsDep
from review_service.login_guard import LoginRefused, authenticate
from review_service.passwords import hash_password
from review_service.rate_limit import RateLimited
from review_service.sessions import COOKIE, end_session, purge_expired, start_session
from review_service.web.deps import FormLoginDep, LoginDep, PageDep
from review_service.web.render import render_template

router = APIRouter()
LOGIN_CSRF = "rs_login_csrf"
MIN_PASSWORD = 8


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
    session: SessionDep,
    settings: SettingsDep,
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
    try:
        user = authenticate(
            session,
            username=username.strip(),
            password=password,
            max_failures=settings.login_max_failures,
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
        )
    except LoginRefused as refused:
        # Returning normally commits the failure count; an exception would roll it back.
        return _login_page(request, error=refused.message_zh, username=username, status=refused.status, next_path=next)
    purge_expired(session, user=user)
    secret, _ = start_session(session, user=user, hours=settings.session_hours)
    audit.append(session, kind="login", actor_id=user.id, data={"via": "web"})
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
def logout(session: SessionDep, login: FormLoginDep) -> Response:
    end_session(session, record=login)
    audit.append(session, kind="logout", actor_id=login.user_id, data={})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _new_password_problem(old: str, new: str, confirm: str) -> str | None:
    if len(new) < MIN_PASSWORD:
        return f"新密码至少 {MIN_PASSWORD} 位。"
    if new != confirm:
        return "两次输入的新密码不一致。"
    if new == old:
        return "新密码不能与原密码相同。"
    return None


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
    session: SessionDep,
    settings: SettingsDep,
    limits: LimitsDep,
    login: FormLoginDep,
    old_password: Annotated[str, Form(max_length=500)] = "",
    new_password: Annotated[str, Form(max_length=500)] = "",
    confirm: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    user = login.user
    error = None
    try:
        limits.login(request.client.host if request.client else None, user.username)
    except RateLimited as limited:
        response = _password_page(request, login, error=limited.message_zh, status=429)
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    try:  # the old password is guessed against the same lock-out as the login form
        authenticate(
            session,
            username=user.username,
            password=old_password,
            max_failures=settings.login_max_failures,
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
        )
    except LoginRefused as refused:
        error = "原密码不正确。" if refused.code == "wrong_credentials" else refused.message_zh
    error = error or _new_password_problem(old_password, new_password, confirm)
    if error:
        return _password_page(request, login, error=error, status=422)
    session.commit()  # the new password's argon2 hash is computed with no transaction open
    new_hash = hash_password(new_password)
    user.password_hash = new_hash
    user.must_change_password = False
    revoked = end_all_access(session, user=user, keep=login)  # other browsers and every API token
    audit.append(session, kind="password_changed", actor_id=user.id, data={"via": "web", "tokens_revoked": revoked})
    response = RedirectResponse("/", status_code=303)
    return response


@router.get("/")
def home(page: PageDep) -> Response:
    if page.user.role == "editor":
        return page.redirect("/workspace")
    if page.user.role == "admin":
        return page.redirect("/dashboard")
    return page.redirect("/queue")
