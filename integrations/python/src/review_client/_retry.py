"""When to retry and how long to wait: 429, 502 and 503 only, exponential backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from review_client.errors import ApiError, AuthError, BadResponse, ServiceUnavailable

if TYPE_CHECKING:
    from review_client._calls import Call

T = TypeVar("T")

RETRY_ALWAYS = frozenset({429, 503})  # the service did nothing: safe for every call
RETRY_IDEMPOTENT = frozenset({502})  # a gateway error may hide a delivered request


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubled each time
    max_backoff: float = 8.0

    def should_retry(self, status: int, attempt: int, *, idempotent: bool) -> bool:
        if attempt >= self.retries:
            return False
        return status in RETRY_ALWAYS or (idempotent and status in RETRY_IDEMPOTENT)

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float | None:
        """Seconds to wait before the next try, or None to stop now.

        Retry-After (delay-seconds, ASCII digits) is honoured as sent; when it asks for longer than
        ``max_backoff`` the client stops rather than come back early or block for minutes. Without
        one: backoff · 2^attempt with full jitter, at most ``max_backoff``.
        """
        after = retry_after(response) if response is not None else None
        if after is not None:
            return after if after <= self.max_backoff else None
        return random.uniform(0, min(self.backoff * 2**attempt, self.max_backoff))


def retry_after(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds, when it is plain ASCII digits; else None (an HTTP date is ignored)."""
    try:
        value = response.headers.get("Retry-After", "").strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            return None
        return float(int(value))
    except (ValueError, UnicodeError):
        return None


def next_wait(policy: RetryPolicy, response: httpx.Response, attempt: int, *, idempotent: bool) -> float:
    """How long to wait before retrying ``response``; raises the error to give the caller instead."""
    retryable = policy.should_retry(response.status_code, attempt, idempotent=idempotent)
    wait = policy.delay(attempt, response) if retryable else None
    if wait is None:
        # retryable but told to wait too long: the service is unavailable for now
        raise_for(response, exhausted=retryable or attempt > 0 or policy.retries == 0)
    assert wait is not None
    return wait


def parse_success(call: Call[T], response: httpx.Response) -> T:
    """A 2xx answer in the documented shape, or ``BadResponse`` (a proxy's login page, a wrong URL, …)."""
    try:
        return call.parse(response.json())
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise BadResponse(response.status_code, f"{type(exc).__name__}: {exc}"[:200]) from exc


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def raise_for(response: httpx.Response, *, exhausted: bool) -> None:
    """Turn an error response into the exception a CMS branches on."""
    body = _json(response)
    status = response.status_code
    if exhausted and (status in RETRY_ALWAYS or status in RETRY_IDEMPOTENT):
        error = ApiError.from_response(status, body)
        code = error.code if isinstance(body, dict) and "code" in body else "service_unavailable"
        raise ServiceUnavailable(
            code,
            error.message_zh or "审校服务暂时无法访问",
            error.message_en or f"HTTP {status}",
            status=status,
        )
    error_type = AuthError if status in (401, 403) else ApiError
    generic = ApiError.from_response(status, body)
    raise error_type(status, generic.code, generic.message_zh, generic.message_en, generic.details)


def transport_error(exc: httpx.TransportError) -> ServiceUnavailable:
    if isinstance(exc, httpx.TimeoutException):
        return ServiceUnavailable("timeout", "审校服务响应超时", f"The review service timed out ({exc!r})")
    return ServiceUnavailable("service_unreachable", "无法连接审校服务", f"Cannot reach the review service ({exc!r})")
