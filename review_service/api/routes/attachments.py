"""Draft attachments: upload (checked), list with findings, download, remove, 一键脱敏 for spreadsheets."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response

from review_service.api.deps import ContextDep, DraftsToken
from review_service.api.routes.check import ERRORS
from review_service.api.routes.drafts import MAX_ID, DraftId
from review_service.models import DraftAttachment
from review_service.schemas import AttachmentOut, LocatedFindingOut
from review_service.services import attachments

router = APIRouter(tags=["drafts"])
ERRORS_409 = {**ERRORS, 404: ERRORS[422], 409: ERRORS[422]}
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="attachment id")]


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
    return attachment_out(attachments.upload(ctx, token.user, draft_id, filename=file.filename, data=data))


@router.get(
    "/drafts/{draft_id}/attachments", response_model=list[AttachmentOut], responses=ERRORS_409, summary="附件列表"
)
def list_attachments(draft_id: DraftId, ctx: ContextDep, token: DraftsToken) -> list[AttachmentOut]:
    return [attachment_out(a) for a in attachments.listing(ctx, token.user, draft_id)]


@router.get(
    "/drafts/{draft_id}/attachments/{attachment_id}/content",
    response_class=Response,
    responses=ERRORS_409,
    summary="下载附件原文件",
)
def download_attachment(
    draft_id: DraftId, attachment_id: AttachmentId, ctx: ContextDep, token: DraftsToken
) -> Response:
    attachment = attachments.one(ctx, token.user, draft_id, attachment_id)
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
    attachments.remove(ctx, token.user, draft_id, attachment_id)


@router.post(
    "/drafts/{draft_id}/attachments/{attachment_id}/mask",
    response_model=AttachmentOut,
    responses=ERRORS_409,
    summary="一键脱敏：以脱敏副本替换表格附件（PDF、图片须在源文件中处理）",
)
def mask_attachment(
    draft_id: DraftId, attachment_id: AttachmentId, ctx: ContextDep, token: DraftsToken
) -> AttachmentOut:
    return attachment_out(attachments.mask(ctx, token.user, draft_id, attachment_id))
