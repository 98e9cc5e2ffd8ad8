"""Assembles the FastAPI application; nothing else happens here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from review_service import check_pool
from review_service.api.deps import get_checker
from review_service.api.docs import install_docs
from review_service.api.limits import UPLOAD_PATHS, BodySizeLimit
from review_service.api.routes import (
    archive,
    attachments,
    auth,
    check,
    countersign,
    dictionary,
    drafts,
    gate,
    health,
    integrations,
    notifications,
    publication,
    tokens,
)
from review_service.archive.recheck import start_resume_thread
from review_service.config import Settings, get_settings
from review_service.db import upgrade
from review_service.due_reminders import start_due_thread
from review_service.errors import install_error_handlers
from review_service.rate_limit import Limits, shared_store
from review_service.sweep import start_sweeper
from review_service.web import install_web

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, *, migrate: bool = True, check_processes: check_pool.CheckPool | None = None
) -> FastAPI:
    """The application. ``check_processes``: a pool already starting (``serve``), which answers checks while
    this process builds its own engine in the background; without it the engine is built at start-up."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        if migrate:
            upgrade(settings)
        pool = check_processes or (check_pool.CheckPool.from_settings(settings) if settings.check_processes else None)
        if pool is not None:  # long checks leave this interpreter free for everyone else
            check_pool.install(pool)
        if check_processes is None:  # load dictionaries and models before the first request
            application.dependency_overrides.get(get_checker, get_checker)().engine(None)  # what routes get
        # Re-send lost tasks; without a broker, run here the draft checks a stopped process left checking
        # (their heartbeat went stale), and finish the re-check runs it left running.
        stop_sweeper = start_sweeper(settings, batches=bool(settings.broker_url))
        if not settings.broker_url:
            start_resume_thread(settings)
        stop_due = start_due_thread(settings) if settings.due_check_interval_seconds else None
        yield
        if stop_sweeper:
            stop_sweeper()
        if stop_due:
            stop_due()
        if pool is not None:
            await anyio.to_thread.run_sync(check_pool.uninstall, pool)  # lets the checks in flight finish

    app = FastAPI(
        title="发布前审校 Review Service",
        version="0.1.0",
        description="政府网站与政务新媒体发布前审校服务：敏感信息、保密、格式与文字审校，三审三校与发布闸门。",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.limits = Limits(
        logins_per_minute=settings.login_rate_per_minute,
        checks_per_minute=settings.check_rate_per_minute,
        store=shared_store(broker_url=settings.broker_url, data_dir=settings.data_dir),
    )
    install_error_handlers(app)
    install_docs(app)
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(auth.router, prefix=API_PREFIX)
    app.include_router(check.router, prefix=API_PREFIX)
    app.include_router(drafts.router, prefix=API_PREFIX)
    app.include_router(attachments.router, prefix=API_PREFIX)
    app.include_router(gate.router, prefix=API_PREFIX)
    app.include_router(publication.router, prefix=API_PREFIX)
    app.include_router(notifications.router, prefix=API_PREFIX)
    app.include_router(countersign.router, prefix=API_PREFIX)
    app.include_router(dictionary.router, prefix=API_PREFIX)
    app.include_router(archive.router, prefix=API_PREFIX)
    app.include_router(tokens.router, prefix=API_PREFIX)
    app.include_router(integrations.router)
    install_web(app)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        upload_paths=UPLOAD_PATHS,
        upload_max_bytes=settings.attachment_max_bytes,
    )
    if settings.cors_origin_list:  # outermost, so even a 413 carries the CORS headers a browser needs
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    return app
