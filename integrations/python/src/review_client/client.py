"""The synchronous client. Every method maps to one documented endpoint of ``/api/v1``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import httpx

from review_client import _calls as calls
from review_client._retry import RetryPolicy, next_wait, parse_success, transport_error
from review_client.canonical import content_hash
from review_client.errors import ReviewError
from review_client.models import BrowserToken, CheckResult, Draft, DraftVersion, GateResult, MaskResult
from review_client.receipts import KeySetCache, receipt_form_version, receipt_kid, verify_receipt

T = TypeVar("T")
DEFAULT_TIMEOUT = 10.0


def _headers(token: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json", "User-Agent": "review-client/0.1"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


class ReviewClient:
    """``ReviewClient("https://review.example.gov.cn", token)``; use as a context manager or call ``close()``.

    ``timeout`` is seconds per request; ``retry`` says how often 429/502/503 are retried. Errors
    raise :class:`~review_client.errors.ApiError` (``code`` is the service's), ``AuthError`` for
    401/403 and ``ServiceUnavailable`` when the service cannot be reached or stays unavailable.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        keys: KeySetCache | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.keys = keys or KeySetCache()
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=_headers(token), timeout=timeout, transport=transport
        )

    def __enter__(self) -> ReviewClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _run(self, call: calls.Call[T]) -> T:
        attempt = 0
        while True:
            try:
                response = self._http.request(call.method, call.path, json=call.json)
            except httpx.TransportError as exc:
                raise transport_error(exc) from exc
            if response.is_success:
                return parse_success(call, response)
            time.sleep(next_wait(self.retry, response, attempt, idempotent=call.idempotent))
            attempt += 1

    # -- checking -------------------------------------------------------------------------------
    def check(
        self,
        text: str,
        *,
        title: str | None = None,
        summary: str | None = None,
        channel: str = "website",
        format: str = "text",
        doc_type: str | None = None,
        doc_date: dt.date | str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> CheckResult:
        date = doc_date.isoformat() if isinstance(doc_date, dt.date) else doc_date
        return self._run(
            calls.check(
                text,
                title=title,
                summary=summary,
                channel=channel,
                format=format,
                doc_type=doc_type,
                doc_date=date,
                metadata=metadata,
            )
        )

    def mask(
        self,
        text: str,
        *,
        title: str | None = None,
        summary: str | None = None,
        channel: str = "website",
        format: str = "text",
        doc_type: str | None = None,
    ) -> MaskResult:
        return self._run(
            calls.mask(text, title=title, summary=summary, channel=channel, format=format, doc_type=doc_type)
        )

    # -- drafts and 三审三校 -----------------------------------------------------------------------
    def create_draft(
        self,
        *,
        title: str,
        body: str,
        summary: str | None = None,
        format: str = "text",
        channel: str = "website",
        doc_type: str | None = None,
        metadata: dict[str, str] | None = None,
        on_behalf_of: str | None = None,
    ) -> Draft:
        """``on_behalf_of``: the username of the person who wrote it. A CMS service account must name
        one (``author_required`` otherwise): that person becomes the draft's author, to whom separation
        of duties applies, and the CMS may read, update, submit and withdraw the draft for them."""
        return self._run(
            calls.create_draft(
                title=title,
                body=body,
                summary=summary,
                format=format,
                channel=channel,
                doc_type=doc_type,
                metadata=metadata,
                on_behalf_of=on_behalf_of,
            )
        )

    def update_draft(
        self,
        draft_id: int,
        *,
        title: str,
        body: str,
        summary: str | None = None,
        format: str = "text",
        metadata: dict[str, str] | None = None,
        expected_revision: int | None = None,
    ) -> Draft:
        return self._run(
            calls.update_draft(
                draft_id,
                title=title,
                body=body,
                summary=summary,
                format=format,
                metadata=metadata,
                expected_revision=expected_revision,
            )
        )

    def get_draft(self, draft_id: int) -> Draft:
        return self._run(calls.get_draft(draft_id))

    def get_version(self, draft_id: int, number: int) -> DraftVersion:
        return self._run(calls.get_version(draft_id, number))

    def submit(self, draft_id: int, *, expected_revision: int | None = None) -> Draft:
        return self._run(calls.submit(draft_id, expected_revision))

    def withdraw(self, draft_id: int, *, comment: str | None = None, expected_revision: int | None = None) -> Draft:
        """撤回: take a draft in review back to the author; it becomes a draft again, to be updated and
        submitted anew. Raises ``ApiError`` ``wrong_status`` (not in review) or ``not_author``."""
        return self._run(calls.withdraw(draft_id, comment, expected_revision))

    def act(
        self, draft_id: int, action: str, *, comment: str | None = None, expected_revision: int | None = None
    ) -> Draft:
        return self._run(calls.act(draft_id, action, comment, expected_revision))

    def comment(self, draft_id: int, text: str) -> None:
        self._run(calls.comment(draft_id, text))

    # -- publishing -----------------------------------------------------------------------------
    def confirm_published(self, draft_id: int, receipt: dict[str, Any]) -> Draft:
        """Tell the service this draft's approved content went live (status ``published``)."""
        return self._run(calls.confirm_published(draft_id, receipt))

    def publish_gate(
        self, *, channel: str, title: str, body: str, summary: str | None = None, format: str = "text"
    ) -> GateResult:
        return self._run(calls.publish_gate(channel=channel, title=title, body=body, summary=summary, format=format))

    def browser_token(self, user: str, *, ttl_seconds: int | None = None) -> BrowserToken:
        """A check-only token, valid for minutes, for one CMS user's editor widget."""
        return self._run(calls.browser_token(user, ttl_seconds))

    def key_set(self) -> dict[str, Any]:
        return self._run(calls.keys())

    def verify_receipt(
        self,
        receipt: Any,
        *,
        channel: str,
        title: str,
        body: str,
        summary: str | None = None,
        format: str = "text",
        attachments: Iterable[Mapping[str, str]] = (),
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """Verify offline that ``receipt`` covers exactly this content on ``channel``; returns its payload.

        Call it with what is about to be published, right before publishing: a page changed after
        the gate answered no longer matches the receipt (``content_mismatch``).
        """
        digest = content_hash(
            title=title,
            body=body,
            summary=summary,
            body_format=format,
            attachments=attachments,
            form_version=receipt_form_version(receipt),
        )
        kid = receipt_kid(receipt)
        if self.keys.needs_fetch(kid):
            try:
                self.keys.store(self.key_set())
            except ReviewError:
                if self.keys.jwks is None:  # a stored key set still verifies while the service is down
                    raise
        return verify_receipt(receipt, self.keys.jwks or {}, content_hash=digest, channel=channel, now=now)
