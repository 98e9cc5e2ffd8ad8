"""A live API for the gate-integrity tests: people for every stage, a draft taken through 三审三校."""

from __future__ import annotations

from typing import Any

TITLE = "关于开展安全生产检查的通知"
STEPS = [
    ("proof1", "pass"),
    ("proof2", "pass"),
    ("proof3", "pass"),
    ("rev1", "approve"),
    ("rev2", "approve"),
    ("rev3", "approve"),
]


def post(client: Any, person: Any, path: str, json: dict | None = None) -> Any:
    return client.post(f"/api/v1{path}", json=json or {}, headers=person.headers)


def create_html(client: Any, people: dict, body: str, title: str = TITLE) -> Any:
    return post(client, people["editor"], "/drafts", {"title": title, "body": body, "format": "html"})


def approve(client: Any, people: dict, body: str, title: str = TITLE) -> dict:
    """Create an HTML draft and take it through all six stages; its final state."""
    created = create_html(client, people, body, title)
    assert created.status_code == 201, created.text
    draft_id = created.json()["id"]
    assert post(client, people["editor"], f"/drafts/{draft_id}/submit").status_code == 200
    out: dict = {}
    for who, action in STEPS:
        r = post(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})
        assert r.status_code == 200, r.text
        out = r.json()
    assert out["status"] == "approved"
    return out


def gate(client: Any, people: dict, body: str, title: str = TITLE) -> dict:
    r = post(
        client, people["cms"], "/publish-gate", {"channel": "website", "title": title, "body": body, "format": "html"}
    )
    assert r.status_code == 200, r.text
    return r.json()
