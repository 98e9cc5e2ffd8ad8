"""The published archive: import pages, start a 回头看 re-check and poll it, report, open corrections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from review_service.api.deps import ContextDep, DraftsToken
from review_service.api.routes.drafts import ERRORS_409, DraftId, draft_out
from review_service.archive import recheck as rechecks
from review_service.archive.schemas import (
    DocumentDetail,
    DocumentOut,
    ImportOut,
    ImportRequest,
    RecheckOut,
    RecheckRequest,
)
from review_service.config import Settings
from review_service.schemas import DraftOut
from review_service.services import archive, drafts

router = APIRouter(tags=["archive"])


@router.post("/archive/documents", response_model=ImportOut, responses=ERRORS_409, summary="导入已发布页面")
def import_documents(body: ImportRequest, ctx: ContextDep, token: DraftsToken) -> ImportOut:
    records = [item.model_dump(exclude_none=True) for item in body.documents]
    result = archive.import_documents(ctx, actor=token.user, records=records)
    return ImportOut(added=result.added, updated=result.updated, unchanged=result.unchanged)


@router.get("/archive/documents", response_model=list[DocumentOut], summary="已发布页面（可按问题筛选）")
def list_documents(
    ctx: ContextDep,
    token: DraftsToken,
    category: Annotated[list[str] | None, Query(max_length=30)] = None,
    department: Annotated[str | None, Query(max_length=120)] = None,
    with_findings: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[DocumentOut]:
    return archive.documents(
        ctx, categories=category or [], department=department, with_findings=with_findings, limit=limit, offset=offset
    )


@router.get("/archive/documents/{document_id}", response_model=DocumentDetail, responses=ERRORS_409, summary="页面详情")
def document_detail(document_id: DraftId, ctx: ContextDep, token: DraftsToken) -> DocumentOut:
    return archive.document_out(archive.document(ctx, document_id), detail=True)


@router.post(
    "/archive/documents/{document_id}/correction",
    response_model=DraftOut,
    status_code=201,
    responses=ERRORS_409,
    summary="为已发布页面开更正稿",
)
def open_correction(document_id: DraftId, ctx: ContextDep, token: DraftsToken, response: Response) -> DraftOut:
    """201 with a new correction draft, or 200 with the one still open for this page."""
    draft, created = archive.open_correction(ctx, actor=token.user, document_id=document_id)
    if not created:
        response.status_code = 200
    drafts.settle(ctx)  # a new correction's check runs after the commit, before the answer is built
    return draft_out(ctx, draft, token.user)


def _run_here(settings: Settings, run_id: int) -> None:
    rechecks.run_in_process(settings, run_id)


@router.post(
    "/archive/rechecks", response_model=RecheckOut, status_code=202, responses=ERRORS_409, summary="开始回头看复查"
)
def start_recheck(body: RecheckRequest, ctx: ContextDep, token: DraftsToken, background: BackgroundTasks) -> RecheckOut:
    started = archive.start_recheck(ctx, actor=token.user, since=body.since, categories=body.categories, full=body.full)
    if started.run_here:
        background.add_task(_run_here, ctx.settings, started.run.id)  # after the response (and the commit)
    return archive.run_out(ctx, started.run)


@router.get("/archive/rechecks/{run_id}", response_model=RecheckOut, responses=ERRORS_409, summary="复查进度")
def recheck_progress(run_id: DraftId, ctx: ContextDep, token: DraftsToken) -> RecheckOut:
    return archive.run_out(ctx, archive.run(ctx, run_id))


@router.get("/archive/rechecks/{run_id}/report.csv", response_class=PlainTextResponse, summary="复查报告 CSV")
def report_csv(run_id: DraftId, ctx: ContextDep, token: DraftsToken) -> PlainTextResponse:
    run, csv = archive.report_csv(ctx, run_id)
    return PlainTextResponse(
        "\ufeff" + csv,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="recheck-{run.id}.csv"'},
    )


@router.get("/archive/rechecks/{run_id}/report.html", response_class=HTMLResponse, summary="复查报告 HTML")
def report_html(run_id: DraftId, ctx: ContextDep, token: DraftsToken) -> HTMLResponse:
    return HTMLResponse(archive.report_html(ctx, run_id))
