"""The drafts application layer: one visibility rule (Python and SQL agree), one family of domain
errors, and the pages' one answer to a refusal (a flash back to the page, or an error page)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from checks import Channel, DocType
from review_service import drafts as domain
from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import Draft, User
from review_service.services.context import ServiceContext
from review_service.services.drafts import visible_drafts
from review_service.services.errors import DomainError, WorkflowRefused
from review_service.services.unit_of_work import unit_of_work as service_unit
from review_service.users import create_user
from tests.paths import REPO_ROOT
from tests.web_helpers import login
from tests.workflow_helpers import make_people
from workflows.refusals import Reason, Refusal

ROOT = REPO_ROOT
BODY = "县政府召开常务会议，研究部署安全生产工作。"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "error",
    [
        domain.DraftNotFound(),
        domain.VersionNotFound(),
        domain.FindingNotFound("body:x:0:1:r"),
        domain.UnknownWorkflow(None, "internal"),
        domain.UnknownWorkflow("nope", "website"),
        domain.CountersignError(["财政局"]),
        domain.CheckPending("checking"),
        domain.CheckPending("failed"),
        domain.AuthorRefused("author_required", "须指明撰稿人", "Name the author", 422),
        domain.RecheckRefused("check_not_failed", "无需重新审校", "Not failed", 409),
        WorkflowRefused(Refusal(Reason.STALE)),
        WorkflowRefused(Refusal(Reason.NOT_YOUR_STAGE)),
    ],
    ids=lambda e: e.code,
)
def test_every_draft_refusal_is_a_domain_error_with_code_status_and_both_messages(error: DomainError) -> None:
    assert isinstance(error, DomainError)
    assert 400 <= error.status < 500 and re.fullmatch(r"[a-z_]+", error.code)
    assert CJK.search(error.message_zh) and error.message_en and not CJK.search(error.message_en)


def test_the_engine_refusals_keep_their_statuses() -> None:
    assert (WorkflowRefused(Refusal(Reason.STALE)).status, WorkflowRefused(Refusal(Reason.STALE)).code) == (
        409,
        "stale",
    )
    assert WorkflowRefused(Refusal(Reason.COMMENT_REQUIRED)).status == 422
    assert WorkflowRefused(Refusal(Reason.OWN_DRAFT)).status == 403


@pytest.fixture()
def site(tmp_path):
    settings = Settings(data_dir=tmp_path)
    people = make_people(settings, {"admin1": ("admin", "办公室")})
    with unit_of_work(settings) as session:  # a person of no department, whose drafts everyone sees
        create_user(session, username="loner", role="editor", password="pw-loner")
    with TestClient(create_app(settings)) as client:
        yield settings, people, client


def _create(client: TestClient, headers: dict[str, str], **extra: object) -> int:
    r = client.post("/api/v1/drafts", json={"title": "通知", "body": BODY, **extra}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_the_sql_visibility_is_can_see_for_every_person_and_draft(site) -> None:
    settings, people, client = site
    _create(client, people["editor"].headers)
    _create(client, people["outsider"].headers)  # 教育局
    _create(client, people["rev3"].headers)
    with service_unit(settings) as made:  # a draft of nobody's department, and one a CMS created
        session = made.session
        loner = session.scalars(select(User).where(User.username == "loner")).one()
        cms = session.get_one(User, people["cms"].user_id)
        content = domain.Content("无部门", BODY)
        nobody = domain.create_draft(made, user=loner, content=content, channel=Channel.WEBSITE,
                                     doc_type=DocType.OTHER)  # fmt: skip
        editor = session.get_one(User, people["editor"].user_id)
        by_cms = domain.create_draft(made, user=cms, author=editor, content=content,
                                     channel=Channel.WEBSITE, doc_type=DocType.OTHER)  # fmt: skip
        assert nobody.department_id is None and by_cms.created_by_id == cms.id
    with unit_of_work(settings) as session:
        ctx = ServiceContext(session=session, settings=settings)
        drafts = session.scalars(select(Draft)).all()
        assert len(drafts) == 5
        users = session.scalars(select(User)).all()
        for user in users:
            expected = {d.id for d in drafts if domain.can_see(user, d, ctx.spanning_roles)}
            assert {d.id for d in visible_drafts(ctx, user, limit=100)} == expected, user.username
        seen = {u.username: {d.id for d in visible_drafts(ctx, u, limit=100)} for u in users}
    assert len(seen["admin1"]) == 5  # a spanning role sees every department
    assert seen["site-cms"] == {by_cms.id}  # a CMS account sees what it created, nothing else
    assert nobody.id in seen["outsider"] and len(seen["outsider"]) == 2  # its own and the department-less one


def test_a_refused_page_action_flashes_back_and_changes_nothing(site) -> None:
    settings, people, client = site
    draft_id = _create(client, people["editor"].headers)
    assert client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers).is_success
    revision = client.get(f"/api/v1/drafts/{draft_id}", headers=people["editor"].headers).json()["revision"]
    with TestClient(create_app(settings, migrate=False)) as web:
        token = login(web, "editor")
        refused = web.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "pass"},
                           follow_redirects=False)  # fmt: skip
        assert refused.status_code == 303 and refused.headers["location"] == f"/drafts/{draft_id}"
        page = web.get(f"/drafts/{draft_id}")
        assert "操作未执行：不能审核或校对自己撰写的稿件" in page.text and "错误代码 own_draft" in page.text
    after = client.get(f"/api/v1/drafts/{draft_id}", headers=people["editor"].headers).json()
    assert after["revision"] == revision and after["stage"] == "proof1"


def test_a_draft_one_may_not_see_is_an_error_page_on_the_web_and_json_on_the_api(site) -> None:
    settings, people, client = site
    draft_id = _create(client, people["editor"].headers)
    with TestClient(create_app(settings, migrate=False)) as web:
        token = login(web, "outsider")
        for response in (
            web.get(f"/drafts/{draft_id}"),
            web.get("/drafts/99999999999"),
            web.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "claim"}, follow_redirects=False),
        ):
            assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
            assert "稿件不存在或无权查看" in response.text and BODY not in response.text
    api = client.get(f"/api/v1/drafts/{draft_id}", headers=people["outsider"].headers)
    assert api.status_code == 404 and api.json()["code"] == "draft_not_found"
    assert api.json()["message"]["zh"] == "稿件不存在或无权查看"


DRAFT_ROUTES = [
    "review_service/api/routes/drafts.py",
    "review_service/api/routes/publication.py",
    "review_service/api/routes/gate.py",
    "review_service/api/routes/attachments.py",
    "review_service/web/routes/drafts.py",
    "review_service/web/routes/workspace.py",
    "review_service/web/routes/attachments.py",
]
QUERY_OR_AUDIT = re.compile(r"\bselect\(|session\.(get|scalar|scalars|execute)\(|audit\.append\(|import audit\b")


@pytest.mark.parametrize("path", DRAFT_ROUTES)
def test_draft_routes_hold_no_queries_and_write_no_audit_rows(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert not QUERY_OR_AUDIT.search(text), QUERY_OR_AUDIT.search(text)
