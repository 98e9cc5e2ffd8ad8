"""The published archive: import pages, start a 回头看 re-check and poll it, report, open corrections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from review_service.api.deps import ContextDep, DraftsToken, SessionDep, SettingsDep
from review_service.api.routes.drafts import ERRORS_409, DraftId, draft_out
from review_service.archive import recheck as rechecks
from review_service.archive.correction import get_document, open_correction_draft
from review_service.archive.errors import ArchiveError, category_matches, validate_categories
from review_service.archive.importer import import_pages, page_from_record
from review_service.archive.report import document_path, rows_for, to_csv, to_html
from review_service.archive.schemas import (
    DocumentDetail,
    DocumentOut,
    ImportOut,
    ImportRequest,
    RecheckOut,
    RecheckRequest,
)
from review_service.drafts import settle
from review_service.models import ArchiveDocument, RecheckRun, User
from review_service.permissions import Action, may
from review_service.schemas import DraftOut
from review_service.services.errors import DomainError

router = APIRouter(tags=["archive"])


def _api_error(exc: ArchiveError) -> DomainError:
    return DomainError(exc.status, exc.code, exc.message_zh, exc.message_en)


def _manager(user: User) -> None:
    if not may(user, Action.MANAGE_ARCHIVE):  # importing and re-checking the whole site
        raise DomainError(
            403, "forbidden", "仅管理员或终审人员可导入或复查", "Only admins and final reviewers may do this"
        )


def _run_out(run: RecheckRun, session: Session) -> RecheckOut:
    failed = rechecks.failures(session, run.id)
    p = rechecks.progress(run, failed=failed)
    base = f"/api/v1/archive/rechecks/{run.id}"
    return RecheckOut(
        id=run.id,
        state=run.state,
        mode=run.mode,
        reason=run.reason,
        since=run.since,
        categories=run.categories,
        in_scope=run.in_scope,
        total=run.total,
        done=run.done,
        percent=p.percent,
        batches=run.batches,
        batches_done=run.batches_done,
        elapsed_s=p.elapsed_s,
        rate_per_s=p.rate_per_s,
        eta_s=p.eta_s,
        report_html=f"{base}/report.html",
        report_csv=f"{base}/report.csv",
        failed_batches=p.failed_batches,
        failed_pages=sorted(failed.pages),
    )


def _doc_out(doc: ArchiveDocument, categories: list[str] | None = None, *, detail: bool = False) -> DocumentOut:
    findings = [f for f in doc.findings or [] if category_matches(f["category"], categories or [])]
    fields = dict(
        id=doc.id,
        url=doc.url,
        title=doc.title,
        published_at=doc.published_at,
        department=doc.department,
        content_hash=doc.content_hash,
        checked_at=doc.checked_at,
        current=doc.checked_hash == doc.content_hash,
        verdict=doc.verdict,
        findings=findings,
        correction_draft_id=doc.correction_draft_id,
        review_path=document_path(doc.id),
    )
    if detail:
        return DocumentDetail(**fields, body=doc.body, format=doc.body_format)
    return DocumentOut(**fields)


@router.post("/archive/documents", response_model=ImportOut, responses=ERRORS_409, summary="导入已发布页面")
def import_documents(body: ImportRequest, session: SessionDep, settings: SettingsDep, token: DraftsToken) -> ImportOut:
    _manager(token.user)
    pages, seen = [], set()
    try:
        for number, item in enumerate(body.documents, 1):
            page = page_from_record(
                item.model_dump(exclude_none=True),
                f"第 {number} 篇",
                max_chars=settings.max_text_chars,
                where_en=f"document {number}",
            )
            if page.url in seen:
                raise ArchiveError("duplicate_url", f"第 {number} 篇：url 重复", f"document {number}: url repeats")
            seen.add(page.url)
            pages.append(page)
    except ArchiveError as exc:
        raise _api_error(exc) from exc
    result = import_pages(session, pages)
    return ImportOut(added=result.added, updated=result.updated, unchanged=result.unchanged)


@router.get("/archive/documents", response_model=list[DocumentOut], summary="已发布页面（可按问题筛选）")
def list_documents(
    session: SessionDep,
    token: DraftsToken,
    category: Annotated[list[str] | None, Query(max_length=30)] = None,
    department: Annotated[str | None, Query(max_length=120)] = None,
    with_findings: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[DocumentOut]:
    try:
        wanted = validate_categories(category or [])
    except ArchiveError as exc:
        raise _api_error(exc) from exc
    query = select(ArchiveDocument).order_by(ArchiveDocument.id)
    if department:
        query = query.where(ArchiveDocument.department == department)
    if with_findings or wanted:  # SQL pre-filter: pages with at least one finding
        query = query.where(ArchiveDocument.checked_at.is_not(None), cast(ArchiveDocument.findings, String) != "[]")
    if not wanted:  # every remaining page qualifies: page in SQL
        return [_doc_out(doc) for doc in session.scalars(query.offset(offset).limit(limit))]
    out: list[DocumentOut] = []
    skip = offset
    for doc in session.scalars(query.execution_options(yield_per=200)):  # the category test is on JSON
        item = _doc_out(doc, wanted)
        if not item.findings:
            continue
        if skip:
            skip -= 1
            continue
        out.append(item)
        if len(out) >= limit:
            break
    return out


@router.get("/archive/documents/{document_id}", response_model=DocumentDetail, responses=ERRORS_409, summary="页面详情")
def document_detail(document_id: DraftId, session: SessionDep, token: DraftsToken) -> DocumentOut:
    try:
        return _doc_out(get_document(session, document_id), detail=True)
    except ArchiveError as exc:
        raise _api_error(exc) from exc


@router.post(
    "/archive/documents/{document_id}/correction",
    response_model=DraftOut,
    status_code=201,
    responses=ERRORS_409,
    summary="为已发布页面开更正稿",
)
def open_correction(
    document_id: DraftId, session: SessionDep, ctx: ContextDep, token: DraftsToken, response: Response
) -> DraftOut:
    """201 with a new correction draft, or 200 with the one still open for this page."""
    try:
        draft, created = open_correction_draft(session, document_id=document_id, user=token.user)
    except ArchiveError as exc:
        raise _api_error(exc) from exc
    if not created:
        response.status_code = 200
    settle(session)  # a new correction's check runs after the commit
    return draft_out(ctx, draft, token.user)


def _run_here(settings, run_id: int) -> None:  # type: ignore[no-untyped-def]
    rechecks.run_in_process(settings, run_id)


@router.post(
    "/archive/rechecks", response_model=RecheckOut, status_code=202, responses=ERRORS_409, summary="开始回头看复查"
)
def start_recheck(
    body: RecheckRequest, session: SessionDep, settings: SettingsDep, token: DraftsToken, background: BackgroundTasks
) -> RecheckOut:
    _manager(token.user)
    try:
        run = rechecks.start_recheck(
            session,
            settings=settings,
            since=body.since,
            categories=body.categories,
            full=body.full,
            user_id=token.user.id,
        )
    except ArchiveError as exc:
        raise _api_error(exc) from exc
    if not settings.broker_url and run.batches:
        background.add_task(_run_here, settings, run.id)  # after the response (and the commit)
    return _run_out(run, session)


def _get_run(session: Session, run_id: int) -> RecheckRun:
    try:
        return rechecks.get_run(session, run_id)
    except ArchiveError as exc:
        raise _api_error(exc) from exc


@router.get("/archive/rechecks/{run_id}", response_model=RecheckOut, responses=ERRORS_409, summary="复查进度")
def recheck_progress(run_id: DraftId, session: SessionDep, token: DraftsToken) -> RecheckOut:
    return _run_out(_get_run(session, run_id), session)


@router.get("/archive/rechecks/{run_id}/report.csv", response_class=PlainTextResponse, summary="复查报告 CSV")
def report_csv(run_id: DraftId, session: SessionDep, token: DraftsToken) -> PlainTextResponse:
    run = _get_run(session, run_id)
    return PlainTextResponse(
        "\ufeff" + to_csv(rows_for(session, run)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="recheck-{run.id}.csv"'},
    )


@router.get("/archive/rechecks/{run_id}/report.html", response_class=HTMLResponse, summary="复查报告 HTML")
def report_html(run_id: DraftId, session: SessionDep, token: DraftsToken) -> HTMLResponse:
    run = _get_run(session, run_id)
    return HTMLResponse(to_html(run, rows_for(session, run), failed=rechecks.failures(session, run.id)))
