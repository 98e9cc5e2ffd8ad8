"""Draft attachments: upload (checked), list with findings, download, remove, 一键脱敏 for spreadsheets."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response

from checks import Channel, DocType
from review_service import draft_attachments as service
from review_service.api.deps import DraftsToken, SessionDep, SettingsDep
from review_service.api.routes.check import ERRORS
from review_service.api.routes.drafts import MAX_ID, DraftId, _load
from review_service.attachment_service import check_file, safe_name
from review_service.check_service import current_overlay
from review_service.errors import ApiError
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


def _attachment(session, draft, attachment_id: int) -> DraftAttachment:
    attachment = session.get(DraftAttachment, attachment_id)
    if attachment is None or attachment.draft_id != draft.id:
        raise ApiError(404, "attachment_not_found", "附件不存在", "Attachment not found")
    return attachment


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
    draft = _load(session, draft_id, token.user)
    service.require_editable(draft, token.user)
    data = file.file.read(settings.attachment_max_bytes + 1)
    name = safe_name(file.filename)
    overlay, channel, doc_type = current_overlay(session), Channel(draft.channel), DocType(draft.doc_type)
    session.rollback()  # checks never run inside a database transaction
    report = check_file(data, name, settings, overlay, channel=channel, doc_type=doc_type)
    draft = _load(session, draft_id, token.user, lock=True)
    return attachment_out(service.store(session, draft=draft, user=token.user, name=name, data=data, report=report))


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
    attachment = _attachment(session, draft, attachment_id)
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
    service.remove(session, draft=draft, user=token.user, attachment=_attachment(session, draft, attachment_id))


@router.post(
    "/drafts/{draft_id}/attachments/{attachment_id}/mask",
    response_model=AttachmentOut,
    responses=ERRORS_409,
    summary="一键脱敏：以脱敏副本替换表格附件（PDF、图片须在源文件中处理）",
)
def mask_attachment(
    draft_id: DraftId, attachment_id: AttachmentId, session: SessionDep, settings: SettingsDep, token: DraftsToken
) -> AttachmentOut:
    draft = _load(session, draft_id, token.user)
    service.require_editable(draft, token.user)
    attachment = _attachment(session, draft, attachment_id)
    overlay, channel, doc_type = current_overlay(session), Channel(draft.channel), DocType(draft.doc_type)
    data, name = attachment.data, attachment.name
    session.rollback()  # checks never run inside a database transaction
    copy = service.masked_copy(data, name, settings, overlay)
    report = check_file(copy.data, copy.name, settings, overlay, channel=channel, doc_type=doc_type)
    draft = _load(session, draft_id, token.user, lock=True)
    attachment = _attachment(session, draft, attachment_id)
    return attachment_out(
        service.replace_with_masked(
            session, draft=draft, user=token.user, attachment=attachment, copy=copy, report=report
        )
    )
