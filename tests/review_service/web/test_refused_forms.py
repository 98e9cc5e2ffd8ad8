"""A refused form comes back through the one web handler: shown again, in a fresh unit of work, with what was
typed and the refusal on it, and nothing of the refused request kept. Routes translate; they catch no refusal."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import func, select

import review_service.api.main  # noqa: F401  (every DomainError subclass is defined once the app is importable)
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import ApiToken, AuditEntry, Draft, LoginThrottle, User
from review_service.services import drafts as draft_services
from review_service.services.errors import DomainError
from review_service.web.routes import workspace as workspace_routes
from tests.paths import REPO_ROOT
from tests.web_helpers import login
from workflows.definition import Action

ROUTES = sorted((REPO_ROOT / "review_service").glob("*/routes/*.py"))


def _refusal_names() -> set[str]:
    names, todo = {"DomainError"}, [DomainError]
    while todo:
        for sub in todo.pop().__subclasses__():
            names.add(sub.__name__)
            todo.append(sub)
    return names


def _caught(path: Path) -> list[str]:
    caught = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            kinds = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            caught += [k.id if isinstance(k, ast.Name) else ast.unparse(k).rsplit(".", 1)[-1] for k in kinds]
    return caught


def test_no_route_catches_a_refusal() -> None:
    refusals = _refusal_names()
    assert {"DomainError", "CheckPending"} <= refusals  # the finder sees the family
    offenders = {p.name: sorted(set(_caught(p)) & refusals) for p in ROUTES}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_guard_sees_a_caught_refusal(tmp_path) -> None:
    sample = tmp_path / "route.py"
    sample.write_text("try:\n    pass\nexcept (ValueError, errors.CheckPending):\n    pass\n", encoding="utf-8")
    assert set(_caught(sample)) & _refusal_names() == {"CheckPending"}


def _counts(settings: Settings) -> tuple[int, int, int]:
    with unit_of_work(settings) as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in (User, ApiToken, AuditEntry))


def test_a_refused_person_shows_the_page_again_from_a_fresh_unit_of_work(admin) -> None:
    client, token, settings = admin
    before = _counts(settings)
    page = client.post("/admin/users", data={"csrf_token": token, "username": "rev3", "role": "reviewer1"})
    assert page.status_code == 422 and "已存在" in page.text
    assert "rev3" in page.text and "boss" in page.text  # the people list was read after the rollback
    assert 'name="csrf_token"' in page.text  # a working form, under the same login
    assert _counts(settings) == before


def test_a_refused_token_keeps_nothing_and_lists_the_tokens(admin) -> None:
    client, token, settings = admin
    before = _counts(settings)
    page = client.post("/admin/tokens", data={"csrf_token": token, "username": "editor", "name": "x", "days": "7"})
    assert page.status_code == 422 and "至少选择一项权限" in page.text
    assert _counts(settings) == before
    after = client.get("/admin/tokens")
    assert after.status_code == 200 and "至少选择一项权限" not in after.text  # the refusal was shown once


def test_a_refused_save_shows_what_was_typed_and_stores_nothing(admin) -> None:
    client, _, settings = admin
    token = login(client, "editor")
    typed = "县政府召开常务会议，研究部署重点工作。独特的标记词甲乙丙。"
    page = client.post(
        "/workspace",
        data={"csrf_token": token, "op": "save", "title": "通知", "body": typed, "countersign": "不存在的部门"},
    )
    assert page.status_code == 422 and "会签部门" in page.text
    assert "独特的标记词甲乙丙" in page.text  # the typed text is on the form again
    with unit_of_work(settings) as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 0


def test_a_form_whose_page_is_refused_meanwhile_gets_the_error_page_not_a_500(admin, monkeypatch) -> None:
    client, _, _ = admin
    token = login(client, "editor")
    refused_again = DomainError(404, "draft_not_found", "稿件不存在或无权查看", "Draft not found")

    def gone(*_args: object) -> None:
        raise refused_again

    monkeypatch.setattr(workspace_routes, "_reload", gone)  # the re-render's own read is refused
    page = client.post(
        "/workspace",
        data={
            "csrf_token": token,
            "op": "save",
            "title": "通知",
            "body": "县政府召开会议。",
            "countersign": "不存在的部门",
        },
    )
    assert page.status_code == 404 and "稿件不存在或无权查看" in page.text and "<html" in page.text.lower()


def test_a_saved_version_whose_submit_is_refused_stays_saved_and_says_why(admin, monkeypatch) -> None:
    client, _, settings = admin
    token = login(client, "editor")
    real_act = draft_services.act

    def refuse_submit(ctx, *, action, **kwargs):  # type: ignore[no-untyped-def]
        if action is Action.SUBMIT:
            raise DomainError(409, "not_allowed", "当前状态不允许该操作", "Not allowed now")
        return real_act(ctx, action=action, **kwargs)

    monkeypatch.setattr(draft_services, "act", refuse_submit)
    saved = client.post(
        "/workspace",
        data={"csrf_token": token, "op": "save_submit", "title": "通知", "body": "县政府召开常务会议。"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith("/drafts/")
    page = client.get(saved.headers["location"])
    assert "提交未执行：当前状态不允许该操作" in page.text
    with unit_of_work(settings) as session:
        drafts = session.scalars(select(Draft)).all()
        assert len(drafts) == 1 and drafts[0].status == "draft"  # saved once, not submitted


def test_a_right_old_password_resets_the_failure_count_even_when_the_new_one_is_refused(admin) -> None:
    client, _, settings = admin
    token = login(client, "proof2")
    for _ in range(2):
        wrong = {
            "csrf_token": token,
            "old_password": "nope",
            "new_password": "long-enough-1",
            "confirm": "long-enough-1",
        }
        assert client.post("/password", data=wrong).status_code == 422
    with unit_of_work(settings) as session:
        assert _failures(session, "proof2") == 2
    short = {"csrf_token": token, "old_password": "pw-proof2", "new_password": "short", "confirm": "short"}
    assert client.post("/password", data=short).status_code == 422
    with unit_of_work(settings) as session:
        assert _failures(session, "proof2") == 0


def _failures(session, username: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(LoginThrottle.failures).where(LoginThrottle.username == username))
