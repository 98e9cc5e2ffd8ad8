"""Rate limits hold across API processes: two app instances (or two Redis clients) share one limit.

Without a broker the log is a SQLite file in the data directory; with a Redis broker it is in Redis.
Time moves by a fake clock, never by sleeping; races are real threads racing for the last slot.
"""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.rate_limit import STORE_FILE, RateLimiter, RedisStore, SqliteStore, shared_store
from tests.api_helpers import make_settings, mint_token
from tests.redis_celery import RedisServer
from tests.workflow_helpers import make_people


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _two_apps(settings):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    first, second = TestClient(create_app(settings)), TestClient(create_app(settings))
    for client in (first, second):
        client.app.state.limits.logins.clock = clock
        client.app.state.limits.checks.clock = clock
    return first, second, clock


def test_two_app_instances_share_the_check_limit(tmp_path):
    settings = make_settings(tmp_path, check_rate_per_minute=3, check_processes=0)
    auth = {"Authorization": f"Bearer {mint_token(settings)}"}
    first, second, clock = _two_apps(settings)
    with first, second:
        body = {"text": "县政府召开常务会议。"}
        assert [first.post("/api/v1/check", json=body, headers=auth).status_code for _ in range(2)] == [200, 200]
        assert second.post("/api/v1/check", json=body, headers=auth).status_code == 200
        limited = second.post("/api/v1/check", json=body, headers=auth)
        assert limited.status_code == 429
        assert limited.json()["code"] == "rate_limited"
        assert limited.headers["Retry-After"] == "60"
        assert first.post("/api/v1/mask", json=body, headers=auth).status_code == 429
        clock.now += 60
        assert second.post("/api/v1/check", json=body, headers=auth).status_code == 200
    assert (tmp_path / STORE_FILE).is_file()


def test_two_app_instances_share_the_login_limit(tmp_path):
    settings = make_settings(tmp_path, login_rate_per_minute=2)
    make_people(settings)
    first, second, clock = _two_apps(settings)
    guess = {"username": "rev1", "password": "wrong-password"}
    with first, second:
        assert first.post("/api/v1/auth/login", json=guess).status_code == 401
        assert second.post("/api/v1/auth/login", json=guess).status_code == 401
        right = {"username": "rev1", "password": "pw-rev1"}
        limited = first.post("/api/v1/auth/login", json=right)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert second.post("/api/v1/auth/login", json=right).status_code == 429
        clock.now += 61
        assert second.post("/api/v1/auth/login", json=right).status_code == 200


def test_the_last_slot_goes_to_exactly_one_racer(tmp_path):
    limiters = [RateLimiter(5, name="check", store=SqliteStore(tmp_path / STORE_FILE)) for _ in range(4)]
    start, allowed, lock = threading.Barrier(8), [], threading.Lock()

    def race(limiter: RateLimiter) -> None:
        start.wait()
        for _ in range(5):
            if limiter.retry_after("token-1") is None:
                with lock:
                    allowed.append(1)

    threads = [threading.Thread(target=race, args=(limiters[i % 4],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 5


def test_the_store_keeps_no_user_names_or_addresses(tmp_path):
    limiter = RateLimiter(3, name="login", store=SqliteStore(tmp_path / STORE_FILE))
    limiter.retry_after(("203.0.113.7", "zhangsan"))
    raw = (tmp_path / STORE_FILE).read_bytes()
    assert b"zhangsan" not in raw and b"203.0.113.7" not in raw


@pytest.fixture(scope="module")
def redis_url():
    server = RedisServer()
    try:
        yield server.start()
    finally:
        server.close()


def test_two_redis_clients_share_one_limit_and_the_window_slides(redis_url):
    clock = FakeClock()
    first = RateLimiter(2, name="check", clock=clock, store=RedisStore(redis_url))
    second = RateLimiter(2, name="check", clock=clock, store=RedisStore(redis_url))
    assert first.retry_after(7) is None
    clock.now += 10
    assert second.retry_after(7) is None
    assert first.retry_after(7) == pytest.approx(50.0)
    assert second.retry_after(8) is None  # another token counts apart
    clock.now += 50
    assert second.retry_after(7) is None  # the first hit left the window
    assert first.retry_after(7) == pytest.approx(10.0)


def test_with_a_redis_broker_the_apps_count_in_redis(redis_url, tmp_path):
    assert isinstance(shared_store(broker_url=redis_url, data_dir=tmp_path), RedisStore)
    assert isinstance(shared_store(broker_url=None, data_dir=tmp_path), SqliteStore)


def test_an_unreachable_store_lets_requests_through():
    limiter = RateLimiter(1, name="check", store=RedisStore("redis://127.0.0.1:1/0"))
    assert limiter.retry_after(1) is None
    assert limiter.retry_after(1) is None
