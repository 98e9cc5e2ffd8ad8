"""Each API call described once as data (method, path, body, retry class, parser), for both clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from review_client.models import BrowserToken, CheckResult, Draft, DraftVersion, GateResult, MaskResult

T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    parse: Callable[[Any], T]
    json: dict[str, Any] | None = None
    # A repeated write after a 502 could act twice (the proxy may have delivered it): writes retry
    # only on 429/503, which the service sends before doing anything.
    idempotent: bool = True


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError("expected a JSON object")
    return data


def _content(text: str, **fields: Any) -> dict[str, Any]:
    return {"text": text, **{k: v for k, v in fields.items() if v is not None}}


def check(text: str, **fields: Any) -> Call[CheckResult]:
    return Call("POST", "/api/v1/check", CheckResult.from_json, _content(text, **fields))


def mask(text: str, **fields: Any) -> Call[MaskResult]:
    return Call("POST", "/api/v1/mask", MaskResult.from_json, _content(text, **fields))


def create_draft(**fields: Any) -> Call[Draft]:
    body = {k: v for k, v in fields.items() if v is not None}
    return Call("POST", "/api/v1/drafts", Draft.from_json, body, idempotent=False)


def update_draft(draft_id: int, **fields: Any) -> Call[Draft]:
    body = {k: v for k, v in fields.items() if v is not None}
    return Call("PUT", f"/api/v1/drafts/{int(draft_id)}", Draft.from_json, body, idempotent=False)


def get_draft(draft_id: int) -> Call[Draft]:
    return Call("GET", f"/api/v1/drafts/{int(draft_id)}", Draft.from_json)


def get_version(draft_id: int, number: int) -> Call[DraftVersion]:
    return Call("GET", f"/api/v1/drafts/{int(draft_id)}/versions/{int(number)}", DraftVersion.from_json)


def submit(draft_id: int, expected_revision: int | None) -> Call[Draft]:
    body = {"expected_revision": expected_revision} if expected_revision is not None else {}
    return Call("POST", f"/api/v1/drafts/{int(draft_id)}/submit", Draft.from_json, body, idempotent=False)


def withdraw(draft_id: int, comment: str | None, expected_revision: int | None) -> Call[Draft]:
    body = {"comment": comment, "expected_revision": expected_revision}
    body = {k: v for k, v in body.items() if v is not None}
    return Call("POST", f"/api/v1/drafts/{int(draft_id)}/withdraw", Draft.from_json, body, idempotent=False)


def act(draft_id: int, action: str, comment: str | None, expected_revision: int | None) -> Call[Draft]:
    body = {"action": action, "comment": comment, "expected_revision": expected_revision}
    body = {k: v for k, v in body.items() if v is not None}
    return Call("POST", f"/api/v1/drafts/{int(draft_id)}/actions", Draft.from_json, body, idempotent=False)


def comment(draft_id: int, text: str) -> Call[dict[str, Any]]:
    return Call("POST", f"/api/v1/drafts/{int(draft_id)}/comments", _object, {"body": text}, idempotent=False)


def publish_gate(**fields: Any) -> Call[GateResult]:
    body = {k: v for k, v in fields.items() if v is not None}
    return Call("POST", "/api/v1/publish-gate", GateResult.from_json, body)


def confirm_published(draft_id: int, receipt: dict[str, Any]) -> Call[Draft]:
    """Idempotent on the service side: the same receipt again answers 200."""
    return Call("POST", f"/api/v1/drafts/{int(draft_id)}/published", Draft.from_json, {"receipt": receipt})


def keys() -> Call[dict[str, Any]]:
    return Call("GET", "/api/v1/keys", _object)


def browser_token(user: str, ttl_seconds: int | None) -> Call[BrowserToken]:
    body: dict[str, Any] = {"user": user}
    if ttl_seconds is not None:
        body["ttl_seconds"] = ttl_seconds
    # minting is a write: a 502 may hide a token already issued, so only 429/503 are retried
    return Call("POST", "/api/v1/tokens/ephemeral", BrowserToken.from_json, body, idempotent=False)
