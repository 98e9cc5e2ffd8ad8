"""Hole 5, identity: old credentials stop working, CMS drafts have a real author, publish stays with CMSs.

Seen: a password change or reset left API tokens working; a CMS draft was authored by the service
account, so a CMS editor who is also a reviewer approved their own page; a person's token could get
``publish`` from the command line.
"""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from review_service.api.main import create_app
from review_service.cli import EXIT_BAD_INPUT, build_parser
from review_service.db import alembic_config, get_engine, unit_of_work, upgrade
from review_service.models import ApiToken, AuditEntry, Draft, User
from review_service.tokens import PublishScopeRefused, issue_token
from tests.api_helpers import make_settings
from tests.web_helpers import csrf_of, login
from tests.workflow_helpers import make_people

TITLE = "关于开展安全生产大检查的通知"
BODY = "各镇人民政府、街道办事处：\n为切实做好安全生产工作，现就有关事项通知如下。"


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings)
    with unit_of_work(settings) as session:  # the CMS account may also create drafts
        cms = session.scalar(select(User).where(User.username == "site-cms"))
        token = issue_token(
            session, user=cms, name="cms-drafts", scopes=["check", "drafts", "publish"], ttl=dt.timedelta(days=1)
        ).token
    with TestClient(create_app(settings)) as client:
        yield client, people, settings, {"Authorization": f"Bearer {token}"}


