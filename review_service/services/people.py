"""People: logging in and out, changing and resetting passwords, accounts and departments.

Both front doors call these: the API's ``/auth`` routes and the web's login, password and admin
pages. Every refusal is a ``DomainError``; every change is audited here, never in a route.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from review_service import audit
from review_service.access import end_all_access
from review_service.login_guard import LoginRefused, locked_usernames, unlock
from review_service.login_guard import authenticate as check_password
from review_service.models import Department, User, WebSession
from review_service.passwords import hash_password, one_time_password
from review_service.permissions import Action, Role, require, roles_that_may
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from review_service.sessions import end_session, purge_expired, start_session
from review_service.tokens import IssuedToken, issue_login_token
from review_service.users import ROLES, NewPassword, clean_email, create_user, department_named, new_password

LOGIN_TOKEN_TTL = dt.timedelta(hours=8)
MIN_WEB_PASSWORD = 8  # the API's request schema asks for 10
MAX_ID = 2**31


def _admin(actor: User) -> None:
    require(actor, Action.MANAGE_PEOPLE, "仅管理员可以管理用户", "Only admins manage people")


def landing_path(user: User) -> str:
    """Where the browser goes after ``/``: editors to their workspace, admins to the dashboard."""
    if user.role == Role.EDITOR:
        return "/workspace"
    if user.role == Role.ADMIN:
        return "/dashboard"
    return "/queue"


# -- logging in and passwords ----------------------------------------------------------------------


def authenticate(ctx: ServiceContext, *, username: str, password: str) -> User:
    """The user whose password this is; a refusal still counts the failure (committed before raising)."""
    settings = ctx.settings
    try:
        return check_password(
            ctx.session,
            username=username,
            password=password,
            max_failures=settings.login_max_failures,
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
        )
    except LoginRefused as refused:
        ctx.session.commit()  # the failure counts even though this request fails
        raise DomainError(refused.status, refused.code, refused.message_zh, refused.message_en) from refused


def log_in_for_token(ctx: ServiceContext, *, username: str, password: str) -> IssuedToken:
    """The API's login: an 8-hour personal ``drafts`` token; a one-time password must be changed first."""
    user = authenticate(ctx, username=username, password=password)
    if user.must_change_password:
        raise DomainError(
            403, "password_change_required", "首次登录须先修改初始密码", "Change the one-time password first"
        )
    issued = issue_login_token(ctx.session, user=user, ttl=LOGIN_TOKEN_TTL)
    audit.append(ctx.session, kind="login", actor_id=user.id, data={})
    return issued


def log_in_for_browser(ctx: ServiceContext, *, username: str, password: str) -> tuple[User, str]:
    """The web login: a new server-side session; returns the user and the cookie secret."""
    user = authenticate(ctx, username=username.strip(), password=password)
    purge_expired(ctx.session, user=user)
    secret, _ = start_session(ctx.session, user=user, hours=ctx.settings.session_hours)
    audit.append(ctx.session, kind="login", actor_id=user.id, data={"via": "web"})
    return user, secret


def log_out(ctx: ServiceContext, *, login: WebSession) -> None:
    end_session(ctx.session, record=login)
    audit.append(ctx.session, kind="logout", actor_id=login.user_id, data={})


def change_password(
    ctx: ServiceContext,
    *,
    username: str,
    old_password: str,
    new_password: str,
    confirm: str | None = None,
    min_length: int = 0,
    keep: WebSession | None = None,
    via: str | None = None,
) -> User:
    """Check the old password (same lock-out as the login), set the new one, end every other access.

    ``keep`` is the browser that changed it (it stays logged in); every API token ends.
    """
    user = authenticate(ctx, username=username, password=old_password)
    # the right old password stands (its failure count reset) whatever is wrong with the new one, and the new
    # password's argon2 hash below is computed with no transaction open
    ctx.session.commit()
    if len(new_password) < min_length:
        raise DomainError(
            422, "password_too_short", f"新密码至少 {min_length} 位", f"The new password needs {min_length} characters"
        )
    if confirm is not None and confirm != new_password:
        raise DomainError(422, "password_mismatch", "两次输入的新密码不一致", "The two new passwords differ")
    if new_password == old_password:
        raise DomainError(422, "password_unchanged", "新密码不能与原密码相同", "The new password must differ")
    digest = hash_password(new_password)
    user.password_hash = digest
    user.must_change_password = False
    revoked = end_all_access(ctx.session, user=user, keep=keep)
    data: dict[str, object] = {"via": via, "tokens_revoked": revoked} if via else {"tokens_revoked": revoked}
    audit.append(ctx.session, kind="password_changed", actor_id=user.id, data=data)
    return user


# -- accounts (the admin pages) --------------------------------------------------------------------


@dataclass(frozen=True)
class PeopleView:
    users: list[User]
    departments: list[Department]
    roles: tuple[str, ...]
    locked: set[str]


def people(ctx: ServiceContext, *, actor: User) -> PeopleView:
    _admin(actor)
    session = ctx.session
    return PeopleView(
        users=list(session.scalars(select(User).order_by(User.username))),
        departments=list(session.scalars(select(Department).order_by(Department.name))),
        roles=ROLES,
        locked=locked_usernames(session),
    )


def _valid_username(username: str) -> bool:
    return bool(username) and username.replace("_", "").replace("-", "").replace(".", "").isalnum()


