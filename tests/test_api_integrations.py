"""What a browser widget needs from the service: short-lived tokens, CORS for listed origins only, the files."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import ApiToken
from review_service.tokens import hash_token
from tests.api_helpers import make_settings, mint_token

ALLOWED = "https://cms.example.gov.cn"
REFUSED = "https://evil.example"


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return make_settings(tmp_path_factory.mktemp("integrations"), cors_origins=f"{ALLOWED}, http://127.0.0.1:9")


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def cms(settings):
    return {"Authorization": f"Bearer {mint_token(settings, name='site-cms', scopes=['check', 'publish'])}"}


def mint(client, cms, **body):
    return client.post("/api/v1/tokens/ephemeral", json={"user": "zhangsan", **body}, headers=cms)


def test_cms_mints_a_check_only_token_that_expires_in_minutes(client, cms, settings):
    r = mint(client, cms)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["scopes"] == ["check"] and out["user"] == "zhangsan"
    lifetime = dt.datetime.fromisoformat(out["expires_at"]) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=9) < lifetime <= dt.timedelta(minutes=10)
    browser = {"Authorization": f"Bearer {out['token']}"}
    assert client.post("/api/v1/check", json={"text": "联系电话13800138000"}, headers=browser).status_code == 200
    gate = client.post("/api/v1/publish-gate", json={"channel": "website", "title": "t", "body": "b"}, headers=browser)
    assert gate.status_code == 403 and gate.json()["code"] == "insufficient_scope"
    again = client.post("/api/v1/tokens/ephemeral", json={"user": "x"}, headers=browser)
    assert again.status_code == 403 and again.json()["code"] == "insufficient_scope"
    with unit_of_work(settings) as session:
        record = session.query(ApiToken).filter_by(token_hash=hash_token(out["token"])).one()
        assert record.name == "ephemeral:zhangsan" and record.user.username == "site-cms"


def test_lifetime_is_capped_and_an_expired_token_is_refused_then_purged(client, cms, settings):
    assert mint(client, cms, ttl_seconds=3600).json()["expires_at"]  # asks for an hour …
    capped = dt.datetime.fromisoformat(mint(client, cms, ttl_seconds=3600).json()["expires_at"])
    assert capped - dt.datetime.now(dt.UTC) <= dt.timedelta(seconds=settings.ephemeral_token_seconds)  # … gets 10 min
    token = mint(client, cms, ttl_seconds=30).json()["token"]
    with unit_of_work(settings) as session:
        record = session.query(ApiToken).filter_by(token_hash=hash_token(token)).one()
        record.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    r = client.post("/api/v1/check", json={"text": "x"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    mint(client, cms)
    with unit_of_work(settings) as session:
        assert session.query(ApiToken).filter_by(token_hash=hash_token(token)).one_or_none() is None


def test_only_a_service_account_with_publish_scope_mints(client, settings):
    check_only = {"Authorization": f"Bearer {mint_token(settings, name='cms-check-only', scopes=['check'])}"}
    r = mint(client, check_only)
    assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"
    from review_service.users import create_user

    with unit_of_work(settings) as session:
        create_user(session, username="li-editor", role="editor", password="pw-li-editor")
    person_token = mint_token(settings, name="li-editor", scopes=["check", "publish"])
    r = mint(client, {"Authorization": f"Bearer {person_token}"})
    assert r.status_code == 403 and r.json()["code"] == "not_a_service_account"
    assert r.json()["message"]["zh"] and r.json()["message"]["en"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"user": ""}, "invalid_user"),
        ({"user": "a\nb"}, "invalid_user"),
        ({"user": "a", "ttl_seconds": 5}, "invalid_ttl_seconds"),
        ({}, "invalid_user"),
        ({"user": "a", "scopes": ["publish"]}, "invalid_request"),
    ],
)
def test_bad_mint_requests_get_a_clear_error(client, cms, body, code):
    r = client.post("/api/v1/tokens/ephemeral", json=body, headers=cms)
    assert r.status_code == 422 and r.json()["code"] == code, r.text


def test_cors_answers_listed_origins_only(client, cms):
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    ok = client.options("/api/v1/check", headers={"Origin": ALLOWED, **pre})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == ALLOWED
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    refused = client.options("/api/v1/check", headers={"Origin": REFUSED, **pre})
    assert "access-control-allow-origin" not in refused.headers
    r = client.post("/api/v1/check", json={"text": "你好"}, headers={"Origin": ALLOWED, **cms})
    assert r.headers["access-control-allow-origin"] == ALLOWED
    r = client.post("/api/v1/check", json={"text": "你好"}, headers={"Origin": REFUSED, **cms})
    assert "access-control-allow-origin" not in r.headers


def test_no_cors_unless_configured(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as c:
        r = c.options("/api/v1/check", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("value", ["*", "cms.example.gov.cn", "https://cms.example.gov.cn/path"])
def test_cors_setting_takes_exact_origins_only(tmp_path, value):
    with pytest.raises(ValueError, match="REVIEW_CORS_ORIGINS"):
        make_settings(tmp_path, cors_origins=value)


def test_widget_and_demo_are_served(client):
    js = client.get("/integrations/widget/review-widget.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "export function attachReviewWidget" in js.text
    demo = client.get("/integrations/widget/demo")
    assert demo.status_code == 200 and "review-widget.js" in demo.text
