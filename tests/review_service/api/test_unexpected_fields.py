"""A field an endpoint does not take is named in a stable error (422 unexpected_field), and changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from tests.workflow_helpers import make_people

BODY = "区政府召开常务会议，研究部署安全生产工作。"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("unexpected"))
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people


def refused(response, *fields: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "unexpected_field", body
    for name in fields:
        assert name in body["message"]["zh"] and name in body["message"]["en"]
    assert "接受" in body["message"]["zh"]


def test_updating_a_draft_with_a_field_it_does_not_take_names_the_field_and_changes_nothing(site) -> None:
    client, people = site
    editor = people["editor"].headers
    made = client.post("/api/v1/drafts", json={"title": "通知", "body": BODY}, headers=editor).json()
    r = client.put(
        f"/api/v1/drafts/{made['id']}",
        json={"body": BODY + "补充。", "channel": "new_media", "expected_revision": made["revision"]},
        headers=editor,
    )
    refused(r, "channel")  # not invalid_channel: "new_media" is a valid channel, just not changeable here
    after = client.get(f"/api/v1/drafts/{made['id']}", headers=editor).json()
    assert (after["revision"], after["current_version"], after["channel"]) == (
        made["revision"],
        made["current_version"],
        made["channel"],
    )


def test_an_unexpected_field_is_named_before_other_mistakes_and_nested_ones_by_path(site) -> None:
    client, people = site
    cms = people["cms"].headers
    refused(
        client.post("/api/v1/check", json={"text": "测试", "channel": "weibo", "priority": 1}, headers=cms), "priority"
    )
    refused(
        client.post("/api/v1/check", json={"text": "测试", "metadata": {"colour": "红"}}, headers=cms),
        "metadata.colour",
    )


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/auth/login", {"username": "editor", "password": "pw-editor", "remember": True}, "remember"),
        ("/api/v1/drafts", {"title": "通知", "body": BODY, "status": "approved"}, "status"),
        ("/api/v1/publish-gate", {"channel": "website", "title": "通知", "body": BODY, "force": True}, "force"),
    ],
)
def test_other_request_bodies_refuse_unexpected_fields_the_same_way(site, path, payload, field) -> None:
    client, people = site
    who = people["cms"] if "gate" in path else people["editor"]
    refused(client.post(path, json=payload, headers=who.headers), field)
