"""The asynchronous client: the same calls as :class:`~review_client.client.ReviewClient`, awaited."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import httpx

from review_client import _calls as calls
from review_client._retry import RetryPolicy, next_wait, parse_success, transport_error
from review_client.canonical import content_hash
from review_client.client import DEFAULT_TIMEOUT, _headers
from review_client.errors import ReviewError
from review_client.models import BrowserToken, CheckResult, Draft, DraftVersion, GateResult, MaskResult
from review_client.receipts import KeySetCache, receipt_form_version, receipt_kid, verify_receipt

T = TypeVar("T")


class AsyncReviewClient:
    """``async with AsyncReviewClient(base_url, token) as client: await client.check(...)``."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        keys: KeySetCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.keys = keys or KeySetCache()
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=_headers(token), timeout=timeout, transport=transport
        )

    async def __aenter__(self) -> AsyncReviewClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _run(self, call: calls.Call[T]) -> T:
        attempt = 0
        while True:
            try:
                response = await self._http.request(call.method, call.path, json=call.json)
            except httpx.TransportError as exc:
                raise transport_error(exc) from exc
            if response.is_success:
                return parse_success(call, response)
            await asyncio.sleep(next_wait(self.retry, response, attempt, idempotent=call.idempotent))
            attempt += 1

    async def check(
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
        call = calls.check(
            text,
            title=title,
            summary=summary,
            channel=channel,
            format=format,
            doc_type=doc_type,
            doc_date=date,
            metadata=metadata,
        )
        return await self._run(call)

    async def mask(
        self,
        text: str,
        *,
        title: str | None = None,
        summary: str | None = None,
        channel: str = "website",
        format: str = "text",
        doc_type: str | None = None,
    ) -> MaskResult:
        call = calls.mask(text, title=title, summary=summary, channel=channel, format=format, doc_type=doc_type)
        return await self._run(call)

    async def create_draft(
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
        call = calls.create_draft(
            title=title,
            body=body,
            summary=summary,
            format=format,
            channel=channel,
            doc_type=doc_type,
            metadata=metadata,
            on_behalf_of=on_behalf_of,
        )
        return await self._run(call)

    async def update_draft(
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
        call = calls.update_draft(
            draft_id,
            title=title,
            body=body,
            summary=summary,
            format=format,
            metadata=metadata,
            expected_revision=expected_revision,
        )
        return await self._run(call)

    async def get_draft(self, draft_id: int) -> Draft:
        return await self._run(calls.get_draft(draft_id))

    async def get_version(self, draft_id: int, number: int) -> DraftVersion:
        return await self._run(calls.get_version(draft_id, number))

    async def submit(self, draft_id: int, *, expected_revision: int | None = None) -> Draft:
        return await self._run(calls.submit(draft_id, expected_revision))

    async def withdraw(
        self, draft_id: int, *, comment: str | None = None, expected_revision: int | None = None
    ) -> Draft:
        """撤回: take a draft in review back to the author (``wrong_status``/``not_author`` otherwise)."""
        return await self._run(calls.withdraw(draft_id, comment, expected_revision))

    async def act(
        self, draft_id: int, action: str, *, comment: str | None = None, expected_revision: int | None = None
    ) -> Draft:
        return await self._run(calls.act(draft_id, action, comment, expected_revision))

    async def comment(self, draft_id: int, text: str) -> None:
        await self._run(calls.comment(draft_id, text))

    async def confirm_published(self, draft_id: int, receipt: dict[str, Any]) -> Draft:
        """Tell the service this draft's approved content went live (status ``published``)."""
        return await self._run(calls.confirm_published(draft_id, receipt))

    async def publish_gate(
        self, *, channel: str, title: str, body: str, summary: str | None = None, format: str = "text"
    ) -> GateResult:
        call = calls.publish_gate(channel=channel, title=title, body=body, summary=summary, format=format)
        return await self._run(call)

    async def browser_token(self, user: str, *, ttl_seconds: int | None = None) -> BrowserToken:
        return await self._run(calls.browser_token(user, ttl_seconds))

    async def key_set(self) -> dict[str, Any]:
        return await self._run(calls.keys())

    async def verify_receipt(
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
                self.keys.store(await self.key_set())
            except ReviewError:
                if self.keys.jwks is None:
                    raise
        return verify_receipt(receipt, self.keys.jwks or {}, content_hash=digest, channel=channel, now=now)
