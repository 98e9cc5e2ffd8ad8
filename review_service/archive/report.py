"""The re-check report: pages that now have findings, grouped by category and department (HTML and CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.archive.errors import category_matches
from review_service.archive.recheck import Failures
from review_service.models import ArchiveDocument, RecheckRun

NO_DEPARTMENT = "（未注明部门）"
SEVERITY_RANK = {"block": 0, "warn": 1, "info": 2}
SEVERITY_LABEL = {"block": "阻断", "warn": "警告", "info": "提示"}
CSV_COLUMNS = [
    "category",
    "department",
    "document_id",
    "url",
    "title",
    "published_at",
    "findings",
    "severity",
    "first_message",
    "first_excerpt",
    "suggestion",
    "review_path",
]


def document_path(document_id: int) -> str:
    """The web page where an editor sees a published page's findings and opens a correction draft."""
    return f"/archive/documents/{document_id}"


@dataclass(frozen=True)
class Row:
    category: str
    department: str
    document_id: int
    url: str
    title: str
    published_at: dt.date
    findings: int
    severity: str
    first_message: str
    first_excerpt: str
    suggestion: str
    correction_draft_id: int | None


def excerpt(doc: ArchiveDocument, finding: dict, width: int = 12) -> str:
    source = doc.title if finding.get("field") == "title" else doc.body
    start, end = finding["start"], finding["end"]
    before = source[max(0, start - width) : start].replace("\n", " ")
    after = source[end : end + width].replace("\n", " ")
    return f"…{before}【{source[start:end]}】{after}…"


def rows_for(session: Session, run: RecheckRun) -> list[Row]:
    """One row per page and category, for the pages in the run's scope that now have findings."""
    query = (
        select(ArchiveDocument)
        .where(ArchiveDocument.checked_at.is_not(None))
        # findings computed for other content (re-imported since) are not reported
        .where(ArchiveDocument.checked_hash == ArchiveDocument.content_hash)
        .order_by(ArchiveDocument.id)
    )
    if run.since is not None:
        query = query.where(ArchiveDocument.published_at >= run.since)
    rows: list[Row] = []
    for doc in session.scalars(query):
        wanted = [f for f in doc.findings or [] if category_matches(f["category"], run.categories)]
        for category, group in groupby(
            sorted(wanted, key=lambda f: (f["category"], f["start"])), lambda f: f["category"]
        ):
            found = list(group)
            first = min(found, key=lambda f: (SEVERITY_RANK.get(f["severity"], 3), f["start"]))
            rows.append(
                Row(
                    category=category,
                    department=doc.department or NO_DEPARTMENT,
                    document_id=doc.id,
                    url=doc.url,
                    title=doc.title,
                    published_at=doc.published_at,
                    findings=len(found),
                    severity=first["severity"],
                    first_message=first["message"],
                    first_excerpt=excerpt(doc, first),
                    suggestion=first.get("suggestion") or "",
                    correction_draft_id=doc.correction_draft_id,
                )
            )
    rows.sort(key=lambda r: (r.category, r.department, SEVERITY_RANK.get(r.severity, 3), r.published_at, r.document_id))
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ (or tab, CR) gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        row = [
            r.category,
            r.department,
            r.document_id,
            r.url,
            r.title,
            r.published_at.isoformat(),
            r.findings,
            r.severity,
            r.first_message,
            r.first_excerpt,
            r.suggestion,
            document_path(r.document_id),
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _page_link(row: Row) -> str:
    """The title, linked to the published page only for http(s) URLs (never a javascript: link)."""
    title, url = html.escape(row.title), html.escape(row.url)
    if row.url.lower().startswith(("http://", "https://")):
        title = f"<a href='{url}' rel='noopener noreferrer'>{title}</a>"
    return f"{title}<br><small>{url}</small>"


def to_html(run: RecheckRun, rows: list[Row], *, base_url: str = "", failed: Failures | None = None) -> str:
    """The report page; ``base_url`` (the service, e.g. http://127.0.0.1:8000) makes links work from a file."""
    e = html.escape
    pages = len({r.document_id for r in rows})
    scope = f"发布日期不早于 {run.since}" if run.since else "全部已发布页面"
    cats = "、".join(run.categories) if run.categories else "全部类别"
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>回头看复查报告 #{run.id}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}"
        "td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}"
        ".block{color:#b00}.warn{color:#a60}</style></head><body>",
        f"<h1>回头看复查报告 #{run.id}</h1>",
        f"<p>范围：{e(scope)}；类别：{e(cats)}；方式：{'全部复查' if run.mode == 'full' else '只复查受影响页面'}"
        f"（{e(run.reason)}）</p>",
        f"<p>范围内页面 {run.in_scope} 篇，本次检查 {run.done}/{run.total} 篇；有问题的页面 {pages} 篇。</p>",
    ]
    if failed is not None and (failed.batches or failed.pages):
        parts.append(
            f"<h2>检查失败（{len(failed.pages)} 篇，放弃的批次 {len(failed.batches)} 个）</h2>"
            "<p>以下页面未能完成检查，结果不含这些页面，请排查后重新复查。</p><table><tr><th>页面</th><th>原因</th></tr>"
        )
        for doc_id, error in sorted(failed.pages.items()):
            href = e(base_url.rstrip("/") + document_path(doc_id))
            parts.append(f"<tr><td><a href='{href}'>#{doc_id}</a></td><td>{e(error)}</td></tr>")
        parts.append("</table>")
    if not rows:
        parts.append("<p>没有发现问题。</p>")
    for category, by_category in groupby(rows, lambda r: r.category):
        in_category = list(by_category)
        parts.append(f"<h2>{e(category)}（{len({r.document_id for r in in_category})} 篇）</h2>")
        for department, by_department in groupby(in_category, lambda r: r.department):
            parts.append(
                f"<h3>{e(department)}</h3><table><tr><th>页面</th><th>发布日期</th><th>问题</th>"
                "<th>示例</th><th>建议</th><th>处理</th></tr>"
            )
            for r in by_department:
                action = f"已开更正稿 #{r.correction_draft_id}" if r.correction_draft_id else "查看并开更正稿"
                parts.append(
                    f"<tr><td>{_page_link(r)}</td><td>{r.published_at}</td>"
                    f"<td class='{e(r.severity)}'>{SEVERITY_LABEL.get(r.severity, r.severity)} ×{r.findings}："
                    f"{e(r.first_message)}</td><td>{e(r.first_excerpt)}</td><td>{e(r.suggestion)}</td>"
                    f"<td><a href='{e(base_url.rstrip('/') + document_path(r.document_id))}'>{action}</a></td></tr>"
                )
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
