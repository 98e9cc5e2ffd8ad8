"""The organisation webhook: events after commit, signed with HMAC-SHA256, to a real local server."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

from fastapi.testclient import TestClient

from review_service.api.main import create_app
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people

SECRET = "webhook-test-secret"


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[bytes, str]]] = []

    def do_POST(self) -> None:  # the http.server API names it so
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((body, self.headers.get("X-Review-Signature", "")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def test_submit_return_approve_and_publish_are_announced_and_signed(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.received = []
    settings = make_settings(tmp_path, webhook_url=f"http://127.0.0.1:{server.server_port}/hook", webhook_secret=SECRET)
    people = make_people(settings)
    title, body = "通知", "县政府召开常务会议。"
    try:
        with TestClient(create_app(settings)) as client:
            draft = client.post("/api/v1/drafts", json={"title": title, "body": body}, headers=people["editor"].headers)
            draft_id = draft.json()["id"]
            client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
            client.post(
                f"/api/v1/drafts/{draft_id}/actions",
                json={"action": "return", "comment": "请补充"},
                headers=people["proof1"].headers,
            )
            client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
            steps = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass")]
            steps += [("rev1", "approve"), ("rev2", "approve"), ("rev3", "approve")]
            for who, action in steps:
                client.post(f"/api/v1/drafts/{draft_id}/actions", json={"action": action}, headers=people[who].headers)
            client.post(
                "/api/v1/publish-gate",
                json={"channel": "website", "title": title, "body": body},
                headers=people["cms"].headers,
            )
        deadline = time.monotonic() + 10
        while len(Receiver.received) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.shutdown()
    events = [json.loads(raw)["event"] for raw, _ in Receiver.received]
    assert events == ["submitted", "returned", "submitted", "workflow_approved", "gate_allow"]
    for raw, signature in Receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected)
