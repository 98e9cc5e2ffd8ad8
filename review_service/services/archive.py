"""The published archive (回头看): import pages, list and show them, re-check the site, open corrections.

Importing and re-checking the whole site is for ``may(user, MANAGE_ARCHIVE)``; reading the archive
is for anyone signed in. Refusals are ``ArchiveError``s, the archive's ``DomainError``s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, select

from review_service.archive import recheck as rechecks
from review_service.archive.correction import get_document, open_correction_draft
from review_service.archive.errors import ArchiveError, category_matches, validate_categories
from review_service.archive.importer import ImportResult, import_pages, page_from_record
from review_service.archive.report import Row, document_path, rows_for, to_csv, to_html
from review_service.archive.schemas import DocumentDetail, DocumentOut, RecheckOut
from review_service.models import ArchiveDocument, Draft, RecheckRun, User
from review_service.permissions import Action, require
from review_service.services.context import ServiceContext

API_RUNS = "/api/v1/archive/rechecks"
MAX_ID = 2**31
OVERVIEW_LIMIT = 500
RECENT_RUNS = 20


def _manager(user: User) -> None:
    """Importing and re-checking the whole site."""
    zh, en = "仅管理员或终审人员可导入或复查", "Only admins and final reviewers may do this"
    require(user, Action.MANAGE_ARCHIVE, zh, en)


# -- pages -----------------------------------------------------------------------------------------


def import_documents(ctx: ServiceContext, *, actor: User, records: list[dict[str, Any]]) -> ImportResult:
    """Add or update published pages; one bad record (or a repeated url) refuses the whole import."""
    _manager(actor)
    pages, seen = [], set()
    for number, record in enumerate(records, 1):
        page = page_from_record(
            record, f"第 {number} 篇", max_chars=ctx.settings.max_text_chars, where_en=f"document {number}"
        )
        if page.url in seen:
            raise ArchiveError("duplicate_url", f"第 {number} 篇：url 重复", f"document {number}: url repeats")
        seen.add(page.url)
        pages.append(page)
    return import_pages(ctx.session, pages)


def document_out(doc: ArchiveDocument, categories: list[str] | None = None, *, detail: bool = False) -> DocumentOut:
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


def documents(
    ctx: ServiceContext,
    *,
    categories: list[str],
    department: str | None,
    with_findings: bool,
    limit: int,
    offset: int,
) -> list[DocumentOut]:
    """Pages in id order; with categories, only pages with findings in them (and only those findings)."""
    wanted = validate_categories(categories)
    query = select(ArchiveDocument).order_by(ArchiveDocument.id)
    if department:
        query = query.where(ArchiveDocument.department == department)
    if with_findings or wanted:  # SQL pre-filter: pages with at least one finding
        query = query.where(ArchiveDocument.checked_at.is_not(None), cast(ArchiveDocument.findings, String) != "[]")
    if not wanted:  # every remaining page qualifies: page in SQL
        return [document_out(doc) for doc in ctx.session.scalars(query.offset(offset).limit(limit))]
    out: list[DocumentOut] = []
    skip = offset
    for doc in ctx.session.scalars(query.execution_options(yield_per=200)):  # the category test is on JSON
        item = document_out(doc, wanted)
        if not item.findings:
            continue
        if skip:
            skip -= 1
            continue
        out.append(item)
        if len(out) >= limit:
            break
    return out


def _no_document() -> ArchiveError:
    return ArchiveError("document_not_found", "已发布页面不存在", "Published page not found", status=404)


def document(ctx: ServiceContext, document_id: int) -> ArchiveDocument:
    if not 0 < document_id < MAX_ID:
        raise _no_document()
    return get_document(ctx.session, document_id)


@dataclass(frozen=True)
class DocumentView:
    doc: ArchiveDocument
    correction: Draft | None  # the correction draft opened for it, if any


def document_view(ctx: ServiceContext, document_id: int) -> DocumentView:
    doc = document(ctx, document_id)
    correction = ctx.session.get(Draft, doc.correction_draft_id) if doc.correction_draft_id else None
    return DocumentView(doc, correction)


def open_correction(ctx: ServiceContext, *, actor: User, document_id: int) -> tuple[Draft, bool]:
    """The page's open correction draft, or a new one (``True``) that goes through its workflow."""
    if not 0 < document_id < MAX_ID:
        raise _no_document()
    return open_correction_draft(ctx, document_id=document_id, user=actor)


@dataclass(frozen=True)
class Overview:
    """The archive page: pages with blocking or warning findings, recent re-checks, the departments."""

    docs: list[ArchiveDocument]
    runs: list[tuple[RecheckRun, rechecks.Progress]]
    departments: list[str]


def overview(ctx: ServiceContext, *, category: str, department: str, limit: int = OVERVIEW_LIMIT) -> Overview:
    session = ctx.session
    query = (
        select(ArchiveDocument)
        .where(ArchiveDocument.verdict.in_(("block", "warn")))
        .order_by(ArchiveDocument.published_at.desc())
    )
    if department:
        query = query.where(ArchiveDocument.department == department)
    docs = list(session.scalars(query.limit(limit)))
    if category:
        docs = [d for d in docs if any(f["category"].startswith(category) for f in d.findings or [])]
    runs = session.scalars(select(RecheckRun).order_by(RecheckRun.id.desc()).limit(RECENT_RUNS)).all()
    return Overview(
        docs=docs,
        runs=[(r, rechecks.progress(r)) for r in runs],
        departments=sorted({d for d in session.scalars(select(ArchiveDocument.department)) if d}),
    )


# -- re-checks -------------------------------------------------------------------------------------


def run_out(ctx: ServiceContext, run: RecheckRun) -> RecheckOut:
    failed = rechecks.failures(ctx.session, run.id)
    p = rechecks.progress(run, failed=failed)
    base = f"{API_RUNS}/{run.id}"
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


@dataclass(frozen=True)
class Started:
    run: RecheckRun
    run_here: bool  # no broker: the caller runs the batches in this process after the commit


def start_recheck(
    ctx: ServiceContext, *, actor: User, since: dt.date | None, categories: list[str], full: bool
) -> Started:
    _manager(actor)
    run = rechecks.start_recheck(ctx, since=since, categories=categories, full=full, user_id=actor.id)
    return Started(run, run_here=not ctx.settings.broker_url and bool(run.batches))


def run(ctx: ServiceContext, run_id: int) -> RecheckRun:
    if not 0 < run_id < MAX_ID:
        raise ArchiveError("recheck_not_found", "复查任务不存在", "Re-check run not found", status=404)
    return rechecks.get_run(ctx.session, run_id)


def report_rows(ctx: ServiceContext, run_id: int) -> tuple[RecheckRun, list[Row]]:
    found = run(ctx, run_id)
    return found, rows_for(ctx.session, found)


def report_csv(ctx: ServiceContext, run_id: int) -> tuple[RecheckRun, str]:
    found, rows = report_rows(ctx, run_id)
    return found, to_csv(rows)


def report_html(ctx: ServiceContext, run_id: int, *, with_failures: bool = True) -> str:
    found, rows = report_rows(ctx, run_id)
    return to_html(found, rows, failed=rechecks.failures(ctx.session, found.id) if with_failures else None)
