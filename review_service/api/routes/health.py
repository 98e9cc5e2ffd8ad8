"""Liveness (the process answers) and readiness (it can reach its database and broker).

``/health`` is for the CLI's wait loop and load balancers that only need the process; ``/ready``
is what the container health checks use: while PostgreSQL or Redis is down, every real request
would fail, so the service reports itself not ready instead of healthy.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text

from review_service.config import Settings
from review_service.db import get_engine
from review_service.errors import error_body

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])
# Each dependency gets this long to answer: below the health checks' own 5 s limit.
PROBE_TIMEOUT_S = 2.0
OK, UNAVAILABLE, NOT_CONFIGURED = "ok", "unavailable", "not_configured"


@router.get("/health", summary="服务健康检查")
def health() -> dict[str, str]:
    return {"status": "ok"}


def _database(settings: Settings) -> None:
    with get_engine(settings.sqlalchemy_url).connect() as connection:
        connection.execute(text("SELECT 1"))


def _broker(url: str) -> None:
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT_S, socket_timeout=PROBE_TIMEOUT_S)
        try:
            client.ping()
        finally:
            client.close()
        return
    from kombu import Connection

    with Connection(url, connect_timeout=PROBE_TIMEOUT_S) as connection:
        connection.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_S)


async def _probe(name: str, call, *args: object) -> str:  # type: ignore[no-untyped-def]
    try:
        await asyncio.wait_for(run_in_threadpool(call, *args), PROBE_TIMEOUT_S + 0.5)
    except Exception as exc:  # any failure (refused, timeout, authentication) means: not ready
        log.warning("readiness: %s unavailable: %s", name, exc)
        return UNAVAILABLE
    return OK


@router.get(
    "/ready",
    summary="就绪检查：数据库与消息队列是否可用",
    responses={503: {"description": "数据库或消息队列不可用 / database or broker unavailable"}},
)
async def ready(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    database, broker = await asyncio.gather(
        _probe("database", _database, settings),
        _probe("broker", _broker, settings.broker_url) if settings.broker_url else _not_configured(),
    )
    parts = {"database": database, "broker": broker}
    if UNAVAILABLE in parts.values():
        down = "、".join({"database": "数据库", "broker": "消息队列"}[k] for k, v in parts.items() if v == UNAVAILABLE)
        down_en = " and ".join(k for k, v in parts.items() if v == UNAVAILABLE)
        body = error_body("not_ready", f"服务暂不可用：{down}无法连接", f"Not ready: {down_en} unavailable", parts)
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ready", **parts})


async def _not_configured() -> str:
    return NOT_CONFIGURED
