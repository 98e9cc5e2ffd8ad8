"""Administration: people, departments, API tokens, workflow definitions and the organisation dictionary."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from review_service.permissions import Action
from review_service.services import api_tokens, people
from review_service.services import dictionary as org_dictionary
from review_service.services.errors import DomainError
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.forms import parse_int
from review_service.web.refusals import back_on_refusal, form_on_refusal
from review_service.workflow_state import definitions

router = APIRouter(prefix="/admin")


def _field(data: Any, name: str, limit: int = 200) -> str:
    value = data.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _users_page(page: Page, *, shown_secret: dict[str, str] | None = None, status_code: int = 200) -> Response:
    view = people.people(page.ctx, actor=page.user)
    return page.render(
        "admin_users.html", status_code=status_code, users=view.users, departments=view.departments,
        roles=view.roles, shown_secret=shown_secret, locked=view.locked,
    )  # fmt: skip


def _with_refusal(page: Page, refused: DomainError) -> Page:
    """The page with every problem the refusal names shown above the form (a refusal changes nothing)."""
    page.flashes.extend({"level": "error", "text": text} for text in refused.details or [refused.message_zh])
    return page


@router.get("")
def admin_home(page: PageDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    return page.redirect("/admin/users")


@router.get("/users")
def users(page: PageDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    return _users_page(page)


@router.post("/users")
def add_user(page: FormPageDep, data: FormDataDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    username = _field(data, "username", 80)
    form_on_refusal(page.request, lambda again, refused: _users_page(_with_refusal(again, refused), status_code=422))
    _, secret = people.add_person(
        page.ctx, actor=page.user, username=username, role=_field(data, "role", 20),
        department=_field(data, "department", 120) or None, display_name=_field(data, "display_name", 120) or None,
        email=_field(data, "email", 300),
    )  # fmt: skip
    return _users_page(page, shown_secret={"who": username, "what": "初始密码（首次登录须修改）", "secret": secret})


@router.post("/users/{user_id}")
def edit_user(user_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    back_on_refusal(page, "/admin/users", plain=True)
    op = _field(data, "op", 20)
    if op == "reset_password":
        user, secret = people.reset_password(page.ctx, actor=page.user, user_id=user_id)
        return _users_page(page, shown_secret={"who": user.username, "what": "新的一次性密码", "secret": secret})
    change = people.PersonChange(
        op=op, role=_field(data, "role", 20), department=_field(data, "department", 120),
        email=_field(data, "email", 300), spans_departments=_field(data, "spans_departments", 5) == "on",
    )  # fmt: skip
    user = people.change_person(page.ctx, actor=page.user, user_id=user_id, change=change)
    return page.redirect("/admin/users", f"已更新用户 {user.username}")


@router.post("/departments")
def add_department(page: FormPageDep, data: FormDataDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    back_on_refusal(page, "/admin/users", plain=True)
    name = _field(data, "name", 120)
    people.add_department(page.ctx, actor=page.user, name=name)
    return page.redirect("/admin/users", f"已添加部门 {name}")


def _tokens_page(page: Page, *, shown_secret: dict[str, str] | None = None, status_code: int = 200) -> Response:
    view = api_tokens.tokens(page.ctx, actor=page.user)
    return page.render(
        "admin_tokens.html", status_code=status_code, tokens=view.tokens, users=view.users, scopes=view.scopes,
        shown_secret=shown_secret, now=view.now,
    )  # fmt: skip


@router.get("/tokens")
def tokens(page: PageDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    return _tokens_page(page)


@router.post("/tokens")
def add_token(page: FormPageDep, data: FormDataDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    form_on_refusal(page.request, lambda again, refused: _tokens_page(_with_refusal(again, refused), status_code=422))
    owner, issued = api_tokens.issue(
        page.ctx, actor=page.user, username=_field(data, "username", 80), name=_field(data, "name", 120),
        scopes=[s for s in data.getlist("scopes") if isinstance(s, str)],
        days=parse_int(_field(data, "days", 5), lo=1, hi=api_tokens.MAX_TOKEN_DAYS),
    )  # fmt: skip
    return _tokens_page(
        page, shown_secret={"who": owner.username, "what": "API 令牌（仅显示一次）", "secret": issued.token}
    )


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: int, page: FormPageDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    back_on_refusal(page, "/admin/tokens", plain=True)
    record = api_tokens.revoke(page.ctx, actor=page.user, token_id=token_id)
    return page.redirect("/admin/tokens", f"已吊销令牌 {record.prefix}…")


@router.get("/workflows")
def workflows(page: PageDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    return page.render("admin_workflows.html", definitions=sorted(definitions().values(), key=lambda d: d.name))


def _dictionary_page(page: Page, status_code: int = 200) -> Response:
    entries = org_dictionary.entries(page.ctx, newest_first=True)
    return page.render(
        "admin_dictionary.html",
        status_code=status_code,
        terms=[e for e in entries if e.kind != "allow"],
        allow=[e for e in entries if e.kind == "allow"],
    )


@router.get("/dictionary")
def dictionary(page: PageDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
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


@router.post("/dictionary")
def add_entry(page: FormPageDep, data: FormDataDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    kind = _field(data, "kind", 20)
    form_on_refusal(
        page.request, lambda again, refused: _dictionary_page(_with_refusal(again, refused), status_code=422)
    )
    entry = org_dictionary.add(
        page.ctx, actor=page.user, kind=kind, text=_field(data, "text", 80), data=_entry_data(kind, data)
    )
    return page.redirect("/admin/dictionary", f"已添加词条“{entry.text}”，下次审校起生效")


@router.post("/dictionary/{entry_id}")
def edit_entry(entry_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    page.require(Action.MANAGE_PEOPLE)
    back_on_refusal(page, "/admin/dictionary", plain=True)
    if _field(data, "op", 10) == "retire":
        entry = org_dictionary.retire(page.ctx, actor=page.user, entry_id=entry_id)
        return page.redirect("/admin/dictionary", f"已停用词条“{entry.text}”")
    kind = org_dictionary.entry(page.ctx, entry_id).kind
    entry = org_dictionary.edit(
        page.ctx, actor=page.user, entry_id=entry_id, text=_field(data, "text", 80),
        data=_entry_data(kind, data), enabled=_field(data, "enabled", 5) == "on",
    )  # fmt: skip
    return page.redirect("/admin/dictionary", f"已修改词条“{entry.text}”")
