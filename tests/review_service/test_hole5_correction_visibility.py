"""Hole 5: a correction draft obeys the same visibility as any draft.

Seen: `POST /archive/documents/{id}/correction` handed another department's open correction draft
(its id, title and text) to anyone who asked for the same page.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people

SECRET_FIX = "内部更正说明：联系人王小明"


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings, {"edu_editor": ("editor", "教育局"), "boss": ("admin", "办公室")})
    with TestClient(create_app(settings)) as client:
        page = {
            "url": "https://www.example.gov.cn/t/1.html",
            "title": "春节放假安排",
            "published_at": "2024-01-15",
            "content": "春节放假安排：联系电话：13800138000。",
        }
        r = client.post("/api/v1/archive/documents", json={"documents": [page]}, headers=people["rev3"].headers)
        assert r.status_code == 200, r.text
        documents = client.get("/api/v1/archive/documents", headers=people["rev3"].headers).json()
        yield client, people, documents[0]["id"]


def test_another_departments_open_correction_is_not_handed_out(env):
    client, people, doc_id = env
    url = f"/api/v1/archive/documents/{doc_id}/correction"
    opened = client.post(url, headers=people["editor"].headers)
    assert opened.status_code == 201, opened.text
    draft = opened.json()
    fixed = {"title": "春节放假安排（更正）", "body": SECRET_FIX}
    assert client.put(f"/api/v1/drafts/{draft['id']}", json=fixed, headers=people["editor"].headers).status_code == 200

    refused = client.post(url, headers=people["edu_editor"].headers)
    assert refused.status_code == 409 and refused.json()["code"] == "correction_in_progress", refused.text
    assert refused.json()["message"]["zh"] and refused.json()["message"]["en"]
    assert SECRET_FIX not in refused.text and str(draft["id"]) not in refused.text
    assert client.get(f"/api/v1/drafts/{draft['id']}", headers=people["edu_editor"].headers).status_code == 404

    # the same department and an organisation-wide role still get the one open correction
    for who in ("editor2", "boss"):
        again = client.post(url, headers=people[who].headers)
        assert (again.status_code, again.json()["id"]) == (200, draft["id"]), again.text
