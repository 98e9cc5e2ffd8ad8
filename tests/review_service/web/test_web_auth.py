"""Web login: wrong passwords, lock-out shared with the API, CSRF on every form, logout, headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from tests.web_helpers import login, login_attempt
from tests.workflow_helpers import Person, make_people


@pytest.fixture()
def web(tmp_path) -> Iterator[tuple[TestClient, dict[str, Person], Settings]]:
    settings = Settings(data_dir=tmp_path, login_max_failures=3, login_lockout_minutes=10)
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people, settings


def test_pages_need_a_login_and_come_back_after_it(web) -> None:
    client, _, _ = web
    response = client.get("/queue?stage=一校", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/queue")


def test_wrong_password_is_a_clear_message_and_no_session(web) -> None:
    client, _, _ = web
    status, text = login_attempt(client, "editor", "wrong")
    assert status == 401 and "用户名或密码错误" in text
    assert "rs_session" not in client.cookies
    status, text = login_attempt(client, "nobody", "wrong")
    assert status == 401 and "用户名或密码错误" in text  # same answer: no username probing


def test_repeated_failures_lock_the_account_for_web_and_api(web) -> None:
    client, _, _ = web
    for _ in range(3):
        assert login_attempt(client, "proof1", "wrong")[0] == 401
    status, text = login_attempt(client, "proof1", "pw-proof1")
    assert status == 423 and "锁定" in text
    api = client.post("/api/v1/auth/login", json={"username": "proof1", "password": "pw-proof1"})
    assert api.status_code == 423 and api.json()["code"] == "account_locked"


def test_api_failures_count_towards_the_same_lockout(web) -> None:
    client, _, _ = web
    for _ in range(3):
        r = client.post("/api/v1/auth/login", json={"username": "rev1", "password": "nope"})
        assert r.status_code == 401
    assert login_attempt(client, "rev1", "pw-rev1")[0] == 423


def test_a_success_resets_the_failure_count(web) -> None:
    client, _, _ = web
    for _ in range(2):
        login_attempt(client, "rev2", "wrong")
    login(client, "rev2")
    client.cookies.clear()
    for _ in range(2):
        login_attempt(client, "rev2", "wrong")
    assert login_attempt(client, "rev2", "pw-rev2")[0] == 303


def test_the_session_cookie_is_httponly_and_samesite(web) -> None:
    client, _, _ = web
    page = client.get("/login")
    token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"username": "editor", "password": "pw-editor", "login_csrf": token}, follow_redirects=False
    )
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("rs_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_login_form_without_its_token_is_refused(web) -> None:
    client, _, _ = web
    response = client.post("/login", data={"username": "editor", "password": "pw-editor"}, follow_redirects=False)
    assert response.status_code == 403 and "rs_session" not in client.cookies


def test_forms_without_the_session_csrf_token_change_nothing(web) -> None:
    client, _, _ = web
    login(client, "editor")
    data = {"title": "标题", "body": "正文内容。", "op": "save"}
    for token in (None, "forged"):
        form = dict(data, **({"csrf_token": token} if token else {}))
        response = client.post("/workspace", data=form)
        assert response.status_code == 403 and "CSRF" in response.text
    assert "没有稿件" in client.get("/drafts?mine=1").text


def test_logout_ends_the_session_on_the_server(web) -> None:
    client, _, _ = web
    token = login(client, "editor")
    secret = client.cookies.get("rs_session")
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    client.cookies.set("rs_session", secret)  # a copied cookie is useless after logout
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_pages_carry_a_strict_content_security_policy(web) -> None:
    client, _, _ = web
    login(client, "editor")
    headers = client.get("/workspace").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert "Content-Security-Policy" not in client.get("/api/v1/health").headers


def test_the_login_link_cannot_send_people_to_another_site(web) -> None:
    client, _, _ = web
    page = client.get("/login")
    token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"username": "editor", "password": "pw-editor", "login_csrf": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_password_change_rules_and_other_sessions_end(web) -> None:
    client, _, settings = web
    token = login(client, "proof2")
    with TestClient(create_app(settings)) as other:
        login(other, "proof2")
        bad = client.post(
            "/password",
            data={"csrf_token": token, "old_password": "pw-proof2", "new_password": "short", "confirm": "short"},
        )
        assert bad.status_code == 422 and "至少 8 位" in bad.text
        ok = client.post(
            "/password",
            data={
                "csrf_token": token,
                "old_password": "pw-proof2",
                "new_password": "long-enough-1",
                "confirm": "long-enough-1",
            },
            follow_redirects=False,
        )
        assert ok.status_code == 303
        assert other.get("/queue", follow_redirects=False).headers["location"].startswith("/login")
    assert client.get("/queue").status_code == 200
    assert login_attempt(client, "proof2", "long-enough-1")[0] == 303


def test_unknown_names_lock_the_same_way_so_nothing_tells_which_exist(web) -> None:
    client, _, _ = web
    answers = {}
    for name in ("proof3", "no-such-person"):
        for _ in range(3):
            login_attempt(client, name, "wrong")
        answers[name] = login_attempt(client, name, "wrong")
    assert answers["proof3"][0] == answers["no-such-person"][0] == 423
    assert "锁定" in answers["no-such-person"][1]