def _api_login(client: TestClient, username: str, password: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _works(client: TestClient, headers: dict[str, str]) -> bool:
    r = client.get("/api/v1/drafts", headers=headers)
    assert r.status_code in (200, 401), r.text
    return r.status_code == 200


# --- a password change, reset or deactivation ends every token ------------------------------------


def test_changing_the_password_ends_every_api_token_and_browser_login(env):
    client, people, _, _ = env
    old_login = _api_login(client, "rev1", "pw-rev1")
    personal = people["rev1"].headers  # a token issued earlier, not by a login
    browser = TestClient(client.app)
    login(browser, "rev1")
    assert _works(client, old_login) and _works(client, personal)
    change = {"username": "rev1", "old_password": "pw-rev1", "new_password": "a-brand-new-password"}
    assert client.post("/api/v1/auth/password", json=change).status_code == 204
    assert not _works(client, old_login) and not _works(client, personal)
    assert browser.get("/drafts", follow_redirects=False).status_code in (302, 303)
    assert _works(client, _api_login(client, "rev1", "a-brand-new-password"))


def test_changing_the_password_in_the_browser_ends_api_tokens_but_keeps_this_browser(env):
    client, people, _, _ = env
    old_login = _api_login(client, "rev1", "pw-rev1")
    browser = TestClient(client.app)
    csrf = login(browser, "rev1")
    r = browser.post(
        "/password",
        data={
            "csrf_token": csrf,
            "old_password": "pw-rev1",
            "new_password": "another-password",
            "confirm": "another-password",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    assert not _works(client, old_login) and not _works(client, people["rev1"].headers)
    assert browser.get("/drafts").status_code == 200


@pytest.mark.parametrize("op", ["reset_password", "toggle_active"])
def test_a_reset_or_deactivation_by_an_administrator_ends_every_token(env, op):
    client, people, settings, _ = env
    with unit_of_work(settings) as session:
        from review_service.users import create_user

        create_user(session, username="boss", role="admin", password="pw-boss")
        rev1_id = session.scalar(select(User.id).where(User.username == "rev1"))
    old_login = _api_login(client, "rev1", "pw-rev1")
    admin = TestClient(client.app)
    csrf = login(admin, "boss")
    r = admin.post(f"/admin/users/{rev1_id}", data={"csrf_token": csrf, "op": op}, follow_redirects=False)
    assert r.status_code in (200, 303), r.text[:300]
    assert not _works(client, old_login) and not _works(client, people["rev1"].headers)
    if op == "toggle_active":  # re-activating does not bring the old tokens back
        csrf = csrf_of(admin.get("/admin/users").text)
        admin.post(f"/admin/users/{rev1_id}", data={"csrf_token": csrf, "op": op}, follow_redirects=False)
        assert not _works(client, people["rev1"].headers)
    with unit_of_work(settings) as session:
        live = session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.user_id == rev1_id, ApiToken.revoked_at.is_(None))
        )
        assert live == 0


# --- only service accounts hold publish ---------------------------------------------------------


def test_the_command_line_refuses_publish_for_a_person(env, capsys):
    _, _, settings, _ = env
    args = build_parser().parse_args(["token", "create", "rev1", "--scope", "check,publish"])
    assert args.func(args, settings) == EXIT_BAD_INPUT
    assert "publish" in capsys.readouterr().err
    with unit_of_work(settings) as session:
        rev1 = session.scalar(select(User).where(User.username == "rev1"))
        assert all("publish" not in t.scopes for t in rev1.tokens)
        with pytest.raises(PublishScopeRefused):  # the one rule, wherever a token is issued
            issue_token(session, user=rev1, name="x", scopes=["publish"], ttl=None)
    args = build_parser().parse_args(["token", "create", "another-cms", "--scope", "check,publish"])
    assert args.func(args, settings) == 0  # a new name is a service account: allowed


def test_a_publish_token_stops_working_when_its_account_is_no_longer_a_service_account(env):
    client, people, settings, _ = env
    gate = {"channel": "website", "title": TITLE, "body": BODY}
    assert client.post("/api/v1/publish-gate", json=gate, headers=people["cms"].headers).status_code == 200
    with unit_of_work(settings) as session:
        session.scalar(select(User).where(User.username == "site-cms")).role = "editor"
    r = client.post("/api/v1/publish-gate", json=gate, headers=people["cms"].headers)
    assert r.status_code == 403 and r.json()["code"] == "not_a_service_account"


def test_a_person_token_given_publish_behind_the_services_back_is_refused(env):
    client, people, settings, _ = env
    with unit_of_work(settings) as session:
        for record in session.scalars(select(ApiToken).where(ApiToken.name == "rev1")):
            record.scopes = ["drafts", "publish"]
    gate = {"channel": "website", "title": TITLE, "body": BODY}
    r = client.post("/api/v1/publish-gate", json=gate, headers=people["rev1"].headers)
    assert r.status_code == 403 and r.json()["code"] == "not_a_service_account"


# --- CMS drafts on behalf of a person -----------------------------------------------------------


def _cms_create(client, cms, **extra):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/drafts", json={"title": TITLE, "body": BODY, **extra}, headers=cms)


def test_a_cms_draft_is_authored_by_the_named_person_and_they_cannot_review_it(env):
    client, people, settings, cms = env
    r = _cms_create(client, cms, on_behalf_of="rev1")  # a CMS editor who is also 初审
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["author"], draft["created_by"]) == ("rev1", "site-cms")
    # the CMS reads, updates and submits what it created, standing in for the author
    assert client.get(f"/api/v1/drafts/{draft['id']}", headers=cms).status_code == 200
    updated = client.put(
        f"/api/v1/drafts/{draft['id']}", json={"title": TITLE, "body": BODY + "特此通知。"}, headers=cms
    )
    assert updated.status_code == 200 and updated.json()["current_version"] == 2, updated.text
    submitted = client.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=cms)
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review", submitted.text
    for who in ("proof1", "proof2", "proof3"):
        ok = client.post(f"/api/v1/drafts/{draft['id']}/actions", json={"action": "pass"}, headers=people[who].headers)
        assert ok.status_code == 200, ok.text
    own = client.post(
        f"/api/v1/drafts/{draft['id']}/actions", json={"action": "approve"}, headers=people["rev1"].headers
    )
    assert own.status_code in (403, 409), own.text  # separation of duties binds the author
    assert (
        "approve" not in client.get(f"/api/v1/drafts/{draft['id']}", headers=people["rev1"].headers).json()["actions"]
    )
    # the CMS cannot act on a review stage either
    cms_act = client.post(f"/api/v1/drafts/{draft['id']}/actions", json={"action": "approve"}, headers=cms)
    assert cms_act.status_code in (403, 409)
    with unit_of_work(settings) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.draft_id == draft["id"])).all()
        cms_id = session.scalar(select(User.id).where(User.username == "site-cms"))
        created = next(r for r in rows if r.kind == "draft_created")
        assert created.actor_id == cms_id and created.data["author"] == people["rev1"].user_id
        assert any(r.kind == "submitted" and r.data.get("via") == cms_id for r in rows)


