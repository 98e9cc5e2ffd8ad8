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
from review_service.api.deps import ContextDep
from review_service.models import Draft
from review_service.services import drafts
from review_service.services.context import ServiceContext
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.refusals import back_on_refusal

router = APIRouter()
MAX_ID = 2**31 - 1
VERDICT_LABELS = {"pass": "未发现问题", "warn": "有警告", "block": "有阻断问题"}


def _back(draft_id: int, data: Any) -> str:
    """Back to the page the form was on: the edit page or the draft page (never a URL from the form)."""
    page = "edit" if data.get("back") == "edit" else ""
    return f"/drafts/{draft_id}/edit#attachments" if page else f"/drafts/{draft_id}#attachments"


def _loader(page: Page, ctx: ServiceContext, draft_id: int) -> service.DraftLoader:
    return lambda lock: drafts.load(ctx, page.user, draft_id, lock=lock)


def _visible(page: Page, ctx: ServiceContext, draft_id: int, back: str, *, lock: bool = False) -> Draft:
    """An unknown or hidden draft answers 404 first; past it, a refusal returns to ``back`` as a flash."""
    draft = drafts.load(ctx, page.user, draft_id, lock=lock)
    back_on_refusal(page, back)
    return draft


@router.post("/drafts/{draft_id}/attachments")
def upload(draft_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    _visible(page, ctx, draft_id, url)
    file = data.get("file")
    if not isinstance(file, StarletteUpload) or not file.filename:
        return page.redirect(url, "请选择要上传的附件文件", "error")
    content = file.file.read(ctx.settings.attachment_max_bytes + 1)
    added = service.upload(
        ctx.session,
        load=_loader(page, ctx, draft_id),
        user=page.user,
        filename=file.filename,
        data=content,
        settings=ctx.settings,
    )
    count = len(added.findings)
    found = f"发现 {count} 个问题" if count else "未发现问题"
    return page.redirect(url, f"已上传附件“{added.name}”并完成审校：{found}（{VERDICT_LABELS[added.verdict]}）")


@router.post("/drafts/{draft_id}/attachments/{attachment_id}/remove")
def remove(draft_id: int, attachment_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    draft = _visible(page, ctx, draft_id, url, lock=True)
    attachment = service.attachment_of(ctx.session, draft, _id(attachment_id))
    name = attachment.name
    service.remove(ctx.session, draft=draft, user=page.user, attachment=attachment)
    return page.redirect(url, f"已删除附件“{name}”")


@router.post("/drafts/{draft_id}/attachments/{attachment_id}/mask")
def mask(draft_id: int, attachment_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    url = _back(draft_id, data)
    _visible(page, ctx, draft_id, url)
    masked = service.mask(
        ctx.session,
        load=_loader(page, ctx, draft_id),
        user=page.user,
        attachment_id=_id(attachment_id),
        settings=ctx.settings,
    )
    left = len(masked.findings)
    rest = f"，仍有 {left} 个问题请核对" if left else ""
    return page.redirect(url, f"已一键脱敏，附件已替换为脱敏副本“{masked.name}”{rest}")


@router.get("/drafts/{draft_id}/attachments/{attachment_id}/content")
def download(draft_id: int, attachment_id: int, page: PageDep, ctx: ContextDep) -> Response:
    draft = _visible(page, ctx, draft_id, f"/drafts/{draft_id}#attachments")
    attachment = service.attachment_of(ctx.session, draft, _id(attachment_id))
    return Response(
        attachment.data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.name)}"},
    )


def _id(value: int) -> int:
    """Out-of-range ids are simply not found (the database column is a 32-bit integer)."""
    return value if 1 <= value <= MAX_ID else 0
