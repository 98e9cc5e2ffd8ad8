"""Draft attachments on the pages: upload (checked on arrival), download, remove, 一键脱敏.

The rules (who may change them, when, which files are refused, what masking can truthfully do)
live in review_service.draft_attachments, the same functions the API calls; these routes only
translate form posts into those calls and the stable error codes into Chinese messages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile as StarletteUpload

from review_service import draft_attachments as service
from review_service.models import Draft
from review_service.services.errors import DomainError
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.routes.draft_access import load_draft

router = APIRouter()
MAX_ID = 2**31 - 1
VERDICT_LABELS = {"pass": "未发现问题", "warn": "有警告", "block": "有阻断问题"}


def _back(draft_id: int, data: Any) -> str:
    """Back to the page the form was on: the edit page or the draft page (never a URL from the form)."""
    page = "edit" if data.get("back") == "edit" else ""
    return f"/drafts/{draft_id}/edit#attachments" if page else f"/drafts/{draft_id}#attachments"


def _loader(page: Page, draft_id: int) -> service.DraftLoader:
    return lambda lock: load_draft(page, draft_id, lock=lock)


def error_text(exc: DomainError) -> str:
    return f"操作未执行：{exc.message_zh}（错误代码 {exc.code}）"


def _refused(page: Page, url: str, exc: DomainError) -> Response:
    page.session.rollback()  # nothing half-stored
    return page.redirect(url, error_text(exc), "error")


@router.post("/drafts/{draft_id}/attachments")
def upload(draft_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    file = data.get("file")
    if not isinstance(file, StarletteUpload) or not file.filename:
        load_draft(page, draft_id)  # an unknown or hidden draft answers 404 first
        return page.redirect(url, "请选择要上传的附件文件", "error")
    content = file.file.read(page.settings.attachment_max_bytes + 1)
    try:
        added = service.upload(
            page.session,
            load=_loader(page, draft_id),
            user=page.user,
            filename=file.filename,
            data=content,
            settings=page.settings,
        )
    except DomainError as exc:
        return _refused(page, url, exc)
    count = len(added.findings)
    found = f"发现 {count} 个问题" if count else "未发现问题"
    return page.redirect(url, f"已上传附件“{added.name}”并完成审校：{found}（{VERDICT_LABELS[added.verdict]}）")


@router.post("/drafts/{draft_id}/attachments/{attachment_id}/remove")
def remove(draft_id: int, attachment_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    draft = load_draft(page, draft_id, lock=True)
    try:
        attachment = service.attachment_of(page.session, draft, _id(attachment_id))
        name = attachment.name
        service.remove(page.session, draft=draft, user=page.user, attachment=attachment)
    except DomainError as exc:
        return _refused(page, url, exc)
    return page.redirect(url, f"已删除附件“{name}”")


@router.post("/drafts/{draft_id}/attachments/{attachment_id}/mask")
def mask(draft_id: int, attachment_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    try:
        masked = service.mask(
            page.session,
            load=_loader(page, draft_id),
            user=page.user,
            attachment_id=_id(attachment_id),
            settings=page.settings,
        )
    except DomainError as exc:
        return _refused(page, url, exc)
    left = len(masked.findings)
    rest = f"，仍有 {left} 个问题请核对" if left else ""
    return page.redirect(url, f"已一键脱敏，附件已替换为脱敏副本“{masked.name}”{rest}")


@router.get("/drafts/{draft_id}/attachments/{attachment_id}/content")
def download(draft_id: int, attachment_id: int, page: PageDep) -> Response:
    draft: Draft = load_draft(page, draft_id)
    try:
        attachment = service.attachment_of(page.session, draft, _id(attachment_id))
    except DomainError as exc:
        return page.redirect(f"/drafts/{draft.id}#attachments", error_text(exc), "error")
    return Response(
        attachment.data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.name)}"},
    )


def _id(value: int) -> int:
    """Out-of-range ids are simply not found (the database column is a 32-bit integer)."""
    return value if 1 <= value <= MAX_ID else 0
