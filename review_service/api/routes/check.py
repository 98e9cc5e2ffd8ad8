"""POST /check, /check/docx, /check/file and /mask: synchronous, in-process checks for CMS editors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from checks import Channel, DocType, DraftInput
from checks.docx_reader import DocxError, read_docx
from checks.html_safety import html_refusal
from review_service import text_limit
from review_service.api.deps import CheckerDep, CheckToken, SessionDep, SettingsDep
from review_service.attachment_service import check_file as check_attachment_file
from review_service.attachment_service import safe_name, verdict
from review_service.check_service import current_overlay, draft_from_request
from review_service.config import Settings
from review_service.schemas import (
    CheckRequest,
    CheckResponse,
    DocxCheckResponse,
    ErrorOut,
    FileCheckResponse,
    FileInfoOut,
    FindingOut,
    LocatedFindingOut,
    MaskResponse,
)
from review_service.services.check import check_with_hidden, masked_draft
from review_service.services.errors import DomainError

router = APIRouter(tags=["check"])
ACTIVE_CONTENT = "active_content"
ERRORS = {
    401: {"model": ErrorOut, "description": "missing, invalid, expired or revoked token"},
    403: {"model": ErrorOut, "description": "token lacks the scope"},
    413: {"model": ErrorOut, "description": "body or text over the limit"},
    422: {"model": ErrorOut, "description": "invalid input"},
}
CHECK_ERRORS = {
    **ERRORS,
    503: {"model": ErrorOut, "description": "every check process is busy (check_busy), with Retry-After"},
}


def _validate_text(text: str, settings: Settings) -> None:
    if not text.strip():
        raise DomainError(422, "empty_text", "正文为空，无法审校", "The text is empty")
    text_limit.enforce(text, settings.max_text_chars)


def _validate(request: CheckRequest, settings: Settings) -> None:
    """Refuse active content as a draft refuses it: an editor learns it while typing, not at submission.

    HTML that a browser parses differently from its source (a misclosed comment, a duplicate attribute)
    is still checked here, as the browser will show it, so the editor sees findings in the text that
    would be published; saving it as a draft refuses it with its own code.
    """
    _validate_text(request.text, settings)
    refused = html_refusal(request.text) if request.format == "html" else None
    if refused is not None and refused.code == ACTIVE_CONTENT:
        raise DomainError(422, refused.code, refused.message_zh, refused.message_en, {"offset": refused.offset})


@router.post("/check", response_model=CheckResponse, responses=CHECK_ERRORS, summary="审校一篇稿件")
def check(
    request: CheckRequest, settings: SettingsDep, session: SessionDep, checker: CheckerDep, _token: CheckToken
) -> CheckResponse:
    # Plain def: FastAPI runs it in the thread pool, so database waits never block the event loop.
    _validate(request, settings)
    overlay = current_overlay(session, settings)
    session.commit()  # end the transaction: the check below holds no database lock
    result = checker.check(draft_from_request(request), overlay, wait=False)
    return CheckResponse(
        findings=[FindingOut.of(f) for f in result.findings], verdict=result.verdict, stats=result.stats
    )


@router.post("/mask", response_model=MaskResponse, responses=CHECK_ERRORS, summary="对稿件中的个人信息脱敏")
def mask(
    request: CheckRequest, settings: SettingsDep, session: SessionDep, checker: CheckerDep, _token: CheckToken
) -> MaskResponse:
    _validate(request, settings)
    overlay = current_overlay(session, settings)
    session.commit()  # end the transaction: the check below holds no database lock
    masked, findings = masked_draft(checker, draft_from_request(request), overlay, wait=False)
    return MaskResponse(
        text=masked["body"] or "",
        title=masked["title"],
        summary=masked["summary"],
        masked=[FindingOut.of(f) for f in findings],
    )


@router.post(
    "/check/docx", response_model=DocxCheckResponse, responses=CHECK_ERRORS, summary="审校一个 Word .docx 文件"
)
def check_docx(
    settings: SettingsDep,
    session: SessionDep,
    checker: CheckerDep,
    _token: CheckToken,
    file: Annotated[UploadFile, File(description=".docx file")],
    channel: Annotated[Channel, Form()] = Channel.WEBSITE,
    doc_type: Annotated[DocType, Form()] = DocType.OTHER,
) -> DocxCheckResponse:
    overlay = current_overlay(session, settings)
    session.commit()  # end the transaction: reading and checking the file hold no database lock
    data = file.file.read()
    try:
        content = read_docx(data)
    except DocxError as exc:
        status = 413 if exc.code == "docx_too_large" else 422
        raise DomainError(status, exc.code, exc.message, exc.message_en) from exc
    text_limit.enforce(content.text, settings.max_text_chars)  # what was extracted, not the file size
    draft = DraftInput(body=content.text, title=content.title, channel=channel, doc_type=doc_type)
    result = check_with_hidden(checker, draft, overlay, content.hidden_findings, wait=False)
    return DocxCheckResponse(
        findings=[FindingOut.of(f) for f in result.findings],
        verdict=result.verdict,
        stats=result.stats,
        text=content.text,
        title=content.title,
    )


@router.post(
    "/check/file",
    response_model=FileCheckResponse,
    responses=ERRORS,
    summary="审校一个附件（.docx、.xlsx、.xls、.csv、.pdf、.png、.jpg）",
)
def check_file(
    settings: SettingsDep,
    session: SessionDep,
    checker: CheckerDep,
    _token: CheckToken,
    file: Annotated[UploadFile, File(description="the attachment; its type is detected from the bytes")],
    channel: Annotated[Channel, Form()] = Channel.WEBSITE,
    doc_type: Annotated[DocType, Form()] = DocType.OTHER,
    doc_date: Annotated[dt.date | None, Form(description="YYYY-MM-DD")] = None,
) -> FileCheckResponse:
    overlay = current_overlay(session, settings)
    session.commit()  # end the transaction: extracting and checking hold no database lock
    data = file.file.read(settings.attachment_max_bytes + 1)
    name = safe_name(file.filename)
    engine = checker.engine(overlay)
    report = check_attachment_file(data, name, settings, engine, channel=channel, doc_type=doc_type, doc_date=doc_date)
    findings = [LocatedFindingOut(**f.finding.to_dict(), location=f.location) for f in report.findings]
    counts: dict[str, int] = {}
    for located in report.findings:
        counts[located.finding.severity.value] = counts.get(located.finding.severity.value, 0) + 1
    return FileCheckResponse(
        findings=findings,
        verdict=verdict(report),
        stats={"characters": len(report.text), "elapsed_ms": report.elapsed_ms, **counts},
        text=report.text,
        file=FileInfoOut(**report.file_info),
    )
