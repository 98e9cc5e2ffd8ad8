"""Draft attachments: upload (checked), list with findings, download, remove, 一键脱敏 for spreadsheets."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response

from review_service import draft_attachments as service
from review_service.api.deps import DraftsToken, SessionDep, SettingsDep
from review_service.api.routes.check import ERRORS
from review_service.api.routes.drafts import MAX_ID, DraftId, _load
from review_service.models import DraftAttachment
from review_service.schemas import AttachmentOut, LocatedFindingOut

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
    session: SessionDep,
    settings: SettingsDep,
    token: DraftsToken,
    file: Annotated[UploadFile, File(description="the attachment; its type is detected from the bytes")],
) -> AttachmentOut:
    data = file.file.read(settings.attachment_max_bytes + 1)
    added = service.upload(
        session,
        load=lambda lock: _load(session, draft_id, token.user, lock=lock),
        user=token.user,
        filename=file.filename,
        data=data,
        settings=settings,
    )
    return attachment_out(added)


@router.get(
    "/drafts/{draft_id}/attachments", response_model=list[AttachmentOut], responses=ERRORS_409, summary="附件列表"
)
def list_attachments(draft_id: DraftId, session: SessionDep, token: DraftsToken) -> list[AttachmentOut]:
    draft = _load(session, draft_id, token.user)
    return [attachment_out(a) for a in service.attachments_of(session, draft)]


@router.get(
    "/drafts/{draft_id}/attachments/{attachment_id}/content",
    response_class=Response,
    responses=ERRORS_409,
    summary="下载附件原文件",
)
def download_attachment(
    draft_id: DraftId, attachment_id: AttachmentId, session: SessionDep, token: DraftsToken
) -> Response:
    draft = _load(session, draft_id, token.user)
    attachment = service.attachment_of(session, draft, attachment_id)
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
def delete_attachment(draft_id: DraftId, attachment_id: AttachmentId, session: SessionDep, token: DraftsToken) -> None:
    draft = _load(session, draft_id, token.user, lock=True)
    service.remove(
        session, draft=draft, user=token.user, attachment=service.attachment_of(session, draft, attachment_id)
    )


@router.post(
    "/drafts/{draft_id}/attachments/{attachment_id}/mask",
    response_model=AttachmentOut,
    responses=ERRORS_409,
    summary="一键脱敏：以脱敏副本替换表格附件（PDF、图片须在源文件中处理）",
)
def mask_attachment(
    draft_id: DraftId, attachment_id: AttachmentId, session: SessionDep, settings: SettingsDep, token: DraftsToken
) -> AttachmentOut:
    masked = service.mask(
        session,
        load=lambda lock: _load(session, draft_id, token.user, lock=lock),
        user=token.user,
        attachment_id=attachment_id,
        settings=settings,
    )
    return attachment_out(masked)
