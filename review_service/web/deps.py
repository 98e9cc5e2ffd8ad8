"""Who is browsing: the logged-in user behind the session cookie, and the CSRF guard for forms."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from review_service import work_queue
from review_service.api.deps import ContextDep, SessionDep
from review_service.config import Settings
from review_service.models import User, WebSession
from review_service.notifications import unread_count
from review_service.permissions import Action, may
from review_service.services.context import ServiceContext
from review_service.sessions import COOKIE, csrf_ok, find_session
from review_service.web.render import render_template
from review_service.work_queue import Waiting

FLASH_COOKIE = "rs_flash"


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class PasswordChangeRequired(Exception):
    """A one-time password must be replaced before anything else."""


class CsrfRejected(Exception):
    """A form came without this session's CSRF token (or from another site)."""


class Forbidden(Exception):
    """The page exists but this role may not use it."""


@dataclass
class Page:
    """Everything a page handler needs: the unit of work (its service context), the user and how to answer."""

    request: Request
    ctx: ServiceContext
    user: User
    login: WebSession
    flashes: list[dict[str, str]] = field(default_factory=list)
    _queue: list[Waiting] | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        return self.ctx.session

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def spanning_roles(self) -> frozenset[str]:
        return self.ctx.spanning_roles

    def at_my_stages(self) -> list[Waiting]:
        """Drafts at my role's stages, as light rows, worked out once per request (badge and queue share it)."""
        if self._queue is None:
            self._queue = work_queue.at_my_stages(self.session, user=self.user, spanning_roles=self.spanning_roles)
        return self._queue

    def pending_count(self) -> int:
        """Stages waiting for me plus my own drafts returned to me for changes."""
        waiting = sum(1 for w in self.at_my_stages() if w.mine)
        return waiting + work_queue.returned_count(self.session, user=self.user)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        incoming = _read_flash(self.request)
        body = render_template(
            template,
            {
                "request": self.request,
                "user": self.user,
                "csrf_token": self.login.csrf_token,
                "pending": self.pending_count(),
                "unread": unread_count(self.session, self.user),
                "flashes": incoming + self.flashes,
                **context,
            },
        )
        response = HTMLResponse(body, status_code=status_code)
        if incoming:
            response.delete_cookie(FLASH_COOKIE, path="/")
        return response

    def redirect(self, url: str, message: str | None = None, level: str = "ok") -> RedirectResponse:
        """Post/redirect/get; the message survives the redirect in a short-lived cookie."""
        response = RedirectResponse(url, status_code=303)
        if message:
            set_flash(response, message, level)
        return response

    def require(self, action: Action) -> None:
        """The page exists but this person may not use it: ``may(user, action)`` decides."""
        if not may(self.user, action):
            raise Forbidden()


def set_flash(response: Response, message: str, level: str = "ok") -> None:
    value = quote(json.dumps([{"level": level, "text": message}], ensure_ascii=False))
    response.set_cookie(FLASH_COOKIE, value, max_age=60, httponly=True, samesite="lax", path="/")


def _read_flash(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        items = json.loads(unquote(raw))
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    return [
        {"level": str(i.get("level", "ok"))[:10], "text": str(i.get("text", ""))[:500]}
        for i in items[:5]
        if isinstance(i, dict)
    ]


def _login_of(request: Request, session: Session) -> WebSession:
    record = find_session(session, secret=request.cookies.get(COOKIE))
    if record is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return record


def get_page(request: Request, ctx: ContextDep) -> Page:
    record = _login_of(request, ctx.session)
    if record.user.must_change_password:
        raise PasswordChangeRequired()
    return Page(request, ctx, record.user, record)


def get_login(request: Request, session: SessionDep) -> WebSession:
    return _login_of(request, session)


async def _csrf_token_of(request: Request) -> str | None:
    form = await request.form()
    submitted = form.get("csrf_token")
    return submitted if isinstance(submitted, str) else None


async def get_form_page(request: Request, page: Annotated[Page, Depends(get_page)]) -> Page:
    """Every state-changing form carries the session's token; a cross-site post cannot know it."""
    if not csrf_ok(page.login, await _csrf_token_of(request)):
        raise CsrfRejected()
    return page


async def get_form_login(request: Request, login: Annotated[WebSession, Depends(get_login)]) -> WebSession:
    if not csrf_ok(login, await _csrf_token_of(request)):
        raise CsrfRejected()
    return login


async def get_form_data(request: Request) -> FormData:
    return await request.form()


PageDep = Annotated[Page, Depends(get_page)]
FormDataDep = Annotated[FormData, Depends(get_form_data)]
FormPageDep = Annotated[Page, Depends(get_form_page)]
LoginDep = Annotated[WebSession, Depends(get_login)]
FormLoginDep = Annotated[WebSession, Depends(get_form_login)]
