"""/check and /mask refuse active content as a draft refuses it, with the same code and message.

The editor widget calls /check with a short-lived browser token while the editor types, so the
refusal reaches the editor before submission; inert HTML keeps being checked as before.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from tests.api_helpers import make_settings, mint_token

ACTIVE = [
    ('<p>通知。</p><img src="x" onerror="alert(1)">', "onerror"),
    ("<p>通知。</p><script>alert(1)</script>", "script"),
    ('<p><a href="javascript:alert(1)">点此</a></p>', "javascript:"),
    ('<p>通知。</p><!--><img src="x" onerror="alert(1)">-->', "onerror"),
    ('<p style="background:url(https://example.org/x.png)">通知</p>', "url("),
    ('<p>通知</p><iframe src="https://example.org"></iframe>', "iframe"),
    ("<p>通知</p><svg><circle r='1'/></svg>", "svg"),
]
MISLEADING = [
    ('<p><a href="https://a.example" href="https://b.example">链接</a></p>', "duplicate_attribute"),
    ("<p>通知</p><!-- 注释 --!><p>正文</p>", "incorrectly_closed_comment"),
    ('<p>通知</p><img src="x"', "eof_in_tag"),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return make_settings(tmp_path_factory.mktemp("check-html"))


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def auth(settings):
    return {"Authorization": f"Bearer {mint_token(settings)}"}


def _draft_refusal(client: TestClient, settings, html: str) -> dict:
    token = mint_token(settings, name="cms-drafts", scopes=["drafts"])
    r = client.post(
        "/api/v1/drafts",
        json={"title": "通知", "body": html, "format": "html"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 422
    return r.json()


@pytest.mark.parametrize(("html", "named"), ACTIVE)
@pytest.mark.parametrize("path", ["/api/v1/check", "/api/v1/mask"])
def test_active_content_is_refused_as_drafts_refuse_it(client, settings, auth, path, html, named):
    r = client.post(path, json={"text": html, "format": "html"}, headers=auth)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "active_content"
    assert named in body["message"]["zh"] and named in body["message"]["en"]
    assert "活动内容" in body["message"]["zh"]
    assert body == _draft_refusal(client, settings, html)  # one refusal, word for word


@pytest.mark.parametrize(("html", "code"), MISLEADING)
def test_misleading_html_is_checked_as_the_browser_shows_it_and_refused_only_as_a_draft(
    client, settings, auth, html, code
):
    r = client.post("/api/v1/check", json={"text": html, "format": "html"}, headers=auth)
    assert r.status_code == 200  # the editor sees findings in what a browser would show
    assert _draft_refusal(client, settings, html)["code"] == code


def test_plain_text_with_the_same_characters_is_checked(client, auth):
    text = '通知。<img src="x" onerror="alert(1)"><script>联系电话13800138000</script>'
    r = client.post("/api/v1/check", json={"text": text, "format": "text"}, headers=auth)
    assert r.status_code == 200
    assert "pii.phone" in {f["category"] for f in r.json()["findings"]}


def test_inert_html_is_still_checked(client, auth):
    html = (
        '<p style="text-indent:2em">联系电话：<strong>13800138000</strong></p><p><a href="https://gov.cn">链接</a></p>'
    )
    r = client.post("/api/v1/check", json={"text": html, "format": "html"}, headers=auth)
    assert r.status_code == 200
    assert "pii.phone" in {f["category"] for f in r.json()["findings"]}


def test_widget_token_gets_the_refusal(client, settings):
    cms = {"Authorization": f"Bearer {mint_token(settings, name='cms-widget', scopes=['check', 'publish'])}"}
    minted = client.post("/api/v1/tokens/ephemeral", json={"user": "zhangsan"}, headers=cms)
    assert minted.status_code == 201
    browser = {"Authorization": f"Bearer {minted.json()['token']}"}
    html = '<p>通知</p><img src="x" onerror="alert(1)">'
    r = client.post("/api/v1/check", json={"text": html, "format": "html"}, headers=browser)
    assert r.status_code == 422
    assert r.json()["code"] == "active_content"
    ok = client.post("/api/v1/check", json={"text": "<p>通知</p>", "format": "html"}, headers=browser)
    assert ok.status_code == 200
