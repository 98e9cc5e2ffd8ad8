"""The pages' one answer to a ``DomainError``: a flash and a redirect back, or an error page.

A route that acts from a page names where a refusal returns to (``back_on_refusal``) once the draft
is loaded; the refusal then comes back as a flash on that page (post/redirect/get), and the unit of
work has rolled back. A form whose refusal must show the form again with what was typed names how to
show it (``form_on_refusal``); the handler renders it in a fresh unit of work. Anywhere else (a link to
a draft one may not see) the answer is an error page with the status and the Chinese message. The
API's handler answers the same errors as JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from review_service.services.errors import DomainError
from review_service.services.unit_of_work import unit_of_work
from review_service.web.deps import LoginRequired, Page, get_login, set_flash
from review_service.web.render import render_template

TITLES = {403: "无权操作", 404: "内容不存在", 409: "操作未执行", 413: "文件过大", 422: "请求无效"}


def refusal_text(exc: DomainError) -> str:
    """How a refusal reads on a page: the Chinese message and the stable code to quote to support."""
    return f"操作未执行：{exc.message_zh}（错误代码 {exc.code}）"


def back_on_refusal(page: Page, url: str, *, plain: bool = False) -> None:
    """From here on, a refusal of this request returns to ``url`` with a flash message.

    ``plain`` flashes the refusal's own Chinese message alone, as the administration pages word it.
    """
    page.request.state.back_on_refusal = url
    page.request.state.refusal_plain = plain


def page_on_refusal(page: Page, status: int, title: str, text: str) -> None:
    """From here on, a refusal of this request answers with this page (a fixed "not here" wording)."""
    page.request.state.refusal_page = (status, title, text)


def answer_on_refusal(request: Request, answer: Callable[[DomainError], Response]) -> None:
    """From here on, ``answer`` gives the refusal's response (a form shown again with the refusal on it).

    It runs after the unit of work has rolled back and closed, so it must not read the database.
    """
    request.state.refusal_answer = answer


FormAgain = Callable[[Page, DomainError], Response]


def form_on_refusal(request: Request, show: FormAgain) -> None:
    """From here on, a refusal shows the form again, with what was typed and the refusal on it.

    ``show`` gets a page in a fresh unit of work: by the time the handler runs, the request's own has rolled back
    and closed, and the page around a form (lists, counters, the draft) reads the database. What was typed reaches
    ``show`` as plain values in its closure, never as the request's database objects.
    """
    request.state.refusal_form = show


def _form_again(request: Request, refused: DomainError, show: FormAgain) -> Response:
    with unit_of_work(request.app.state.settings, send=False) as ctx:
        try:
            login = get_login(request, ctx.session)
        except LoginRequired:  # the session ended meanwhile: nothing to show the form to
            return _refusal_page(refused)
        try:
            return show(Page(request, ctx, login.user, login), refused)
        except DomainError as again:  # the page around the form is refused now (the draft went meanwhile)
            ctx.session.rollback()
            return _refusal_page(again)


def _refusal_page(exc: DomainError) -> HTMLResponse:
    """The error page for a refusal: its status, a title for the status and the Chinese message."""
    return error_page(exc.status, TITLES.get(exc.status, "操作未执行"), f"{exc.message_zh}。")


def error_page(status: int, title: str, text: str) -> HTMLResponse:
    return HTMLResponse(render_template("error.html", {"title": title, "text": text}), status_code=status)


def install_domain_error_page(app: FastAPI) -> None:
    """Pages get a flash or a page; ``/api/`` paths keep the API's JSON handler (installed first)."""
    json_handler = app.exception_handlers[DomainError]

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> Response:
        if request.url.path.startswith("/api/"):
            return await json_handler(request, exc)
        answer = getattr(request.state, "refusal_answer", None)
        if answer is not None:
            return answer(exc)
        show = getattr(request.state, "refusal_form", None)
        if show is not None:
            return await run_in_threadpool(_form_again, request, exc, show)
        back = getattr(request.state, "back_on_refusal", None)
        if back is not None:
            response = RedirectResponse(back, status_code=303)
            plain = getattr(request.state, "refusal_plain", False)
            set_flash(response, exc.message_zh if plain else refusal_text(exc), "error")
            return response
        fixed = getattr(request.state, "refusal_page", None)
        if fixed is not None:
            return error_page(*fixed)
        return _refusal_page(exc)
