"""Exceptions a CMS can act on: each carries the service's stable error ``code``."""

from __future__ import annotations

from typing import Any


class ReviewError(Exception):
    """Base class; ``code`` is stable and safe to branch on, the messages are for people."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


class ApiError(ReviewError):
    """The service answered with an error (4xx/5xx) in its documented shape."""

    def __init__(self, status: int, code: str, message_zh: str, message_en: str, details: Any = None) -> None:
        super().__init__(code, message_zh, message_en)
        self.status = status
        self.details = details

    @classmethod
    def from_response(cls, status: int, body: Any) -> ApiError:
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            message = body.get("message") if isinstance(body.get("message"), dict) else {}
            return cls(
                status, body["code"], str(message.get("zh", "")), str(message.get("en", "")), body.get("details")
            )
        return cls(
            status, f"http_{status}", f"审校服务返回 HTTP {status}", f"The review service answered HTTP {status}"
        )


class BadResponse(ApiError):
    """A success status whose body is not the documented JSON (code ``bad_response``): e.g. a proxy's
    HTML login page, or a URL that points at something else. Never treated as unavailability."""

    def __init__(self, status: int, why: str = "") -> None:
        super().__init__(
            status,
            "bad_response",
            "审校服务的应答格式不正确",
            f"The review service answered HTTP {status} with an unexpected body{': ' + why if why else ''}",
        )


class AuthError(ApiError):
    """401/403: the token is missing, invalid, expired, revoked or lacks the scope."""


class ServiceUnavailable(ReviewError):
    """The service could not be reached, timed out, or stayed 502/503/429 after every retry.

    ``code`` is the service's own code when it sent one (e.g. ``database_busy``), else
    ``service_unreachable``, ``timeout`` or ``service_unavailable``.
    """

    def __init__(self, code: str, message_zh: str, message_en: str, *, status: int | None = None) -> None:
        super().__init__(code, message_zh, message_en)
        self.status = status


class ReceiptError(ReviewError):
    """A publish receipt failed offline verification; ``code`` says why.

    Codes: ``receipt_malformed``, ``unknown_key``, ``bad_signature``, ``key_retired``,
    ``receipt_not_yet_valid``, ``receipt_expired``, ``wrong_channel``, ``content_mismatch`` (the same
    codes the service's own verifier uses).
    """

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(code, message_zh, message_en)
