"""Bad input and abuse on the web pages: every answer is a clear page, never a 500, never a change."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import Draft, DraftVersion
from review_service.users import create_user
from tests.web_helpers import csrf_of, login, login_attempt
from tests.workflow_helpers import Person, make_people

CLEAN = "区政府召开常务会议，研究部署安全生产工作。"


@pytest.fixture()
def site(tmp_path) -> Iterator[tuple[Settings, dict[str, Person], TestClient, str]]:
    settings = Settings(data_dir=tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield settings, people, client, login(client, "editor")


def _save(client: TestClient, token: str, **fields: str):
    return client.post("/workspace", data={"csrf_token": token, "op": "save", "title": "通知", "body": CLEAN, **fields})


def _count(settings: Settings, model: type) -> int:
    with unit_of_work(settings) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    "fields",
    [
        {"draft_id": "²"},
        {"expected_revision": "³"},
        {"priority": "²"},
        {"priority": "--1"},
        {"due_date": "2024-W01-1"},
        {"written_date": "９９９９-01-01"},
        {"channel": "internal"},
        {"body_format": "html", "body": "<svg/onload=alert(1)>"},
        {"body_format": "html", "body": '<a href="javascript&colon;alert(1)">x</a>'},
    ],
)
def test_odd_workspace_values_are_refused_clearly(site, fields: dict[str, str]) -> None:
    settings, _, client, token = site
    response = _save(client, token, **fields)
    assert response.status_code in (200, 409, 422) and response.headers["content-type"].startswith("text/html")
    if fields.get("channel") == "internal" or "body_format" in fields or "due_date" in fields:
        assert response.status_code == 422 and _count(settings, Draft) == 0


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/drafts/1/act", {"action": "pass", "expected_revision": "²"}),
        ("/drafts/1/waive", {"finding_key": "x", "reason": "r", "expected_revision": "²"}),
        ("/drafts/0/act", {"action": "pass"}),
        ("/drafts/99999999999/comment", {"body": "x"}),
        ("/drafts/abc/act", {"action": "pass"}),
    ],
)
def test_odd_decision_posts_never_fail_with_500(site, path: str, data: dict[str, str]) -> None:
    _, _, client, token = site
    _save(client, token)
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code < 500 and response.headers["content-type"].startswith("text/html")


def test_web_validation_errors_are_pages_and_api_errors_stay_json(site) -> None:
    _, people, client, _ = site
    page = client.get("/drafts/abc")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/drafts/abc", headers=people["editor"].headers)
    assert api.status_code == 422 and api.json()["code"]
    far = client.get("/dashboard/ledger.csv?from=9999-12-30&to=9999-12-31")
    assert far.status_code < 500


def test_metadata_only_fix_of_a_returned_draft_makes_a_new_version(site) -> None:
    settings, _, client, token = site
    _save(client, token, doc_number="陆府办函[2024]121号")
    with unit_of_work(settings) as session:
        draft_id = session.scalars(select(Draft.id)).one()
    client.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "submit"})
    with TestClient(create_app(settings)) as proof:
        proof_token = login(proof, "proof1")
        proof.post(f"/drafts/{draft_id}/act", data={"csrf_token": proof_token, "action": "return", "comment": "文号"})
    form = client.get(f"/drafts/{draft_id}/edit").text
    revision = re.search(r'name="expected_revision" value="(\d+)"', form).group(1)
    key = re.search(r'value="(apply:metadata:format\.doc_number:[^"]+)"', form).group(1)
    fields = {"draft_id": str(draft_id), "expected_revision": revision, "doc_number": "陆府办函[2024]121号"}
    fixed = client.post("/workspace", data={"csrf_token": token, "op": key, "title": "通知", "body": CLEAN, **fields})
    assert 'name="doc_number" value="陆府办函〔2024〕121号"' in fixed.text
    saved = _save(client, token, **{**fields, "doc_number": "陆府办函〔2024〕121号"})
    assert "已保存第 2 版" in saved.text
    assert "<del>[</del><ins>〔</ins>" in saved.text  # reviewers see the metadata change in the diff
    assert "陆府办函〔2024〕121号" in saved.text.split('id="metadata"')[1].split("</table>")[0]
    with unit_of_work(settings) as session:
        assert session.scalar(select(func.count()).select_from(DraftVersion)) == 2


def test_a_draft_by_someone_without_a_department_reaches_reviewers(site) -> None:
    settings, _, _, _ = site
    with unit_of_work(settings) as session:
        create_user(session, username="loner", role="editor", password="pw-loner")
    with TestClient(create_app(settings)) as loner:
        token = login(loner, "loner")
        loner.post("/workspace", data={"csrf_token": token, "op": "save_submit", "title": "通知", "body": CLEAN})
    with TestClient(create_app(settings)) as proof:
        login(proof, "proof1")
        assert 'data-draft="1"' in proof.get("/queue").text


def test_other_people_cannot_open_an_authors_edit_page(site) -> None:
    settings, _, client, token = site
    _save(client, token)
    with TestClient(create_app(settings)) as other:
        login(other, "editor2")
        page = other.get("/drafts/1/edit")
        assert "只有作者或当前环节的校对人员可以修改稿件" in page.text and "btn-save" not in page.text


def test_password_page_guesses_count_towards_the_lockout(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, login_max_failures=3)
    make_people(settings)
    with TestClient(create_app(settings)) as client:
        token = login(client, "rev1")
        for _ in range(3):
            bad = client.post(
                "/password",
                data={"csrf_token": token, "old_password": "guess", "new_password": "x" * 10, "confirm": "x" * 10},
            )
            assert bad.status_code == 422
        client.cookies.clear()
        assert login_attempt(client, "rev1", "pw-rev1")[0] == 423


def test_api_password_change_ends_web_sessions(site) -> None:
    _, _, client, _ = site
    change = client.post(
        "/api/v1/auth/password",
        json={"username": "editor", "old_password": "pw-editor", "new_password": "another-passphrase"},
    )
    assert change.status_code == 204
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_admins_cannot_mint_drafts_tokens_in_a_persons_name(site) -> None:
    settings, _, _, _ = site
    with unit_of_work(settings) as session:
        create_user(session, username="boss", role="admin", password="pw-boss")
    with TestClient(create_app(settings)) as admin:
        token = login(admin, "boss")
        refused = admin.post(
            "/admin/tokens", data={"csrf_token": token, "username": "rev3", "days": "30", "scopes": ["drafts"]}
        )
        assert refused.status_code == 422 and "shown-secret" not in refused.text
        allowed = admin.post(
            "/admin/tokens", data={"csrf_token": token, "username": "site-cms", "days": "30", "scopes": ["publish"]}
        )
        assert "shown-secret" in allowed.text


def test_pages_are_not_cached_and_the_signoff_keeps_its_style(site) -> None:
    _, _, client, token = site
    _save(client, token)
    assert client.get("/queue").headers["cache-control"] == "no-store"
    sheet = client.get("/drafts/1/signoff")
    assert "style-src 'unsafe-inline'" in sheet.headers["content-security-policy"] and "<style>" in sheet.text
    assert "script" not in sheet.headers["content-security-policy"]


def test_queue_shows_my_returned_drafts_and_colleagues_claims(site) -> None:
    settings, _, client, token = site
    for title in ("一号通知", "二号通知"):
        client.post(
            "/workspace", data={"csrf_token": token, "op": "save_submit", "title": title, "body": CLEAN + title}
        )
    with TestClient(create_app(settings)) as proof1, TestClient(create_app(settings)) as proof2:
        t1 = login(proof1, "proof1")
        proof1.post("/drafts/1/act", data={"csrf_token": t1, "action": "claim"})
        proof1.post("/drafts/2/act", data={"csrf_token": t1, "action": "return", "comment": "请补充"})
        login(proof2, "proof2")
        queue = proof2.get("/queue").text
        claimed = queue.split('id="claimed"')[1]
        assert 'data-draft="1"' in claimed and "proof1" in claimed
    page = client.get("/queue").text
    assert 'data-draft="2"' in page.split('id="returned"')[1]
    assert re.search(r'id="pending-count">1<', page)
    assert csrf_of(page) == token
