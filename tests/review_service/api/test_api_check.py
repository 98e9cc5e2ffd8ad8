"""POST /api/v1/check and /mask through the real app: contract, auth and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import ApiToken
from review_service.tokens import hash_token
from tests.api_helpers import make_settings, mint_token
from tests.factories import resident_id

ID = resident_id("44152119900101123")


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return make_settings(tmp_path_factory.mktemp("api"), max_request_bytes=50_000, max_text_chars=20_000)


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def auth(settings):
    return {"Authorization": f"Bearer {mint_token(settings)}"}


def test_check_contract(client, auth):
    text = f"申请人身份证号{ID}，联系电话13800138000。"
    r = client.post("/api/v1/check", json={"text": text, "title": "关于张三的公示", "channel": "website"}, headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"] == "block"
    assert set(body) == {"findings", "verdict", "stats"}
    cats = {f["category"]: f for f in body["findings"]}
    assert text[cats["pii.id_card"]["start"] : cats["pii.id_card"]["end"]] == ID
    for f in body["findings"]:
        assert set(f) == {
            "category",
            "start",
            "end",
            "severity",
            "message",
            "suggestion",
            "rule",
            "explanation",
            "field",
        }
    starts = [(f["field"] != "title", f["start"]) for f in body["findings"]]
    assert starts == sorted(starts)


def test_clean_text_passes(client, auth):
    r = client.post("/api/v1/check", json={"text": "县政府召开常务会议，研究部署安全生产工作。"}, headers=auth)
    assert r.status_code == 200
    assert r.json() == {**r.json(), "verdict": "pass", "findings": []}


def test_html_offsets_point_into_source(client, auth):
    html = "<p>联系电话：<strong>13800138000</strong></p>"
    r = client.post("/api/v1/check", json={"text": html, "format": "html"}, headers=auth)
    f = next(x for x in r.json()["findings"] if x["category"] == "pii.phone")
    assert html[f["start"] : f["end"]] == "13800138000"


def test_mask_replaces_every_pii_span(client, auth):
    text = f"身份证号{ID}，电话13800138000，监督电话0660-8812345。"
    r = client.post("/api/v1/mask", json={"text": text, "title": "联系人：王小明"}, headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["text"] == f"身份证号{ID[:4]}{'*' * 10}{ID[-4:]}，电话138****8000，监督电话0660-8812345。"
    assert body["title"] == "联系人：王*明"
    assert {f["category"] for f in body["masked"]} == {"pii.id_card", "pii.phone", "pii.person_name"}


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "missing_token"),
        ({"Authorization": "Bearer rvs_not-a-real-token"}, "invalid_token"),
        ({"Authorization": "Basic abc"}, "missing_token"),
    ],
)
def test_auth_errors(client, headers, code):
    r = client.post("/api/v1/check", json={"text": "测试"}, headers=headers)
    assert r.status_code == 401
    assert r.json()["code"] == code
    assert r.json()["message"]["zh"] and r.json()["message"]["en"]


def test_revoked_and_expired_tokens_are_refused(client, settings):
    token = mint_token(settings, name="to-revoke")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/check", json={"text": "测试"}, headers=headers).status_code == 200
    with unit_of_work(settings) as session:
        record = session.query(ApiToken).filter_by(token_hash=hash_token(token)).one()
        record.revoked_at = dt.datetime.now(dt.UTC)
    assert client.post("/api/v1/check", json={"text": "测试"}, headers=headers).json()["code"] == "invalid_token"
    expired = mint_token(settings, name="expired", days=-1)
    r = client.post("/api/v1/check", json={"text": "测试"}, headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401


def test_scope_is_enforced(client, settings):
    token = mint_token(settings, name="publisher", scopes=["publish"])
    r = client.post("/api/v1/check", json={"text": "测试"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    assert r.json()["code"] == "insufficient_scope"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"text": ""}, 422, "empty_text"),
        ({"text": "   \n "}, 422, "empty_text"),
        ({}, 422, "invalid_text"),
        ({"text": 123}, 422, "invalid_text"),
        ({"text": "测试", "channel": "weibo"}, 422, "invalid_channel"),
        ({"text": "测试", "doc_type": "memo"}, 422, "invalid_doc_type"),
        ({"text": "测试", "doc_date": "2024-02-30"}, 422, "invalid_doc_date"),
        ({"text": "测试", "format": "pdf"}, 422, "invalid_format"),
        ({"text": "测试", "metadata": {"colour": "red"}}, 422, "unexpected_field"),
        ({"text": "测试", "channel": "weibo", "colour": "red"}, 422, "unexpected_field"),
        ({"text": "a" * 20_001}, 413, "text_too_long"),
    ],
)
def test_bad_input(client, auth, payload, status, code):
    r = client.post("/api/v1/check", json=payload, headers=auth)
    assert (r.status_code, r.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"text": "\xff\xfe"}', "invalid_json"),
        (b'{"text": ', "invalid_json"),
        (b"not json at all", "invalid_json"),
    ],
)
def test_malformed_bodies(client, auth, content, code):
    r = client.post("/api/v1/check", content=content, headers={**auth, "Content-Type": "application/json"})
    assert r.status_code in (400, 422)
    assert r.json()["code"] == code


def test_body_over_limit_is_413(client, auth):
    r = client.post("/api/v1/check", json={"text": "a" * 60_000}, headers=auth)
    assert r.status_code == 413
    assert r.json()["code"] == "payload_too_large"


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json").json()
    assert "/api/v1/check" in spec["paths"] and "/api/v1/mask" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_unknown_path_is_json_404(client):
    r = client.get("/api/v1/nope")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
