"""Hole 4: a login flood or a check flood meets `429 rate_limited` with Retry-After.

Limits are set low here; the window moves by a fake clock, never by sleeping.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from review_service.rate_limit import RateLimiter
from tests.api_helpers import make_settings, mint_token
from tests.web_helpers import login_attempt
from tests.workflow_helpers import make_people


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_defaults_never_throttle_a_busy_cms_or_a_scripted_set_up():
    settings = Settings()
    assert settings.login_rate_per_minute >= 30
    assert settings.check_rate_per_minute >= 600


def test_the_window_slides():
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock)
    assert limiter.retry_after("k") is None and limiter.retry_after("k") is None
    assert limiter.retry_after("k") == pytest.approx(60.0)
    assert limiter.retry_after("other") is None  # keys are counted apart
    clock.now += 30
    assert limiter.retry_after("k") == pytest.approx(30.0)  # a refused hit does not count
    clock.now += 30
    assert limiter.retry_after("k") is None
    assert RateLimiter(0, clock=clock).retry_after("k") is None  # 0 = off


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path, login_rate_per_minute=3, check_rate_per_minute=2)
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        clock = FakeClock()
        client.app.state.limits.logins.clock = clock
        client.app.state.limits.checks.clock = clock
        yield client, people, settings, clock


def _is_limited(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429, response.text
    assert int(response.headers["Retry-After"]) >= 1
    body = response.json()
    assert body["code"] == "rate_limited" and body["message"]["zh"] and body["message"]["en"]


def test_logins_are_limited_per_client_and_username(env):
    client, _, _, clock = env
    guess = {"username": "rev1", "password": "wrong-password"}
    for _ in range(3):
        assert client.post("/api/v1/auth/login", json=guess).status_code == 401
    limited = client.post("/api/v1/auth/login", json=guess)
    _is_limited(limited)
    assert int(limited.headers["Retry-After"]) == 60
    # the right password is refused too while limited: the limit is not an oracle
    _is_limited(client.post("/api/v1/auth/login", json={"username": "rev1", "password": "pw-rev1"}))
    # case and spaces do not make a new key
    _is_limited(client.post("/api/v1/auth/login", json={"username": " REV1 ", "password": "x"}))
    change = {"username": "rev1", "old_password": "x", "new_password": "y" * 12}
    _is_limited(client.post("/api/v1/auth/password", json=change))
    assert client.post("/api/v1/auth/login", json={"username": "rev2", "password": "pw-rev2"}).status_code == 200
    clock.now += 61
    assert client.post("/api/v1/auth/login", json={"username": "rev1", "password": "pw-rev1"}).status_code == 200


def test_the_web_login_answers_429_with_retry_after(env):
    client, _, _, _ = env
    statuses = [login_attempt(client, "rev1", "wrong-password")[0] for _ in range(3)]
    assert statuses == [401, 401, 401]
    page = client.get("/login")
    from tests.web_helpers import LOGIN_CSRF

    token = LOGIN_CSRF.search(page.text).group(1)
    r = client.post(
        "/login", data={"username": "rev1", "password": "pw-rev1", "login_csrf": token}, follow_redirects=False
    )
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "过于频繁" in r.text


def test_checks_are_limited_per_token(env):
    client, _, settings, clock = env
    first = {"Authorization": f"Bearer {mint_token(settings, name='cms-a', scopes=['check'])}"}
    second = {"Authorization": f"Bearer {mint_token(settings, name='cms-b', scopes=['check'])}"}
    for path in ("/api/v1/check", "/api/v1/mask"):
        assert client.post(path, json={"text": "县政府召开常务会议。"}, headers=first).status_code == 200
    _is_limited(client.post("/api/v1/check", json={"text": "县政府召开常务会议。"}, headers=first))
    assert client.post("/api/v1/check", json={"text": "县政府召开常务会议。"}, headers=second).status_code == 200
    clock.now += 60
    assert client.post("/api/v1/check", json={"text": "县政府召开常务会议。"}, headers=first).status_code == 200
