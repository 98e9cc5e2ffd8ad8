"""Draft attachments: upload (checked), list with findings, download, remove, 一键脱敏 for spreadsheets."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response

from review_service import draft_attachments as service
from review_service.api.deps import ContextDep, DraftsToken
from review_service.api.routes.check import ERRORS
from review_service.api.routes.drafts import MAX_ID, DraftId
from review_service.models import DraftAttachment
from review_service.schemas import AttachmentOut, LocatedFindingOut
from review_service.services import drafts
from review_service.services.context import ServiceContext

router = APIRouter(tags=["drafts"])
ERRORS_409 = {**ERRORS, 404: ERRORS[422], 409: ERRORS[422]}
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="attachment id")]


def _loader(ctx: ServiceContext, draft_id: int, token: DraftsToken) -> service.DraftLoader:
    return lambda lock: drafts.load(ctx, token.user, draft_id, lock=lock)


def attachment_out(attachment: DraftAttachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        name=attachment.name,
        sha256=attachment.sha256,
        size=attachment.size,
        type=attachment.kind,
        verdict=attachment.verdict,
        findings=[LocatedFindingOut(**f) for f in attachment.findings],
        text_chars=attachment.text_chars,
        masked_from=attachment.masked_from,
    )


@router.post(
    "/drafts/{draft_id}/attachments",
    response_model=AttachmentOut,
    status_code=201,
    responses=ERRORS_409,
    summary="上传附件（作者；上传即审校）",
)
def upload_attachment(
    draft_id: DraftId,
    ctx: ContextDep,
    token: DraftsToken,
    file: Annotated[UploadFile, File(description="the attachment; its type is detected from the bytes")],
) -> AttachmentOut:
    data = file.file.read(ctx.settings.attachment_max_bytes + 1)
    added = service.upload(
        ctx.session,
        load=_loader(ctx, draft_id, token),
        user=token.user,
        filename=file.filename,
        data=data,
        settings=ctx.settings,
    )
    return attachment_out(added)


@router.get(
    "/drafts/{draft_id}/attachments", response_model=list[AttachmentOut], responses=ERRORS_409, summary="附件列表"
)
def list_attachments(draft_id: DraftId, ctx: ContextDep, token: DraftsToken) -> list[AttachmentOut]:
    draft = drafts.load(ctx, token.user, draft_id)
    return [attachment_out(a) for a in service.attachments_of(ctx.session, draft)]


@router.get(
    "/drafts/{draft_id}/attachments/{attachment_id}/content",
    response_class=Response,
    responses=ERRORS_409,
    summary="下载附件原文件",
)
def download_attachment(
    draft_id: DraftId, attachment_id: AttachmentId, ctx: ContextDep, token: DraftsToken
) -> Response:
    draft = drafts.load(ctx, token.user, draft_id)
    attachment = service.attachment_of(ctx.session, draft, attachment_id)
    return Response(
        attachment.data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete(
    "/drafts/{draft_id}/attachments/{attachment_id}", status_code=204, responses=ERRORS_409, summary="删除附件（作者）"
)
def delete_attachment(draft_id: DraftId, attachment_id: AttachmentId, ctx: ContextDep, token: DraftsToken) -> None:
    draft = drafts.load(ctx, token.user, draft_id, lock=True)
    service.remove(
        ctx.session, draft=draft, user=token.user, attachment=service.attachment_of(ctx.session, draft, attachment_id)
    )


@router.post(
    "/drafts/{draft_id}/attachments/{attachment_id}/mask",
    response_model=AttachmentOut,
    responses=ERRORS_409,
    summary="一键脱敏：以脱敏副本替换表格附件（PDF、图片须在源文件中处理）",
)
def mask_attachment(
    draft_id: DraftId, attachment_id: AttachmentId, ctx: ContextDep, token: DraftsToken
) -> AttachmentOut:
    masked = service.mask(
        ctx.session,
        load=_loader(ctx, draft_id, token),
        user=token.user,
        attachment_id=attachment_id,
        settings=ctx.settings,
    )
    return attachment_out(masked)
