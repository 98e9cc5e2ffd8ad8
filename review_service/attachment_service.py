"""Attachments: check an uploaded file with the given engine and report findings with locations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from checks import Channel, CheckEngine, DocType
from checks.attachments.errors import AttachmentError
from checks.pipeline import verdict_of
from review_service.config import Settings
from review_service.services.errors import DomainError

if TYPE_CHECKING:  # the reader pulls in Presidio with spaCy: imported at the first upload, not at start-up
    from checks.attachments.check import AttachmentReport


def check_file(
    data: bytes,
    name: str,
    settings: Settings,
    engine: CheckEngine,
    *,
    channel: Channel = Channel.WEBSITE,
    doc_type: DocType = DocType.OTHER,
    doc_date: dt.date | None = None,
) -> AttachmentReport:
    """Raise DomainError with the attachment's stable code when the file cannot be read."""
    from checks.attachments.check import check_attachment

    try:
        return check_attachment(
            engine,
            data,
            name,
            channel=channel,
            doc_type=doc_type,
            doc_date=doc_date,
            limits=settings.attachment_limits(),
        )
    except AttachmentError as exc:
        raise DomainError(exc.status, exc.code, exc.message, exc.message_en) from exc


def verdict(report: AttachmentReport) -> str:
    return verdict_of([located.finding for located in report.findings])


def safe_name(name: str | None) -> str:
    """The file's own name without any directory part, control characters or excess length."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or "附件"
