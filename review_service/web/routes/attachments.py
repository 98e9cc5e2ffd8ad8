"""Draft attachments on the pages: upload (checked on arrival), download, remove, 一键脱敏.

The rules (who may change them, when, which files are refused, what masking can truthfully do)
live in review_service.draft_attachments behind services.attachments, the same calls the API makes;
these routes only translate form posts. A refusal comes back as a flash with its stable code
(``web.refusals``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile as StarletteUpload

from review_service.api.deps import ContextDep
from review_service.services import attachments, drafts
from review_service.services.context import ServiceContext
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.refusals import back_on_refusal

router = APIRouter()
VERDICT_LABELS = {"pass": "未发现问题", "warn": "有警告", "block": "有阻断问题"}


def _back(draft_id: int, data: Any) -> str:
    """Back to the page the form was on: the edit page or the draft page (never a URL from the form)."""
    page = "edit" if data.get("back") == "edit" else ""
    return f"/drafts/{draft_id}/edit#attachments" if page else f"/drafts/{draft_id}#attachments"


def _visible(page: Page, ctx: ServiceContext, draft_id: int, back: str) -> None:
    """An unknown or hidden draft answers 404 first; past it, a refusal returns to ``back`` as a flash."""
    drafts.load(ctx, page.user, draft_id)
    back_on_refusal(page, back)


@router.post("/drafts/{draft_id}/attachments")
def upload(draft_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    _visible(page, ctx, draft_id, url)
    file = data.get("file")
    if not isinstance(file, StarletteUpload) or not file.filename:
        return page.redirect(url, "请选择要上传的附件文件", "error")
    content = file.file.read(ctx.settings.attachment_max_bytes + 1)
    added = attachments.upload(ctx, page.user, draft_id, filename=file.filename, data=content)
    count = len(added.findings)
    found = f"发现 {count} 个问题" if count else "未发现问题"
    return page.redirect(url, f"已上传附件“{added.name}”并完成审校：{found}（{VERDICT_LABELS[added.verdict]}）")


@router.post("/drafts/{draft_id}/attachments/{attachment_id}/remove")
def remove(draft_id: int, attachment_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    _visible(page, ctx, draft_id, url)
    removed = attachments.remove(ctx, page.user, draft_id, attachment_id)
    return page.redirect(url, f"已删除附件“{removed.name}”")


@router.post("/drafts/{draft_id}/attachments/{attachment_id}/mask")
def mask(draft_id: int, attachment_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    _visible(page, ctx, draft_id, url)
    masked = attachments.mask(ctx, page.user, draft_id, attachment_id)
    left = len(masked.findings)
    rest = f"，仍有 {left} 个问题请核对" if left else ""
    return page.redirect(url, f"已一键脱敏，附件已替换为脱敏副本“{masked.name}”{rest}")


@router.get("/drafts/{draft_id}/attachments/{attachment_id}/content")
def download(draft_id: int, attachment_id: int, page: PageDep, ctx: ContextDep) -> Response:
    _visible(page, ctx, draft_id, f"/drafts/{draft_id}#attachments")
    attachment = attachments.one(ctx, page.user, draft_id, attachment_id)
    return Response(
        attachment.data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.name)}"},
    )
