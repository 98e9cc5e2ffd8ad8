"""回头看 in the browser: published pages with findings, re-check reports, opening a correction draft."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from review_service.archive.correction import open_correction_draft
from review_service.archive.errors import ArchiveError
from review_service.archive.recheck import progress
from review_service.archive.report import rows_for, to_html
from review_service.models import ArchiveDocument, Draft, RecheckRun
from review_service.web.deps import FormPageDep, PageDep
from review_service.web.highlight import category_label, segments

router = APIRouter(prefix="/archive")
LIST_LIMIT = 500
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'"


@router.get("")
def archive_home(
    page: PageDep,
    category: Annotated[str, Query(max_length=40)] = "",
    department: Annotated[str, Query(max_length=120)] = "",
) -> Response:
    query = (
        select(ArchiveDocument)
        .where(ArchiveDocument.verdict.in_(("block", "warn")))
        .order_by(ArchiveDocument.published_at.desc())
    )
    if department:
        query = query.where(ArchiveDocument.department == department)
    docs = list(page.session.scalars(query.limit(LIST_LIMIT)))
    if category:
        docs = [d for d in docs if any(f["category"].startswith(category) for f in d.findings or [])]
    runs = page.session.scalars(select(RecheckRun).order_by(RecheckRun.id.desc()).limit(20)).all()
    return page.render(
        "archive.html",
        docs=docs,
        runs=[(r, progress(r)) for r in runs],
        category=category,
        department=department,
        departments=sorted({d for d in page.session.scalars(select(ArchiveDocument.department)) if d}),
        category_label=category_label,
        limit=LIST_LIMIT,
    )


def _document(page: Any, document_id: int) -> ArchiveDocument | None:
    return page.session.get(ArchiveDocument, document_id) if 0 < document_id < 2**31 else None


@router.get("/documents/{document_id}")
def document_page(document_id: int, page: PageDep) -> Response:
    doc = _document(page, document_id)
    if doc is None:
        return page.render("error.html", status_code=404, title="页面不存在", text="该已发布页面不在档案中。")
    findings = list(doc.findings or [])
    correction = page.session.get(Draft, doc.correction_draft_id) if doc.correction_draft_id else None
    return page.render(
        "archive_document.html",
        doc=doc,
        findings=findings,
        segments={name: segments(getattr(doc, name) or "", findings, name) for name in ("title", "body")},
        category_label=category_label,
        correction=correction,
    )


@router.post("/documents/{document_id}/correction")
def correction(document_id: int, page: FormPageDep) -> Response:
    try:
        draft, created = open_correction_draft(page.session, document_id=document_id, user=page.user)
    except ArchiveError as exc:
        return page.redirect(f"/archive/documents/{document_id}", exc.message_zh, "error")
    message = "已开立更正稿，请修改后提交审核" if created else "该页面已有进行中的更正稿"
    target = f"/drafts/{draft.id}/edit" if draft.author_id == page.user.id else f"/drafts/{draft.id}"
    return page.redirect(target, message)


@router.get("/rechecks/{run_id}/report")
def report(run_id: int, page: PageDep) -> Response:
    run = page.session.get(RecheckRun, run_id) if 0 < run_id < 2**31 else None
    if run is None:
        return page.render("error.html", status_code=404, title="复查不存在", text="没有这次复查。")
    html = to_html(run, rows_for(page.session, run))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_POLICY})
