"""回头看 in the browser: published pages with findings, re-check reports, opening a correction draft."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from review_service.services import archive
from review_service.web.deps import FormPageDep, PageDep
from review_service.web.highlight import category_label, segments
from review_service.web.refusals import back_on_refusal, page_on_refusal

router = APIRouter(prefix="/archive")
LIST_LIMIT = archive.OVERVIEW_LIMIT
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'"


@router.get("")
def archive_home(
    page: PageDep,
    category: Annotated[str, Query(max_length=40)] = "",
    department: Annotated[str, Query(max_length=120)] = "",
) -> Response:
    view = archive.overview(page.ctx, category=category, department=department, limit=LIST_LIMIT)
    return page.render(
        "archive.html",
        docs=view.docs,
        runs=view.runs,
        category=category,
        department=department,
        departments=view.departments,
        category_label=category_label,
        limit=LIST_LIMIT,
    )


@router.get("/documents/{document_id}")
def document_page(document_id: int, page: PageDep) -> Response:
    page_on_refusal(page, 404, "页面不存在", "该已发布页面不在档案中。")
    view = archive.document_view(page.ctx, document_id)
    doc = view.doc
    findings = list(doc.findings or [])
    return page.render(
        "archive_document.html",
        doc=doc,
        findings=findings,
        segments={name: segments(getattr(doc, name) or "", findings, name) for name in ("title", "body")},
        category_label=category_label,
        correction=view.correction,
    )


@router.post("/documents/{document_id}/correction")
def correction(document_id: int, page: FormPageDep) -> Response:
    back_on_refusal(page, f"/archive/documents/{document_id}", plain=True)
    draft, created = archive.open_correction(page.ctx, actor=page.user, document_id=document_id)
    message = "已开立更正稿，请修改后提交审核" if created else "该页面已有进行中的更正稿"
    target = f"/drafts/{draft.id}/edit" if draft.author_id == page.user.id else f"/drafts/{draft.id}"
    return page.redirect(target, message)


@router.get("/rechecks/{run_id}/report")
def report(run_id: int, page: PageDep) -> Response:
    page_on_refusal(page, 404, "复查不存在", "没有这次复查。")
    html = archive.report_html(page.ctx, run_id, with_failures=False)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_POLICY})
