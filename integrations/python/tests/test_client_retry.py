"""Retries: 429/502/503 only, with backoff; writes never repeat after a 502; timeouts are clear.

The only place a stand-in answers instead of the service: a scripted HTTP server, to produce
503/429/502 sequences on demand.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from review_client import (
    ApiError,
    AsyncReviewClient,
    BadResponse,
    RetryPolicy,
    ReviewClient,
    ReviewError,
    ServiceUnavailable,
)

FAST = RetryPolicy(retries=3, backoff=0.01, max_backoff=0.05)
CHECK_OK = {"findings": [], "verdict": "pass", "stats": {}}


class Script:
    """Answers each request with the next (status, body, headers) of the script; records the requests."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, object, dict[str, str]]] = []
        self.requests: list[tuple[str, str, float]] = []
        self.delay = 0.0


@pytest.fixture
def fake():
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            script.requests.append((self.command, self.path, time.monotonic()))
            time.sleep(script.delay)
            status, body, headers = script.answers.pop(0) if script.answers else (200, CHECK_OK, {})
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield script
    server.shutdown()
    server.server_close()


def busy(code: str = "database_busy") -> dict:
    return {"code": code, "message": {"zh": "数据库暂时不可用，请稍后重试", "en": "Database temporarily unavailable"}}


def test_503_then_success_is_retried_with_backoff(fake):
    fake.answers = [(503, busy(), {}), (503, busy(), {}), (200, CHECK_OK, {})]
    with ReviewClient(fake.url, "t", retry=FAST) as client:
        assert client.check("x").verdict == "pass"
    assert len(fake.requests) == 3


def test_429_honours_retry_after(fake):
    fake.answers = [(429, b"slow down", {"Retry-After": "1"}), (200, CHECK_OK, {})]
    with ReviewClient(fake.url, "t", retry=RetryPolicy(retries=2, backoff=0.01, max_backoff=2.0)) as client:
        client.check("x")
    (_, _, first), (_, _, second) = fake.requests
    assert 0.95 <= second - first < 1.8  # waited the 1 s asked for, not the 0.01 s backoff


def test_a_retry_after_longer_than_max_backoff_stops_at_once(fake):
    fake.answers = [(503, busy(), {"Retry-After": "120"})] * 4
    started = time.monotonic()
    policy = RetryPolicy(retries=3, backoff=0.01, max_backoff=0.3)
    with ReviewClient(fake.url, "t", retry=policy) as client, pytest.raises(ServiceUnavailable) as error:
        client.check("x")
    assert error.value.code == "database_busy" and len(fake.requests) == 1
    assert time.monotonic() - started < 1.0  # neither 120 s of waiting nor an early retry


ARABIC_ONE = "\u0661".encode().decode("latin-1")  # sent as its UTF-8 bytes


@pytest.mark.parametrize("value", ["\u00b2", ARABIC_ONE, "1.5", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "9" * 40])
def test_a_retry_after_that_is_not_ascii_seconds_falls_back_to_backoff(fake, value):
    fake.answers = [(503, busy(), {"Retry-After": value}), (200, CHECK_OK, {})]
    with ReviewClient(fake.url, "t", retry=FAST) as client:
        assert client.check("x").verdict == "pass"
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    "body",
    [b"<html>login</html>", b"", b"[]", b'"ok"', b'{"ok": true}', b'{"findings": 3, "verdict": "pass"}'],
)
def test_a_200_that_is_not_the_documented_json_is_a_review_error(fake, body):
    fake.answers = [(200, body, {})]
    with ReviewClient(fake.url, "t", retry=FAST) as client, pytest.raises(BadResponse) as error:
        client.check("x")
    assert isinstance(error.value, ReviewError) and error.value.code == "bad_response"
    assert len(fake.requests) == 1
    fake.answers = [(200, b"<html>login</html>", {})]
    with ReviewClient(fake.url, "t", retry=FAST) as client, pytest.raises(BadResponse):
        client.publish_gate(channel="website", title="t", body="b")


def test_async_client_raises_bad_response_too(fake):
    fake.answers = [(200, b'{"ok": true}', {})]

    async def run() -> None:
        async with AsyncReviewClient(fake.url, "t", retry=FAST) as client:
            await client.publish_gate(channel="website", title="t", body="b")

    with pytest.raises(BadResponse):
        asyncio.run(run())


def test_minting_a_browser_token_is_not_repeated_after_a_502(fake):
    fake.answers = [(502, b"", {}), (200, {"token": "rvs_x", "scopes": ["check"], "user": "u"}, {})]
    with ReviewClient(fake.url, "t", retry=FAST) as client, pytest.raises(ApiError) as error:
        client.browser_token("u")
    assert error.value.status == 502 and len(fake.requests) == 1  # a second token may already exist


def test_retries_give_up_with_the_services_code(fake):
    fake.answers = [(503, busy(), {})] * 4
    with ReviewClient(fake.url, "t", retry=FAST) as client, pytest.raises(ServiceUnavailable) as error:
        client.publish_gate(channel="website", title="t", body="b")
    assert error.value.code == "database_busy" and error.value.status == 503
    assert len(fake.requests) == 4  # one try and three retries


def test_502_without_a_body_is_service_unavailable(fake):
    fake.answers = [(502, b"<html>Bad Gateway</html>", {})] * 4
    with ReviewClient(fake.url, "t", retry=FAST) as client, pytest.raises(ServiceUnavailable) as error:
        client.check("x")
    assert error.value.code == "service_unavailable" and error.value.status == 502


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 500, 504])
def test_other_errors_are_not_retried(fake, status):
    fake.answers = [(status, {"code": f"code_{status}", "message": {"zh": "错误", "en": "error"}}, {})]
    with ReviewClient(fake.url, "t", retry=FAST) as client, pytest.raises(ApiError) as error:
        client.check("x")
    assert error.value.code == f"code_{status}" and error.value.status == status
    assert len(fake.requests) == 1


def test_a_write_is_not_repeated_after_a_502_but_is_after_a_503(fake):
    fake.answers = [(502, b"", {})]
    with ReviewClient(fake.url, "t", retry=FAST) as client:
        with pytest.raises(ApiError):
            client.create_draft(title="t", body="b")
        assert len(fake.requests) == 1
        fake.answers = [
            (503, busy(), {}),
            (
                200,
                {
                    "id": 1,
                    "title": "t",
                    "channel": "website",
                    "status": "draft",
                    "current_version": 1,
                    "content_hash": "sha256:x",
                },
                {},
            ),
        ]
        assert client.submit(1).id == 1
    assert [r[1] for r in fake.requests[1:]] == ["/api/v1/drafts/1/submit"] * 2


def test_timeout_is_a_clear_error(fake):
    fake.delay = 0.5
    with ReviewClient(fake.url, "t", timeout=0.1, retry=FAST) as client, pytest.raises(ServiceUnavailable) as error:
        client.check("x")
    assert error.value.code == "timeout"


def test_async_client_retries_the_same_way(fake):
    fake.answers = [(429, busy("rate_limited"), {}), (502, b"", {}), (200, CHECK_OK, {})]

    async def run() -> str:
        async with AsyncReviewClient(fake.url, "t", retry=FAST) as client:
            return (await client.check("x")).verdict

    assert asyncio.run(run()) == "pass"
    assert len(fake.requests) == 3
