"""When to retry and how long to wait: 429, 502 and 503 only, exponential backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import httpx

from review_client.errors import ApiError, AuthError, ServiceUnavailable

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

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Retry-After when the service sent one (capped), else backoff · 2^attempt with full jitter."""
        if response is not None:
            after = response.headers.get("Retry-After", "")
            if after.strip().isdigit():
                return min(float(after), self.max_backoff)
        return random.uniform(0, min(self.backoff * 2**attempt, self.max_backoff))


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