@pytest.mark.parametrize(
    ("on_behalf_of", "code", "status"),
    [
        ("nobody-here", "invalid_author", 422),
        ("site-cms", "invalid_author", 422),  # a service account is nobody's author
        ("retired", "invalid_author", 422),  # inactive
    ],
)
def test_a_cms_must_name_a_real_active_person(env, on_behalf_of, code, status):
    client, _, settings, cms = env
    from review_service.users import create_user

    with unit_of_work(settings) as session:
        user, _ = create_user(session, username="retired", role="editor", password="pw-retired")
        user.is_active = False
        before = session.scalar(select(func.count()).select_from(Draft))
    r = _cms_create(client, cms, on_behalf_of=on_behalf_of)
    assert r.status_code == status and r.json()["code"] == code, r.text
    assert r.json()["message"]["zh"] and r.json()["message"]["en"]
    with unit_of_work(settings) as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == before


def test_a_cms_must_name_the_author(env):
    """A service account is nobody's author: without on_behalf_of nothing is created."""
    client, people, settings, cms = env
    with unit_of_work(settings) as session:
        before = session.scalar(select(func.count()).select_from(Draft))
    r = _cms_create(client, cms)
    assert r.status_code == 422 and r.json()["code"] == "author_required", r.text
    assert r.json()["message"]["zh"] and r.json()["message"]["en"]
    with unit_of_work(settings) as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == before
    # a person still creates their own drafts without naming anyone (or naming themselves)
    own = client.post("/api/v1/drafts", json={"title": TITLE, "body": BODY}, headers=people["editor"].headers)
    assert own.status_code == 201 and (own.json()["author"], own.json()["created_by"]) == ("editor", "editor")
    named = client.post(
        "/api/v1/drafts",
        json={"title": TITLE, "body": BODY, "on_behalf_of": "editor"},
        headers=people["editor"].headers,
    )
    assert named.status_code == 201 and named.json()["author"] == "editor"


def test_a_person_cannot_create_a_draft_on_someone_elses_behalf(env):
    client, people, _, _ = env
    r = client.post(
        "/api/v1/drafts", json={"title": TITLE, "body": BODY, "on_behalf_of": "rev1"}, headers=people["editor"].headers
    )
    assert r.status_code == 403 and r.json()["code"] == "not_a_service_account"


def test_a_cms_sees_only_the_drafts_it_created(env):
    client, people, _, cms = env
    own = _cms_create(client, cms, on_behalf_of="editor").json()
    other = client.post("/api/v1/drafts", json={"title": TITLE, "body": BODY}, headers=people["editor"].headers).json()
    assert client.get(f"/api/v1/drafts/{other['id']}", headers=cms).status_code == 404
    assert [d["id"] for d in client.get("/api/v1/drafts", headers=cms).json()] == [own["id"]]
    assert client.get(f"/api/v1/drafts/{own['id']}", headers=people["editor"].headers).json()["author"] == "editor"


def test_drafts_created_before_the_migration_keep_their_author(tmp_path):
    settings = make_settings(tmp_path)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), "0006")
    engine = get_engine(settings.sqlalchemy_url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO users (id, username, display_name, role, is_active) VALUES (7, 'li', 'li', 'editor', 1)")
        )
        conn.execute(
            text(
                "INSERT INTO drafts (id, channel, workflow, doc_type, author_id, status, run_state, revision, "
                "priority) VALUES (3, 'website', 'website', 'other', 7, 'draft', '{}', 0, 0)"
            )
        )
    upgrade(settings)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT author_id, created_by_id FROM drafts WHERE id = 3")).one() == (7, 7)