def add_person(
    ctx: ServiceContext,
    *,
    actor: User,
    username: str,
    role: str,
    department: str | None,
    display_name: str | None,
    email: str,
) -> tuple[User, str]:
    """A new account with a one-time password (returned to show once)."""
    _admin(actor)
    if not _valid_username(username):
        raise DomainError(
            422,
            "invalid_username",
            "用户名须为字母、数字、下划线、连字符或点。",
            "A user name is letters, digits, underscores, hyphens or dots",
        )
    ctx.session.commit()  # argon2 for the one-time password runs with no transaction open
    prepared = new_password()
    try:
        address = clean_email(email)
    except ValueError as exc:
        raise DomainError(422, "invalid_email", "电子邮箱格式不正确。", "Invalid e-mail address") from exc
    try:
        user, secret = create_user(
            ctx.session, username=username, role=role, department=department,
            display_name=display_name, email=address, prepared=prepared,
        )  # fmt: skip
    except ValueError as exc:
        raise DomainError(
            422, "invalid_user", "用户名已存在或角色无效。", "The user exists already or the role is unknown"
        ) from exc
    audit.append(ctx.session, kind="user_created", actor_id=actor.id, data={"user": user.id, "role": role})
    return user, secret


def add_person_from_command_line(
    ctx: ServiceContext,
    *,
    username: str,
    role: str,
    department: str | None,
    display_name: str | None,
    spans_departments: bool,
    email: str | None,
    prepared: NewPassword,
) -> tuple[User, str]:
    """``review-service user create``: the operator at the server stands in for an administrator.

    ``prepared`` is the one-time password hashed before the transaction (a running server never waits on
    argon2). A duplicate name or unknown role is ``invalid_user``, its English message naming which.
    """
    try:
        user, secret = create_user(
            ctx.session, username=username, role=role, department=department, display_name=display_name,
            spans_departments=spans_departments, email=email, prepared=prepared,
        )  # fmt: skip
    except ValueError as exc:
        raise DomainError(422, "invalid_user", "用户名已存在或角色无效", str(exc)) from exc
    data = {"user": user.id, "role": role, "via": "cli"}
    audit.append(ctx.session, kind="user_created", actor_id=None, data=data)
    return user, secret


def unlock_from_command_line(ctx: ServiceContext, *, username: str) -> User:
    """``review-service user unlock``: for the day the only administrator has locked themselves out."""
    user = ctx.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise DomainError(404, "user_not_found", f"没有用户 {username!r}", f"no user {username!r}")
    unlock(ctx.session, username=user.username)
    audit.append(ctx.session, kind="user_unlocked", actor_id=None, data={"user": user.id, "via": "cli"})
    return user


def _person(ctx: ServiceContext, user_id: int) -> User:
    user = ctx.session.get(User, user_id) if 0 < user_id < MAX_ID else None
    if user is None:
        raise DomainError(404, "user_not_found", "用户不存在", "No such user")
    return user


def reset_password(ctx: ServiceContext, *, actor: User, user_id: int) -> tuple[User, str]:
    """A new one-time password; the lock-out is lifted and every login and token of the person ends."""
    _admin(actor)
    user = _person(ctx, user_id)
    ctx.session.commit()  # argon2 below runs with no transaction open
    secret = one_time_password()
    digest = hash_password(secret)
    user.password_hash, user.must_change_password = digest, True
    unlock(ctx.session, username=user.username)
    revoked = end_all_access(ctx.session, user=user)
    data = {"user": user.id, "tokens_revoked": revoked}
    audit.append(ctx.session, kind="password_reset", actor_id=actor.id, data=data)
    return user, secret


@dataclass(frozen=True)
class PersonChange:
    """What the admin form sends for one account (``op`` picks what changes)."""

    op: str
    role: str = ""
    department: str = ""
    email: str = ""
    spans_departments: bool = False


def change_person(ctx: ServiceContext, *, actor: User, user_id: int, change: PersonChange) -> User:
    """Activate or deactivate, unlock, or update role, department, mail and spanning; audited."""
    _admin(actor)
    user = _person(ctx, user_id)
    if change.op == "toggle_active":
        if user.id == actor.id:
            raise DomainError(422, "cannot_deactivate_self", "不能停用自己的账号", "You cannot deactivate yourself")
        user.is_active = not user.is_active
        if not user.is_active:
            end_all_access(ctx.session, user=user)
    elif change.op == "unlock":
        unlock(ctx.session, username=user.username)
    elif change.op == "update":
        if change.role not in ROLES:
            raise DomainError(422, "invalid_role", "角色无效", "Unknown role")
        if user.id == actor.id and change.role not in roles_that_may(Action.MANAGE_PEOPLE):
            raise DomainError(
                422, "cannot_demote_self", "不能取消自己的管理员角色", "You cannot take away your own admin role"
            )
        try:
            email = clean_email(change.email)
        except ValueError as exc:
            raise DomainError(422, "invalid_email", "电子邮箱格式不正确", "Invalid e-mail address") from exc
        user.email = email
        user.role = change.role
        user.department_id = department_named(ctx.session, name=change.department).id if change.department else None
        user.spans_departments = change.spans_departments
    else:
        raise DomainError(422, "unknown_operation", "未知的操作", "Unknown operation")
    audit.append(ctx.session, kind="user_updated", actor_id=actor.id, data={"user": user.id, "op": change.op})
    return user


def add_department(ctx: ServiceContext, *, actor: User, name: str) -> Department:
    _admin(actor)
    if not name:
        raise DomainError(422, "invalid_department", "部门名称不能为空", "A department needs a name")
    department = department_named(ctx.session, name=name)
    audit.append(ctx.session, kind="department_created", actor_id=actor.id, data={"name": name})
    return department
