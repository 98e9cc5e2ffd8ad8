"""Organisation webhook: after a transition commits, POST the event, signed with HMAC-SHA256.

The receiver checks ``X-Review-Signature: sha256=<hex>`` over the raw body with the shared
secret. Delivery is best-effort with a few retries; a failure is logged, never rolls back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

import httpx

from review_service.config import Settings

log = logging.getLogger(__name__)
NOTIFIED_EVENTS = frozenset(("submitted", "returned", "withdrawn", "workflow_approved", "gate_allow", "published"))
SIGNATURE_HEADER = "X-Review-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def deliver(settings: Settings, events: list[dict[str, Any]], *, attempts: int = 3) -> int:
    """Send each event; returns how many were delivered."""
    if not settings.webhook_url or not events:
        return 0
    delivered = 0
    with httpx.Client(timeout=5) as client:
        for event in events:
            body = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8")
            headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(settings.webhook_secret or "", body)}
            for attempt in range(attempts):
                try:
                    response = client.post(settings.webhook_url, content=body, headers=headers)
                    if response.status_code < 500:
                        delivered += response.is_success
                        break
                except httpx.HTTPError as exc:
                    log.warning("webhook delivery failed (attempt %d): %s", attempt + 1, exc)
                time.sleep(0.2 * (2**attempt))
    return delivered
