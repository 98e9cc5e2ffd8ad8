"""Administration: people, departments, API tokens, workflow definitions and the organisation dictionary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from review_service import audit, org_dictionary
from review_service.access import end_all_access
from review_service.login_guard import locked_usernames, unlock
from review_service.models import ApiToken, Department, DictionaryEntry, User, utcnow
from review_service.passwords import hash_password, one_time_password
from review_service.tokens import SCOPES, issue_token
from review_service.users import ROLES, clean_email, create_user, department_named, new_password
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.forms import parse_int
from review_service.workflow_state import definitions

router = APIRouter(prefix="/admin")
MAX_TOKEN_DAYS = 3650


def _field(data: Any, name: str, limit: int = 200) -> str:
    value = data.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _users_page(page: Page, *, shown_secret: dict[str, str] | None = None, status_code: int = 200) -> Response:
    users = page.session.scalars(select(User).order_by(User.username)).all()
    departments = page.session.scalars(select(Department).order_by(Department.name)).all()
    return page.render(
        "admin_users.html", status_code=status_code, users=users, departments=departments, roles=ROLES,
        shown_secret=shown_secret, locked=locked_usernames(page.session),
    )  # fmt: skip


@router.get("")
def admin_home(page: PageDep) -> Response:
    page.require_role("admin")
    return page.redirect("/admin/users")


@router.get("/users")
def users(page: PageDep) -> Response:
    page.require_role("admin")
    return _users_page(page)


@router.post("/users")
def add_user(page: FormPageDep, data: FormDataDep) -> Response:
    page.require_role("admin")
    username, role = _field(data, "username", 80), _field(data, "role", 20)
    department = _field(data, "department", 120) or None
    if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        page.flashes.append({"level": "error", "text": "用户名须为字母、数字、下划线、连字符或点。"})
        return _users_page(page, status_code=422)
    page.session.commit()  # argon2 for the one-time password runs with no transaction open
    prepared = new_password()
    try:
        email = clean_email(_field(data, "email", 300))
    except ValueError:
        page.flashes.append({"level": "error", "text": "电子邮箱格式不正确。"})
        return _users_page(page, status_code=422)
    try:
        user, secret = create_user(
            page.session, username=username, role=role, department=department,
            display_name=_field(data, "display_name", 120) or None, email=email, prepared=prepared,
        )  # fmt: skip
    except ValueError:
        page.flashes.append({"level": "error", "text": "用户名已存在或角色无效。"})
        return _users_page(page, status_code=422)
    audit.append(page.session, kind="user_created", actor_id=page.user.id, data={"user": user.id, "role": role})
    return _users_page(page, shown_secret={"who": username, "what": "初始密码（首次登录须修改）", "secret": secret})


@router.post("/users/{user_id}")
def edit_user(user_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    page.require_role("admin")
    user = page.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        return page.redirect("/admin/users", "用户不存在", "error")
    op = _field(data, "op", 20)
    if op == "reset_password":
        page.session.commit()  # argon2 below runs with no transaction open
        secret = one_time_password()
        digest = hash_password(secret)
        user.password_hash, user.must_change_password = digest, True
        unlock(page.session, username=user.username)
        revoked = end_all_access(page.session, user=user)
        data = {"user": user.id, "tokens_revoked": revoked}
        audit.append(page.session, kind="password_reset", actor_id=page.user.id, data=data)
        return _users_page(page, shown_secret={"who": user.username, "what": "新的一次性密码", "secret": secret})
    if op == "toggle_active":
        if user.id == page.user.id:
            return page.redirect("/admin/users", "不能停用自己的账号", "error")
        user.is_active = not user.is_active
        if not user.is_active:
            end_all_access(page.session, user=user)
    elif op == "unlock":
        unlock(page.session, username=user.username)
    elif op == "update":
        role = _field(data, "role", 20)
        if role not in ROLES:
            return page.redirect("/admin/users", "角色无效", "error")
        if user.id == page.user.id and role != "admin":
            return page.redirect("/admin/users", "不能取消自己的管理员角色", "error")
        department = _field(data, "department", 120)
        try:
            user.email = clean_email(_field(data, "email", 300))
        except ValueError:
            return page.redirect("/admin/users", "电子邮箱格式不正确", "error")
        user.role = role
        user.department_id = department_named(page.session, name=department).id if department else None
        user.spans_departments = _field(data, "spans_departments", 5) == "on"
    else:
        return page.redirect("/admin/users", "未知的操作", "error")
    audit.append(page.session, kind="user_updated", actor_id=page.user.id, data={"user": user.id, "op": op})
    return page.redirect("/admin/users", f"已更新用户 {user.username}")


@router.post("/departments")
def add_department(page: FormPageDep, data: FormDataDep) -> Response:
    page.require_role("admin")
    name = _field(data, "name", 120)
    if not name:
        return page.redirect("/admin/users", "部门名称不能为空", "error")
    department_named(page.session, name=name)
    audit.append(page.session, kind="department_created", actor_id=page.user.id, data={"name": name})
    return page.redirect("/admin/users", f"已添加部门 {name}")


def _tokens_page(page: Page, *, shown_secret: dict[str, str] | None = None, status_code: int = 200) -> Response:
    tokens = page.session.scalars(select(ApiToken).order_by(ApiToken.id.desc()).limit(500)).all()
    users = page.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username)).all()
    return page.render(
        "admin_tokens.html", status_code=status_code, tokens=tokens, users=users, scopes=SCOPES,
        shown_secret=shown_secret, now=utcnow(),
    )  # fmt: skip


@router.get("/tokens")
def tokens(page: PageDep) -> Response:
    page.require_role("admin")
    return _tokens_page(page)


@router.post("/tokens")
def add_token(page: FormPageDep, data: FormDataDep) -> Response:
    page.require_role("admin")
    scopes = [s for s in data.getlist("scopes") if isinstance(s, str) and s in SCOPES]
    owner = page.session.scalar(select(User).where(User.username == _field(data, "username", 80)))
    days = _field(data, "days", 5)
    problems = []
    if owner is None or not owner.is_active:
        problems.append("请选择一个有效的用户。")
    if not scopes:
        problems.append("至少选择一项权限。")
    lifetime = parse_int(days, lo=1, hi=MAX_TOKEN_DAYS)
    if lifetime is None:
        problems.append(f"有效期须为 1 到 {MAX_TOKEN_DAYS} 天。")
    if owner is not None and owner.role != "cms" and set(scopes) - {"check"}:
        # People act on drafts as themselves (their own login); an admin must not hold a token in their name.
        problems.append("为个人账号只能生成 check 令牌；drafts 权限由本人登录获得，publish 仅限系统账号。")
    if problems or owner is None or lifetime is None:
        page.flashes.extend({"level": "error", "text": p} for p in problems)
        return _tokens_page(page, status_code=422)
    name = _field(data, "name", 120) or "web"
    issued = issue_token(page.session, user=owner, name=name, scopes=scopes, ttl=dt.timedelta(days=lifetime))
    audit.append(
        page.session, kind="token_created", actor_id=page.user.id,
        data={"token": issued.record.prefix, "user": owner.id, "scopes": scopes},
    )  # fmt: skip
    return _tokens_page(
        page, shown_secret={"who": owner.username, "what": "API 令牌（仅显示一次）", "secret": issued.token}
    )


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: int, page: FormPageDep) -> Response:
    page.require_role("admin")
    record = page.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if record is None or record.revoked_at is not None:
        return page.redirect("/admin/tokens", "令牌不存在或已吊销", "error")
    record.revoked_at = utcnow()
    audit.append(page.session, kind="token_revoked", actor_id=page.user.id, data={"token": record.prefix})
    return page.redirect("/admin/tokens", f"已吊销令牌 {record.prefix}…")


@router.get("/workflows")
def workflows(page: PageDep) -> Response:
    page.require_role("admin")
    return page.render("admin_workflows.html", definitions=sorted(definitions().values(), key=lambda d: d.name))


def _dictionary_page(page: Page, status_code: int = 200) -> Response:
    entries = page.session.scalars(select(DictionaryEntry).order_by(DictionaryEntry.id.desc())).all()
    return page.render(
        "admin_dictionary.html",
        status_code=status_code,
        terms=[e for e in entries if e.kind != "allow"],
        allow=[e for e in entries if e.kind == "allow"],
    )


@router.get("/dictionary")
def dictionary(page: PageDep) -> Response:
    page.require_role("admin")
    return _dictionary_page(page)


def _entry_data(kind: str, data: Any) -> dict[str, Any]:
    if kind == "allow":
        return {"note": _field(data, "reason", 200)} if _field(data, "reason") else {}
    out: dict[str, Any] = {"reason": _field(data, "reason", 200)}
    if kind == "wording":
        if _field(data, "suggestion"):
            out["suggestion"] = _field(data, "suggestion", 80)
        if _field(data, "severity") in ("block", "warn", "info"):
            out["severity"] = _field(data, "severity")
        if _field(data, "category") in ("term.banned", "term.political"):
            out["category"] = _field(data, "category")
    else:
        out["since"] = _field(data, "since", 10)
        if _field(data, "suggestion"):
            out["current"] = _field(data, "suggestion", 80)
    return out


def _entry_problem(exc: org_dictionary.EntryError) -> str:
    return f"词条不符合词库格式：{exc}"


@router.post("/dictionary")
def add_entry(page: FormPageDep, data: FormDataDep) -> Response:
    page.require_role("admin")
    kind = _field(data, "kind", 20)
    try:
        entry = org_dictionary.create(
            page.session, user=page.user, kind=kind, text=_field(data, "text", 80), data=_entry_data(kind, data)
        )
    except org_dictionary.EntryError as exc:
        page.session.rollback()
        page.flashes.append({"level": "error", "text": _entry_problem(exc)})
        return _dictionary_page(page, status_code=422)
    return page.redirect("/admin/dictionary", f"已添加词条“{entry.text}”，下次审校起生效")


@router.post("/dictionary/{entry_id}")
def edit_entry(entry_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    page.require_role("admin")
    entry = page.session.get(DictionaryEntry, entry_id) if 0 < entry_id < 2**31 else None
    if entry is None or entry.retired_at is not None:
        return page.redirect("/admin/dictionary", "词条不存在或已停用", "error")
    if _field(data, "op", 10) == "retire":
        org_dictionary.retire(page.session, user=page.user, entry=entry)
        return page.redirect("/admin/dictionary", f"已停用词条“{entry.text}”")
    try:
        org_dictionary.update(
            page.session, user=page.user, entry=entry, text=_field(data, "text", 80),
            data=_entry_data(entry.kind, data), enabled=_field(data, "enabled", 5) == "on",
        )  # fmt: skip
    except org_dictionary.EntryError as exc:
        page.session.rollback()
        return page.redirect("/admin/dictionary", _entry_problem(exc), "error")
    return page.redirect("/admin/dictionary", f"已修改词条“{entry.text}”")
