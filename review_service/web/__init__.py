"""The web queue and editor workspace: server-rendered pages on the same services as the API."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from review_service.web.deps import CsrfRejected, Forbidden, LoginRequired, PasswordChangeRequired
from review_service.web.refusals import error_page, install_domain_error_page
from review_service.web.routes import admin, archive, attachments, auth, dashboard, drafts, messages, workspace

STATIC = Path(__file__).resolve().parent / "static"

# Draft text is escaped by the templates; this policy is the second wall: no inline script,
# no script or style from anywhere but this service, no framing by other sites.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class PageSecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        # The widget demo (/integrations/) stands in for a CMS page, which brings its own policy.
        if not request.url.path.startswith(("/api/", "/docs", "/integrations/")):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            if not request.url.path.startswith("/static/"):
                # Pages show drafts, one-time passwords and tokens: never from a shared PC's cache.
                response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def install_web(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        auth.router,
        workspace.router,
        drafts.router,
        attachments.router,
        dashboard.router,
        archive.router,
        admin.router,
        messages.router,
    ):
        app.include_router(router, include_in_schema=False)
    app.add_middleware(PageSecurityHeaders)

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _password(_: Request, __: PasswordChangeRequired) -> Response:
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _csrf(_: Request, __: CsrfRejected) -> Response:
        return error_page(403, "请求无效", "表单已过期或来源不明（CSRF 校验失败），请返回页面刷新后重试。")

    json_validation_error = app.exception_handlers[RequestValidationError]

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return await json_validation_error(request, exc)
        return error_page(422, "地址或参数无效", "请求的地址或参数不符合要求，请从页面上的链接进入。")

    install_domain_error_page(app)

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, __: Forbidden) -> Response:
        return error_page(403, "无权访问", "您的角色不能使用此页面。")
