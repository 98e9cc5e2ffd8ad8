"""What a browser widget needs from the service: short-lived tokens, CORS for listed origins only, the files."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import ApiToken
from review_service.signing import KeyStore, ReceiptError, b64url, canonical_json, verify_receipt
from review_service.tokens import ephemeral_issuer_id, hash_token, revoke_token
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
        assert record.name.startswith("ephemeral:") and record.name.endswith(":zhangsan")
        assert record.user.username == "site-cms"


def test_lifetime_is_capped_and_an_expired_token_is_refused_then_purged(client, cms, settings):
    r = mint(client, cms, ttl_seconds=3600)  # asks for an hour …
    assert r.status_code == 201, r.text
    capped = dt.datetime.fromisoformat(r.json()["expires_at"])
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
    publish_only = {"Authorization": f"Bearer {mint_token(settings, name='cms-pub-only', scopes=['publish'])}"}
    r = mint(client, publish_only)  # a token cannot hand out check when it does not have it
    assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"
    from review_service.users import create_user

    with unit_of_work(settings) as session:
        create_user(session, username="li-editor", role="editor", password="pw-li-editor")
    person_token = mint_token(settings, name="li-editor", scopes=["check"])
    with unit_of_work(settings) as session:  # a person's publish token from before the rule held
        record = session.query(ApiToken).filter_by(token_hash=hash_token(person_token)).one()
        record.scopes = ["check", "publish"]
    r = mint(client, {"Authorization": f"Bearer {person_token}"})
    assert r.status_code == 403 and r.json()["code"] == "not_a_service_account"
    assert r.json()["message"]["zh"] and r.json()["message"]["en"]


def test_a_browser_token_never_outlives_the_token_that_minted_it(client, settings):
    token = mint_token(settings, name="cms-short", scopes=["check", "publish"], days=30)
    with unit_of_work(settings) as session:
        issuer = session.query(ApiToken).filter_by(token_hash=hash_token(token)).one()
        issuer_expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)
        issuer.expires_at = issuer_expires
    out = mint(client, {"Authorization": f"Bearer {token}"})
    assert out.status_code == 201, out.text
    assert dt.datetime.fromisoformat(out.json()["expires_at"]) <= issuer_expires  # not the usual 10 minutes


def test_revoking_the_issuer_ends_its_browser_tokens(client, settings):
    token = mint_token(settings, name="cms-revoked", scopes=["check", "publish"])
    issued = mint(client, {"Authorization": f"Bearer {token}"}).json()
    browser = {"Authorization": f"Bearer {issued['token']}"}
    assert client.post("/api/v1/check", json={"text": "x"}, headers=browser).status_code == 200
    with unit_of_work(settings) as session:
        assert revoke_token(session, prefix=token[:10]) == 1
    r = client.post("/api/v1/check", json={"text": "x"}, headers=browser)
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"

    # a browser token whose name names no issuer (or another account's token) is refused too
    other = mint(client, {"Authorization": f"Bearer {mint_token(settings, name='cms-x', scopes=['check', 'publish'])}"})
    live = mint(client, {"Authorization": f"Bearer {mint_token(settings, name='cms-y', scopes=['check', 'publish'])}"})
    assert other.status_code == live.status_code == 201
    with unit_of_work(settings) as session:
        record = session.query(ApiToken).filter_by(token_hash=hash_token(other.json()["token"])).one()
        foreign = session.query(ApiToken).filter_by(token_hash=hash_token(live.json()["token"])).one()
        record.name = f"ephemeral:{ephemeral_issuer_id(foreign.name)}:zhangsan"
    r = client.post("/api/v1/check", json={"text": "x"}, headers={"Authorization": f"Bearer {other.json()['token']}"})
    assert r.status_code == 401
    with unit_of_work(settings) as session:
        record = session.query(ApiToken).filter_by(token_hash=hash_token(other.json()["token"])).one()
        record.name = "ephemeral:zhangsan"
    r = client.post("/api/v1/check", json={"text": "x"}, headers={"Authorization": f"Bearer {other.json()['token']}"})
    assert r.status_code == 401


def test_a_retired_key_publishes_when_it_retired_and_signs_nothing_after(tmp_path):
    store = KeyStore(tmp_path / "keys")
    old = store.ensure()
    now = dt.datetime.now(dt.UTC)

    def signed_by_old(issued: dt.datetime) -> dict:
        payload = {"content_hash": "sha256:x", "channel": "website", "kid": old, "v": 1}
        payload |= {"issued_at": issued.isoformat(), "expires_at": (issued + dt.timedelta(days=7)).isoformat()}
        return {"payload": payload, "signature": b64url(store.private_key(old).sign(canonical_json(payload)))}

    before = signed_by_old(now - dt.timedelta(minutes=1))
    store.rotate()
    keys = {k["kid"]: k for k in store.jwks()["keys"]}
    assert keys[old]["status"] == "retired" and dt.datetime.fromisoformat(keys[old]["retired_at"]) >= now
    assert "retired_at" not in keys[store.ensure()]
    assert verify_receipt(before, store.jwks(), channel="website")["kid"] == old
    with pytest.raises(ReceiptError) as after:  # someone holding the retired private key
        verify_receipt(signed_by_old(now + dt.timedelta(seconds=5)), store.jwks(), channel="website")
    assert after.value.code == "key_retired"
    with pytest.raises(ReceiptError) as future:
        verify_receipt(store.sign(signed_by_old(now + dt.timedelta(hours=1))["payload"]), store.jwks())
    assert future.value.code == "receipt_not_yet_valid"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"user": ""}, "invalid_user"),
        ({"user": "a\nb"}, "invalid_user"),
        ({"user": "a", "ttl_seconds": 5}, "invalid_ttl_seconds"),
        ({}, "invalid_user"),
        ({"user": "a", "scopes": ["publish"]}, "unexpected_field"),
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
