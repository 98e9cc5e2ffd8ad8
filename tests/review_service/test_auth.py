"""Password login: the first admin's one-time password must be changed before anything else."""

from __future__ import annotations

from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.db import unit_of_work, upgrade
from review_service.users import ensure_first_admin
from tests.api_helpers import make_settings


def test_first_admin_must_change_the_one_time_password(tmp_path):
    settings = make_settings(tmp_path)
    upgrade(settings)
    with unit_of_work(settings) as session:
        one_time = ensure_first_admin(session)
        assert ensure_first_admin(session) is None  # only once
    with TestClient(create_app(settings)) as client:
        wrong = client.post("/api/v1/auth/login", json={"username": "admin", "password": "nope"})
        assert (wrong.status_code, wrong.json()["code"]) == (401, "wrong_credentials")
        first = client.post("/api/v1/auth/login", json={"username": "admin", "password": one_time})
        assert (first.status_code, first.json()["code"]) == (403, "password_change_required")
        short = client.post(
            "/api/v1/auth/password", json={"username": "admin", "old_password": one_time, "new_password": "short"}
        )
        assert short.status_code == 422
        changed = client.post(
            "/api/v1/auth/password",
            json={"username": "admin", "old_password": one_time, "new_password": "a-much-better-passphrase"},
        )
        assert changed.status_code == 204
        assert client.post("/api/v1/auth/login", json={"username": "admin", "password": one_time}).status_code == 401
        ok = client.post("/api/v1/auth/login", json={"username": "admin", "password": "a-much-better-passphrase"})
        assert ok.status_code == 200
        token = ok.json()["token"]
        listed = client.get("/api/v1/drafts", headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200
