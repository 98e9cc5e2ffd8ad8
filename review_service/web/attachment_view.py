"""Draft attachments as the pages show them: where each finding is, said in Chinese."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from checks.attachments.spreadsheet import HIDDEN_LABELS
from review_service import draft_attachments as service
from review_service.models import Draft, DraftAttachment, User
from review_service.web.finding_view import ordered

KIND_LABELS = {
    "xlsx": "Excel 表格",
    "xls": "Excel 表格（旧版）",
    "csv": "CSV 表格",
    "pdf": "PDF",
    "docx": "Word 文档",
    "png": "图片",
    "jpeg": "图片",
    "image": "图片",
}
MASKABLE = frozenset({"xlsx", "xls", "csv"})


def location_text(location: dict[str, Any] | None) -> str:
    """工作表“名单”单元格 B3, 第2页第5行, 第1页（图像识别）… or 整个文件 when there is nothing finer."""
    loc = location or {}
    parts = []
    if loc.get("sheet") is not None:
        parts.append(f"工作表“{loc['sheet']}”")
    if loc.get("cell"):
        parts.append(f"单元格 {loc['cell']}")
    if loc.get("page") is not None:
        parts.append(f"第{loc['page']}页")
    if loc.get("line") is not None:
        parts.append(f"第{loc['line']}行")
    if loc.get("box") is not None:
        parts.append("（图像文字识别）")
    hidden = loc.get("hidden")
    if hidden:
        parts.append(f"（{HIDDEN_LABELS.get(hidden, '隐藏内容')}）")
    return "".join(parts) or "整个文件"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def attachment_rows(session: Session, draft: Draft, user: User) -> dict[str, Any]:
    """The list with findings, plus whether this user may change it now (the service's own rule)."""
    editable = service.may_change(draft, user)
    rows = []
    for attachment in service.attachments_of(session, draft):
        rows.append(_row(attachment, editable))
    return {"items": rows, "editable": editable, "max": service.MAX_ATTACHMENTS}


def _row(attachment: DraftAttachment, editable: bool) -> dict[str, Any]:
    findings = ordered([{**f, "where": location_text(f.get("location"))} for f in attachment.findings])
    return {
        "attachment": attachment,
        "kind_label": KIND_LABELS.get(attachment.kind, attachment.kind),
        "size": size_text(attachment.size),
        "findings": findings,
        "maskable": editable and attachment.kind in MASKABLE and any(f["severity"] != "info" for f in findings),
    }
