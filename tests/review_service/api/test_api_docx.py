"""POST /api/v1/check/docx: visible text is checked, hidden content is reported, bad files refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from tests.api_helpers import make_settings, mint_token
from tests.docx_factory import deletion, make_docx, para, run

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def client_and_auth(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("docx"))
    token = mint_token(settings)
    with TestClient(create_app(settings)) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def upload(client, auth, data: bytes, **form):
    return client.post("/api/v1/check/docx", files={"file": ("draft.docx", data, DOCX)}, data=form, headers=auth)


def test_docx_findings_point_into_returned_text(client_and_auth):
    client, auth = client_and_auth
    data = make_docx(
        [para(run("联系电话：13800138000。")), para(run("已删除"), deletion("内部资料不得外传"))],
        author="李科长",
        company="某县人民政府办公室",
        comments=[("王审核", "此段涉密，请删除")],
    )
    r = upload(client, auth, data)
    assert r.status_code == 200
    body = r.json()
    phone = next(f for f in body["findings"] if f["category"] == "pii.phone")
    assert body["text"][phone["start"] : phone["end"]] == "13800138000"
    cats = {f["category"] for f in body["findings"]}
    assert {"secret.docx_revisions", "secret.docx_comments", "metadata.docx_properties"} <= cats
    assert "内部资料" not in body["text"]  # the tracked deletion is not visible text
    assert body["verdict"] == "block"


def test_clean_docx_passes(client_and_auth):
    client, auth = client_and_auth
    r = upload(client, auth, make_docx([para(run("县政府召开常务会议，研究部署安全生产工作。"))]), channel="new_media")
    assert r.status_code == 200
    assert (r.json()["verdict"], r.json()["findings"]) == ("pass", [])


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"not a docx", "docx_invalid"), (b"PK\x03\x04garbage", "docx_invalid"), (b"", "docx_invalid")],
)
def test_broken_docx_is_a_clear_error(client_and_auth, data, code):
    client, auth = client_and_auth
    r = upload(client, auth, data)
    assert r.status_code == 422
    assert r.json()["code"] == code
    assert r.json()["message"]["zh"]


def test_missing_file_field(client_and_auth):
    client, auth = client_and_auth
    r = client.post("/api/v1/check/docx", data={"channel": "website"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_file")
