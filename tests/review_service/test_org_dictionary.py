"""The organisation's dictionary through the API: add, edit, retire, false alarms; effective at once, audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service import audit
from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import AuditEntry
from tests.api_helpers import make_settings, mint_token
from tests.workflow_helpers import make_people

TEXT = "会议要求，各单位一把手要亲自抓、负总责。"


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings, extra={"boss": ("admin", "办公室")})
    check = {"Authorization": f"Bearer {mint_token(settings, name='cms-check')}"}
    with TestClient(create_app(settings)) as client:
        yield client, people, check, settings


def terms(client, check, text=TEXT):
    findings = client.post("/api/v1/check", json={"text": text}, headers=check).json()["findings"]
    return [
        (f["category"], text[f["start"] : f["end"]], f["suggestion"])
        for f in findings
        if f["category"].startswith("term")
    ]


def test_admin_adds_edits_and_retires_an_entry_effective_immediately(env):
    client, people, check, settings = env
    assert ("term.banned", "一把手", "主要负责同志") not in terms(client, check)
    entry = {
        "kind": "wording",
        "text": "一把手",
        "data": {"reason": "公开文稿不称“一把手”", "suggestion": "主要负责同志"},
    }
    refused = client.post("/api/v1/dictionary/entries", json=entry, headers=people["rev1"].headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    created = client.post("/api/v1/dictionary/entries", json=entry, headers=people["boss"].headers)
    assert created.status_code == 201, created.text
    assert ("term.banned", "一把手", "主要负责同志") in terms(client, check)

    edited = {**entry, "data": {**entry["data"], "suggestion": "主要负责人"}}
    r = client.put(f"/api/v1/dictionary/entries/{created.json()['id']}", json=edited, headers=people["boss"].headers)
    assert r.status_code == 200
    assert ("term.banned", "一把手", "主要负责人") in terms(client, check)

    r = client.delete(f"/api/v1/dictionary/entries/{created.json()['id']}", headers=people["boss"].headers)
    assert r.status_code == 200 and r.json()["retired"] is True
    assert not [t for t in terms(client, check) if t[1] == "一把手"]
    with unit_of_work(settings) as session:
        kinds = [e.kind for e in session.query(AuditEntry).order_by(AuditEntry.id)]
        assert kinds[-3:] == ["dictionary_added", "dictionary_edited", "dictionary_retired"]
        assert audit.verify(session).ok


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "wording", "text": "一把手", "data": {}},  # no reason
        {"kind": "wording", "text": "一把手", "data": {"reason": "x理由", "colour": "red"}},
        {"kind": "outdated", "text": "某某局", "data": {"reason": "已更名", "since": "not a date"}},
        {"kind": "allow", "text": "星", "data": {}},
    ],
)
def test_bad_entries_are_refused_and_change_nothing(env, entry):
    client, people, _, _ = env
    r = client.post("/api/v1/dictionary/entries", json=entry, headers=people["boss"].headers)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_entry")
    assert client.get("/api/v1/dictionary/entries", headers=people["boss"].headers).json() == []


def test_reviewer_marks_a_false_alarm_and_it_joins_the_allow_list(env):
    client, people, check, _ = env
    entry = {
        "kind": "wording",
        "text": "一把手",
        "data": {"reason": "公开文稿不称“一把手”", "suggestion": "主要负责同志"},
    }
    client.post("/api/v1/dictionary/entries", json=entry, headers=people["boss"].headers)
    draft = client.post("/api/v1/drafts", json={"title": "纪要", "body": TEXT}, headers=people["editor"].headers).json()
    version = client.get(f"/api/v1/drafts/{draft['id']}/versions/1", headers=people["rev1"].headers).json()
    key = next(f["key"] for f in version["findings"] if f["category"] == "term.banned")
    refused = client.post(
        f"/api/v1/drafts/{draft['id']}/false-alarms",
        json={"finding_key": key, "note": "引用原话"},
        headers=people["editor"].headers,
    )
    assert refused.status_code == 403
    by_first_reviewer = client.post(
        f"/api/v1/drafts/{draft['id']}/false-alarms",
        json={"finding_key": key, "note": "引用原话"},
        headers=people["rev1"].headers,
    )
    assert by_first_reviewer.status_code == 403
    r = client.post(
        f"/api/v1/drafts/{draft['id']}/false-alarms",
        json={"finding_key": key, "note": "引用原话"},
        headers=people["rev3"].headers,
    )
    assert r.status_code == 201, r.text
    assert not [t for t in terms(client, check) if t[1] == "一把手"]
    allow = [
        e
        for e in client.get("/api/v1/dictionary/entries", headers=people["rev1"].headers).json()
        if e["kind"] == "allow"
    ]
    assert [e["text"] for e in allow] == ["一把手"]
