"""Refuses request bodies over the configured size before anything reads them."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review_service.errors import error_body

MULTIPART_OVERHEAD = 64 * 1024
# Request paths (by their ending) that upload a file and so get the attachment size limit.
UPLOAD_PATHS = ("/check/file", "/attachments")


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_paths: tuple[str, ...] = (), upload_max_bytes: int = 0
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # File uploads (attachments) have their own, larger limit; the multipart envelope adds a little.
        self.upload_paths = upload_paths
        self.upload_max_bytes = max(max_bytes, upload_max_bytes + MULTIPART_OVERHEAD)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.upload_max_bytes if path.endswith(self.upload_paths) and self.upload_paths else self.max_bytes
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._reject(send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send, limit)

    async def _reject(self, send: Send, limit: int) -> None:
        body = json.dumps(
            error_body(
                "payload_too_large",
                f"请求体超过上限 {limit} 字节",
                f"Request body exceeds the limit of {limit} bytes",
            ),
            ensure_ascii=False,
        ).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
