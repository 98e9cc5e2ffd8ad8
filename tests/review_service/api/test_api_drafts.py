"""Drafts through 三审三校 over the HTTP API, the publish gate and its receipts, the audit ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from checks.canonical import content_hash
from review_service import audit
from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import AuditEntry
from review_service.signing import verify_receipt
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people, race_two_proofreaders

TITLE = "关于开展安全生产大检查的通知"
BODY = "各镇人民政府、街道办事处：\n为切实做好安全生产工作，现就有关事项通知如下。\n联系电话：13800138000。"
CLEAN = "各镇人民政府、街道办事处：\n为切实做好安全生产工作，现就有关事项通知如下。\n联系人：县应急管理局办公室。"


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


def create(client, people, body=BODY, channel="website"):
    return post(client, people["editor"], "/drafts", {"title": TITLE, "body": body, "channel": channel}, status=201)


def through(client, people, draft_id, until="review3"):
    post(client, people["editor"], f"/drafts/{draft_id}/submit")
    steps = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]
    for who, action in steps:
        out = post(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})
    return out


def test_full_workflow_then_gate_allows_exact_content_only(env):
    client, people, _settings = env
    draft = create(client, people, body=CLEAN)
    assert draft["status"] == "draft" and draft["actions"] == ["submit"]
    out = through(client, people, draft["id"])
    assert out["stage"] == "review3" and out["stage_label"] == "终审"
    out = post(client, people["rev3"], f"/drafts/{draft['id']}/actions", {"action": "approve"})
    assert out["status"] == "approved"

    gate = post(client, people["cms"], "/publish-gate", {"channel": "website", "title": TITLE, "body": CLEAN})
    assert gate["decision"] == "allow"
    assert gate["content_hash"] == content_hash(title=TITLE, body=CLEAN)
    jwks = client.get("/api/v1/keys").json()
    payload = verify_receipt(gate["receipt"], jwks, content_hash=gate["content_hash"])
    assert payload["draft_id"] == draft["id"] and payload["channel"] == "website"
    assert {a["stage"] for a in payload["approvers"]} >= {"proof1", "review1", "review2", "review3"}

    changed = post(client, people["cms"], "/publish-gate", {"channel": "website", "title": TITLE, "body": CLEAN + "！"})
    assert (changed["decision"], changed["reason"]) == ("refuse", "not_reviewed")
    other = post(client, people["cms"], "/publish-gate", {"channel": "new_media", "title": TITLE, "body": CLEAN})
    assert (other["decision"], other["reason"]) == ("refuse", "wrong_channel")


def test_gate_refuses_pending_and_stale_versions(env):
    client, people, _ = env
    draft = create(client, people, body=CLEAN)
    pending = post(client, people["cms"], "/publish-gate", {"channel": "website", "title": TITLE, "body": CLEAN})
    assert pending["reason"] == "not_approved" and "草稿" not in pending["message"]["zh"]
    through(client, people, draft["id"])
    post(client, people["rev3"], f"/drafts/{draft['id']}/actions", {"action": "approve"})
    r = client.put(
        f"/api/v1/drafts/{draft['id']}",
        json={"title": TITLE, "body": CLEAN + "补充。"},
        headers=people["editor"].headers,
    )
    assert r.status_code == 200 and r.json()["stage"] == "review1"  # edit after approval goes back to 初审
    stale = post(client, people["cms"], "/publish-gate", {"channel": "website", "title": TITLE, "body": CLEAN})
    assert stale["reason"] == "stale_version"


def test_block_finding_needs_waiver_before_final_approval(env):
    client, people, _ = env
    draft = create(client, people)  # contains a private mobile number: pii.phone block
    through(client, people, draft["id"])
    r = client.post(f"/api/v1/drafts/{draft['id']}/actions", json={"action": "approve"}, headers=people["rev3"].headers)
    assert (r.status_code, r.json()["code"]) == (409, "unresolved_block")
    version = client.get(f"/api/v1/drafts/{draft['id']}/versions/1", headers=people["rev3"].headers).json()
    key = next(f["key"] for f in version["findings"] if f["category"] == "pii.phone")
    r = client.post(
        f"/api/v1/drafts/{draft['id']}/waivers", json={"finding_key": key, "reason": ""}, headers=people["rev3"].headers
    )
    assert r.json()["code"] == "reason_required"
    post(
        client,
        people["rev3"],
        f"/drafts/{draft['id']}/waivers",
        {"finding_key": key, "reason": "该号码为值班手机，经批准公开"},
    )
    assert post(client, people["rev3"], f"/drafts/{draft['id']}/actions", {"action": "approve"})["status"] == "approved"


def test_refusals_are_clear_and_change_nothing(env):
    client, people, _settings = env
    draft = create(client, people, body=CLEAN)
    post(client, people["editor"], f"/drafts/{draft['id']}/submit")
    own = client.post(
        f"/api/v1/drafts/{draft['id']}/actions", json={"action": "pass"}, headers=people["editor"].headers
    )
    assert (own.status_code, own.json()["code"]) == (403, "own_draft")
    no_comment = client.post(
        f"/api/v1/drafts/{draft['id']}/actions", json={"action": "return"}, headers=people["proof1"].headers
    )
    assert (no_comment.status_code, no_comment.json()["code"]) == (422, "comment_required")
    hidden = client.get(f"/api/v1/drafts/{draft['id']}", headers=people["outsider"].headers)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "draft_not_found")
    before = client.get(f"/api/v1/drafts/{draft['id']}", headers=people["proof1"].headers).json()
    assert before["revision"] == 1 and before["stage"] == "proof1"
    post(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "pass"})
    twice = client.post(
        f"/api/v1/drafts/{draft['id']}/actions", json={"action": "pass"}, headers=people["proof1"].headers
    )
    assert (twice.status_code, twice.json()["code"]) == (403, "holds_other_stage")


def test_return_with_comment_edit_by_proofreader_diff_and_history(env):
    client, people, _ = env
    draft = create(client, people, body=CLEAN)
    post(client, people["editor"], f"/drafts/{draft['id']}/submit")
    edited = post(
        client,
        people["proof1"],
        f"/drafts/{draft['id']}/actions",
        {"action": "edit", "comment": "改正标点", "content": {"title": TITLE, "body": CLEAN.replace("。", "！", 1)}},
    )
    assert edited["current_version"] == 2 and edited["stage"] == "proof1"
    diff = client.get(f"/api/v1/drafts/{draft['id']}/diff?from=1&to=2", headers=people["proof1"].headers).json()
    assert any(line.startswith("+") and "！" in line for line in diff["diff"])
    post(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "return", "comment": "请补充落款"})
    detail = client.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()
    assert detail["status"] == "returned" and detail["actions"] == ["submit"]
    kinds = [
        e["kind"] for e in client.get(f"/api/v1/drafts/{draft['id']}/history", headers=people["editor"].headers).json()
    ]
    assert kinds == ["draft_created", "submitted", "edited", "returned"]


def test_queue_lists_drafts_waiting_for_the_caller(env):
    client, people, _ = env
    draft = create(client, people, body=CLEAN)
    assert client.get("/api/v1/queue", headers=people["proof1"].headers).json() == []
    post(client, people["editor"], f"/drafts/{draft['id']}/submit")
    queue = client.get("/api/v1/queue", headers=people["proof1"].headers).json()
    assert [d["id"] for d in queue] == [draft["id"]]
    assert client.get("/api/v1/queue", headers=people["rev1"].headers).json() == []
    assert client.get("/api/v1/queue", headers=people["editor"].headers).json() == []


def test_concurrent_decisions_exactly_one_wins(env):
    client, people, _settings = env
    draft = create(client, people, body=CLEAN)
    post(client, people["editor"], f"/drafts/{draft['id']}/submit")
    assert sorted(race_two_proofreaders(client, people, draft["id"])) == [200, 409]


def test_audit_ledger_detects_edits_and_deletions(env):
    client, people, settings = env
    draft = create(client, people, body=CLEAN)
    through(client, people, draft["id"])
    with unit_of_work(settings) as session:
        result = audit.verify(session)
        assert result.ok and result.rows >= 7
    with unit_of_work(settings) as session:
        row = session.get(AuditEntry, 3)
        row.data = {**row.data, "comment": "篡改"}
    with unit_of_work(settings) as session:
        broken = audit.verify(session)
        assert not broken.ok and "row 3" in broken.problem


def test_audit_checkpoint_detects_rows_cut_off_the_end(env):
    client, people, settings = env
    draft = create(client, people, body=CLEAN)
    post(client, people["editor"], f"/drafts/{draft['id']}/submit")
    with unit_of_work(settings) as session:
        checkpoint = audit.verify(session).head
    post(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "pass"})
    with unit_of_work(settings) as session:
        assert audit.verify(session, checkpoint=checkpoint).ok
        for row in session.query(AuditEntry).order_by(AuditEntry.id.desc()).limit(3):
            session.delete(row)
    with unit_of_work(settings) as session:
        assert audit.verify(session).ok  # a shortened chain still links up…
        cut = audit.verify(session, checkpoint=checkpoint)
        assert not cut.ok and "checkpoint" in cut.problem  # …but the recorded head is gone


def test_publish_scope_is_required_for_the_gate(env):
    client, people, _ = env
    r = client.post(
        "/api/v1/publish-gate",
        json={"channel": "website", "title": TITLE, "body": CLEAN},
        headers=people["editor"].headers,
    )
    assert (r.status_code, r.json()["code"]) == (403, "insufficient_scope")


def test_expired_receipt_and_forged_receipt_fail_verification(env):
    client, people, _ = env
    draft = create(client, people, body=CLEAN)
    through(client, people, draft["id"])
    post(client, people["rev3"], f"/drafts/{draft['id']}/actions", {"action": "approve"})
    gate = post(client, people["cms"], "/publish-gate", {"channel": "website", "title": TITLE, "body": CLEAN})
    jwks = client.get("/api/v1/keys").json()
    from review_service.signing import ReceiptError

    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    with pytest.raises(ReceiptError) as info:
        verify_receipt(gate["receipt"], jwks, now=later)
    assert info.value.code == "receipt_expired"
    forged = {**gate["receipt"], "payload": {**gate["receipt"]["payload"], "version": 99}}
    with pytest.raises(ReceiptError) as info:
        verify_receipt(forged, jwks)
    assert info.value.code == "bad_signature"
    with pytest.raises(ReceiptError) as info:
        verify_receipt(gate["receipt"], jwks, content_hash=content_hash(title=TITLE, body="别的内容"))
    assert info.value.code == "content_mismatch"
    with pytest.raises(ReceiptError) as info:
        verify_receipt(gate["receipt"], jwks, channel="new_media")
    assert info.value.code == "wrong_channel"
    assert verify_receipt(gate["receipt"], jwks, channel="website")["channel"] == "website"


def test_signoff_sheet_and_ledger_export(env):
    client, people, _settings = env
    draft = create(client, people, body=CLEAN)
    post(client, people["editor"], f"/drafts/{draft['id']}/submit")
    post(
        client,
        people["proof1"],
        f"/drafts/{draft['id']}/actions",
        {"action": "return", "comment": "<script>x</script>请补充"},
    )
    sheet = client.get(f"/api/v1/drafts/{draft['id']}/signoff", headers=people["editor"].headers)
    assert sheet.status_code == 200 and "稿件审签单" in sheet.text
    assert "一校" in sheet.text and "退回" in sheet.text and "proof1" in sheet.text
    assert "<script>x" not in sheet.text and "&lt;script&gt;" in sheet.text
    assert "sha256:" in sheet.text
    download = client.get(f"/api/v1/drafts/{draft['id']}/signoff?download=true", headers=people["editor"].headers)
    assert "attachment" in download.headers["content-disposition"]
    today = dt.date.today().isoformat()
    refused = client.get(f"/api/v1/audit/export?from={today}&to={today}", headers=people["editor"].headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    ledger = client.get(f"/api/v1/audit/export?from={today}&to={today}", headers=people["rev3"].headers)
    assert ledger.status_code == 200 and ledger.headers["content-type"].startswith("text/csv")
    rows = {tuple(line.split(",")[:2]): line.split(",")[2] for line in ledger.text.lstrip("\ufeff").splitlines()[1:]}
    assert rows[("流转", "新建稿件")] == "1" and rows[("流转", "退回次数")] == "1"
    assert ("平均处理时长（小时）", "proof1") in rows


def test_outside_countersign_through_a_single_use_link(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings, extra={"boss": ("admin", "办公室"), "justice": ("reviewer1", "司法局")})
    with TestClient(create_app(settings)) as client:
        bad = client.post(
            "/api/v1/drafts",
            json={"title": TITLE, "body": CLEAN, "countersign": ["办公室"]},
            headers=people["editor"].headers,
        )
        assert (bad.status_code, bad.json()["code"]) == (422, "invalid_countersign")  # the author's own department
        draft = post(
            client, people["editor"], "/drafts", {"title": TITLE, "body": CLEAN, "countersign": ["司法局"]}, status=201
        )
        through(client, people, draft["id"])
        assert client.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()["stage"] == (
            "countersign"
        )
        by_author = client.post(
            f"/api/v1/drafts/{draft['id']}/countersign-links",
            json={"department": "司法局"},
            headers=people["editor"].headers,
        )
        assert by_author.status_code == 403  # a bearer link must never reach the author
        link = post(
            client, people["boss"], f"/drafts/{draft['id']}/countersign-links", {"department": "司法局"}, status=201
        )
        view = client.get(link["path"]).json()
        assert view["body"] == CLEAN and view["department"] == "司法局" and "author" not in view
        forged = client.get(link["path"][:-4] + "abcd")
        assert (forged.status_code, forged.json()["code"]) == (404, "link_invalid")
        stale = client.post(
            link["path"], json={"decision": "approve", "signer_name": "王科长", "content_hash": "sha256:0"}
        )
        assert (stale.status_code, stale.json()["code"]) == (409, "content_changed")
        decision = {"decision": "approve", "signer_name": "王科长", "content_hash": view["content_hash"]}
        signed = client.post(link["path"], json=decision)
        assert signed.status_code == 200 and signed.json()["stage"] == "review3"
        again = client.post(link["path"], json=decision)
        assert (again.status_code, again.json()["code"]) == (410, "link_used")
        assert (
            post(client, people["rev3"], f"/drafts/{draft['id']}/actions", {"action": "approve"})["status"]
            == "approved"
        )


def test_gate_refuses_appended_markup_and_drafts_refuse_active_content(env):
    client, people, _settings = env
    html = "<p>各单位：请做好安全生产工作。</p>"
    draft = post(client, people["editor"], "/drafts", {"title": TITLE, "body": html, "format": "html"}, status=201)
    through(client, people, draft["id"])
    post(client, people["rev3"], f"/drafts/{draft['id']}/actions", {"action": "approve"})
    base = {"channel": "website", "title": TITLE, "format": "html"}
    assert post(client, people["cms"], "/publish-gate", {**base, "body": html})["decision"] == "allow"
    for extra in ("<head><p>13800138000</p>", "<script>x()</script>", "<style>p{}</style>", '<p hidden="">未审</p>'):
        answer = post(client, people["cms"], "/publish-gate", {**base, "body": html + extra})
        assert answer["decision"] == "refuse", extra
    for active in (
        "<p>x</p><script>alert(1)</script>",
        '<img src="a.png" onerror="x()">',
        '<a href="javascript:x()">y</a>',
    ):
        r = client.post(
            "/api/v1/drafts", json={"title": TITLE, "body": active, "format": "html"}, headers=people["editor"].headers
        )
        assert (r.status_code, r.json()["code"]) == (422, "active_content")


def test_organisation_workflow_from_settings(tmp_path, monkeypatch):
    from review_service.config import get_settings
    from review_service.workflow_state import _load

    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "quick.yaml").write_text(
        "name: weibo_quick\nlabel: 微博快审\nchannel: new_media\nstages:\n"
        "  - {key: proof, label: 校对, kind: proofread, role: proofreader, actions: [pass, return]}\n"
        "  - {key: final, label: 终审, kind: review, role: reviewer3, actions: [approve, return]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("REVIEW_WORKFLOWS_DIR", str(folder))
    get_settings.cache_clear()
    _load.cache_clear()
    try:
        settings = make_settings(tmp_path / "data")
        people = make_people(settings)
        with TestClient(create_app(settings)) as client:
            body = {"title": "微博", "body": "今日天气晴。", "channel": "new_media", "workflow": "weibo_quick"}
            draft = post(client, people["editor"], "/drafts", body, status=201)
            post(client, people["editor"], f"/drafts/{draft['id']}/submit")
            post(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "pass"})
            done = post(client, people["rev3"], f"/drafts/{draft['id']}/actions", {"action": "approve"})
            assert done["status"] == "approved" and done["workflow"] == "weibo_quick"
            wrong = client.post("/api/v1/drafts", json={**body, "channel": "website"}, headers=people["editor"].headers)
            assert wrong.json()["code"] == "unknown_workflow"  # a workflow serves its own channel only
    finally:
        monkeypatch.delenv("REVIEW_WORKFLOWS_DIR")
        get_settings.cache_clear()
        _load.cache_clear()
