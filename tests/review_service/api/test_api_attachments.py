"""Draft attachments: stored in the database, checked on upload, locked after submission, covered by the gate."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from checks.canonical import content_hash
from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import AuditEntry, DraftAttachment
from tests import attachment_factory as af
from tests.api_helpers import make_settings
from tests.factories import resident_id
from tests.workflow_helpers import make_people

ID = resident_id("44152119900101123")
TITLE = "关于2024年度临时救助对象的公示"
CLEAN = "经本人申请、村委会评议、镇政府审核，现将临时救助对象名单公示如下（见附件）。"
ROWS = [["序号", "户主姓名", "身份证号", "救助金额"], [1, "王秀英", ID, 900], [2, "李建国", "——", 600]]


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people, settings


def post(client, person, path, json=None, status=200):
    r = client.post(f"/api/v1{path}", json=json or {}, headers=person.headers)
    assert r.status_code == status, r.text
    return r.json()


def upload(client, person, draft_id, data, name, status=201):
    r = client.post(
        f"/api/v1/drafts/{draft_id}/attachments", files={"file": (name, data, "text/plain")}, headers=person.headers
    )
    assert r.status_code == status, r.text
    return r.json()


def approve(client, people, draft_id):
    post(client, people["editor"], f"/drafts/{draft_id}/submit")
    steps = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass")]
    steps += [("rev1", "approve"), ("rev2", "approve"), ("rev3", "approve")]
    for who, action in steps:
        out = post(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})
    assert out["status"] == "approved"


def test_upload_list_download_and_mask_a_spreadsheet(env):
    client, people, settings = env
    draft = post(client, people["editor"], "/drafts", {"title": TITLE, "body": CLEAN}, status=201)
    data = af.xlsx({"名单": ROWS})
    added = upload(client, people["editor"], draft["id"], data, "救助名单.xlsx")
    assert added["sha256"] == hashlib.sha256(data).hexdigest() and added["type"] == "xlsx"
    assert added["verdict"] == "block"
    assert {f["location"]["cell"] for f in added["findings"]} == {"B2", "C2", "B3"}

    listed = client.get(f"/api/v1/drafts/{draft['id']}/attachments", headers=people["rev1"].headers).json()
    assert [a["name"] for a in listed] == ["救助名单.xlsx"]  # reviewers see each attachment with its findings
    content = client.get(
        f"/api/v1/drafts/{draft['id']}/attachments/{added['id']}/content", headers=people["rev1"].headers
    )
    assert content.content == data and content.headers["content-type"] == "application/octet-stream"

    masked = post(client, people["editor"], f"/drafts/{draft['id']}/attachments/{added['id']}/mask")
    assert masked["masked_from"] == added["sha256"] and masked["sha256"] != added["sha256"]
    assert masked["verdict"] == "pass" and masked["findings"] == []
    with unit_of_work(settings) as session:
        stored = session.get(DraftAttachment, added["id"])
        assert ID.encode() not in stored.data  # the unmasked bytes are gone from the database
        kinds = [e.kind for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert [k for k in kinds if k.startswith("attachment_")] == ["attachment_add", "attachment_mask"]
    # the attachments are part of the content: each change is a new version whose hash lists them
    versions = client.get(f"/api/v1/drafts/{draft['id']}/versions", headers=people["editor"].headers).json()
    assert len(versions) == 3
    listed = [{"name": "救助名单.xlsx", "sha256": masked["sha256"]}]
    assert versions[-1]["content_hash"] == content_hash(title=TITLE, body=CLEAN, attachments=listed)


def test_pdf_and_images_are_not_masked_but_redacted_at_the_source(env):
    client, people, _ = env
    draft = post(client, people["editor"], "/drafts", {"title": TITLE, "body": CLEAN}, status=201)
    added = upload(client, people["editor"], draft["id"], af.text_pdf([["身份证号" + ID]]), "名单.pdf")
    r = client.post(f"/api/v1/drafts/{draft['id']}/attachments/{added['id']}/mask", headers=people["editor"].headers)
    assert (r.status_code, r.json()["code"]) == (422, "mask_unsupported")
    assert "源文件" in r.json()["message"]["zh"]


def test_only_the_author_before_submission_changes_attachments(env):
    client, people, _ = env
    draft = post(client, people["editor"], "/drafts", {"title": TITLE, "body": CLEAN}, status=201)
    data = af.csv_bytes([["项目", "金额"], ["道路", 100]])
    assert upload(client, people["rev1"], draft["id"], data, "a.csv", status=403)["code"] == "not_author"
    added = upload(client, people["editor"], draft["id"], data, "a.csv")
    assert upload(client, people["editor"], draft["id"], data, "a.csv", status=409)["code"] == "attachment_exists"
    post(client, people["editor"], f"/drafts/{draft['id']}/submit")
    assert upload(client, people["editor"], draft["id"], data, "b.csv", status=409)["code"] == "attachments_locked"
    r = client.delete(f"/api/v1/drafts/{draft['id']}/attachments/{added['id']}", headers=people["editor"].headers)
    assert (r.status_code, r.json()["code"]) == (409, "attachments_locked")


def test_a_bad_file_is_refused_and_nothing_is_stored(env):
    client, people, settings = env
    draft = post(client, people["editor"], "/drafts", {"title": TITLE, "body": CLEAN}, status=201)
    assert upload(client, people["editor"], draft["id"], b"%PDF-1.7 broken", "坏.pdf", status=422)["code"] == (
        "file_invalid"
    )
    truncated = af.xlsx({"名单": [["户主姓名", "身份证号"], ["王秀英", "x"]]})[:-60]
    refused = upload(client, people["editor"], draft["id"], truncated, "名单.xlsx", status=422)
    assert refused["code"] == "file_invalid" and refused["message"]["zh"] and refused["message"]["en"]
    with unit_of_work(settings) as session:
        assert session.query(DraftAttachment).count() == 0


def test_gate_requires_exactly_the_approved_attachments(env):
    client, people, _ = env
    draft = post(client, people["editor"], "/drafts", {"title": TITLE, "body": CLEAN}, status=201)
    data = af.csv_bytes([["项目", "金额"], ["道路硬化", 5000]])
    added = upload(client, people["editor"], draft["id"], data, "项目.csv")
    approve(client, people, draft["id"])
    ref = {"name": "项目.csv", "sha256": added["sha256"]}
    base = {"channel": "website", "title": TITLE, "body": CLEAN}

    allowed = post(client, people["cms"], "/publish-gate", {**base, "attachments": [ref]})
    assert allowed["decision"] == "allow"
    for attachments, why in [
        ([], "缺少"),
        ([ref, {"name": "另一个.xlsx", "sha256": "0" * 64}], "未经审核"),
        ([{**ref, "sha256": "f" * 64}], "内容已变"),
    ]:
        refused = post(client, people["cms"], "/publish-gate", {**base, "attachments": attachments})
        assert (refused["decision"], refused["reason"]) == ("refuse", "attachments_mismatch")
        assert why in refused["message"]["zh"]
    bad = client.post(
        "/api/v1/publish-gate",
        json={**base, "attachments": [{"name": "x", "sha256": "xyz"}]},
        headers=people["cms"].headers,
    )
    assert bad.status_code == 422
