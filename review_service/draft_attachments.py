"""Attachments of a draft: checked on upload, stored in the database, listed with their findings.

They may change only while the author can change the draft's content (a draft, or one returned
for changes); after submission the set is what reviewers approved, and the publish gate checks
that a CMS publishes exactly that set (names and SHA-256).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks import Channel, DocType
from checks.attachments.errors import AttachmentError
from review_service import audit
from review_service.attachment_service import check_file, safe_name, verdict
from review_service.check_service import current_overlay, get_check_engine
from review_service.config import Settings
from review_service.models import Draft, DraftAttachment, User
from review_service.org_dictionary import Overlay
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError

if TYPE_CHECKING:  # the readers pull in Presidio with spaCy: imported at the first upload, not at start-up
    from checks.attachments.check import AttachmentReport
    from checks.attachments.mask import MaskedCopy

EDITABLE_STATUSES = ("draft", "returned")
MAX_ATTACHMENTS = 20
# How a caller (API or web page) loads the draft with its own visibility rule; True asks for the row lock.
DraftLoader = Callable[[bool], Draft]


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    name: str
    sha256: str


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachments_of(session: Session, draft: Draft) -> list[DraftAttachment]:
    query = select(DraftAttachment).where(DraftAttachment.draft_id == draft.id).order_by(DraftAttachment.name)
    return list(session.scalars(query))


def manifest(session: Session, draft: Draft) -> list[ManifestEntry]:
    """The set the canonical content and the gate cover: each attachment's name and SHA-256, by name."""
    return [ManifestEntry(a.name, a.sha256) for a in attachments_of(session, draft)]


def may_change(draft: Draft, user: User) -> bool:
    """Whether this user may add, remove or mask the draft's attachments now."""
    return draft.author_id == user.id and draft.status in EDITABLE_STATUSES


def require_editable(draft: Draft, user: User) -> None:
    if draft.author_id != user.id:
        raise DomainError(
            403, "not_author", "只有稿件作者可以增删附件", "Only the draft's author may change attachments"
        )
    if draft.status not in EDITABLE_STATUSES:
        raise DomainError(
            409,
            "attachments_locked",
            "稿件已送审或已通过，附件不能再改动；如需修改请先退回",
            "Attachments are fixed once the draft is submitted",
        )


def attachment_of(session: Session, draft: Draft, attachment_id: int) -> DraftAttachment:
    attachment = session.get(DraftAttachment, attachment_id)
    if attachment is None or attachment.draft_id != draft.id:
        raise DomainError(404, "attachment_not_found", "附件不存在", "Attachment not found")
    return attachment


def upload(ctx: ServiceContext, *, load: DraftLoader, user: User, filename: str | None, data: bytes) -> DraftAttachment:
    """Check the file outside any transaction (it may take seconds), then store it under the draft's lock."""
    session, settings = ctx.session, ctx.settings
    draft = load(False)
    require_editable(draft, user)
    name = safe_name(filename)
    overlay, channel, doc_type = current_overlay(session, settings), Channel(draft.channel), DocType(draft.doc_type)
    session.rollback()  # checks never run inside a database transaction
    report = check_file(data, name, settings, get_check_engine(overlay), channel=channel, doc_type=doc_type)
    return store(ctx, draft=load(True), user=user, name=name, data=data, report=report)


def mask(ctx: ServiceContext, *, load: DraftLoader, user: User, attachment_id: int) -> DraftAttachment:
    """一键脱敏: the masked copy is made and checked outside any transaction, then replaces the original."""
    session, settings = ctx.session, ctx.settings
    draft = load(False)
    require_editable(draft, user)
    attachment = attachment_of(session, draft, attachment_id)
    overlay, channel, doc_type = current_overlay(session, settings), Channel(draft.channel), DocType(draft.doc_type)
    data, name = attachment.data, attachment.name
    session.rollback()  # checks never run inside a database transaction
    copy = masked_copy(data, name, settings, overlay)
    report = check_file(copy.data, copy.name, settings, get_check_engine(overlay), channel=channel, doc_type=doc_type)
    draft = load(True)
    attachment = attachment_of(session, draft, attachment_id)
    return replace_with_masked(ctx, draft=draft, user=user, attachment=attachment, copy=copy, report=report)


def store(
    ctx: ServiceContext, *, draft: Draft, user: User, name: str, data: bytes, report: AttachmentReport
) -> DraftAttachment:
    """Add a checked file; the caller ran the check before opening the transaction."""
    session = ctx.session
    require_editable(draft, user)
    existing = attachments_of(session, draft)
    if any(a.name == name for a in existing):
        raise DomainError(
            409, "attachment_exists", f"已有同名附件“{name}”，请先删除或改名", "An attachment has this name"
        )
    if len(existing) >= MAX_ATTACHMENTS:
        raise DomainError(
            409, "too_many_attachments", f"每篇稿件最多 {MAX_ATTACHMENTS} 个附件", "Too many attachments on this draft"
        )
    attachment = DraftAttachment(
        draft_id=draft.id,
        name=name,
        sha256=sha256_of(data),
        size=len(data),
        kind=report.kind,
        data=data,
        findings=findings_json(report),
        verdict=verdict(report),
        text_chars=len(report.text),
        uploaded_by=user.id,
    )
    session.add(attachment)
    session.flush()
    _new_content_version(ctx, draft, user)
    audit.append(
        session,
        kind="attachment_add",
        actor_id=user.id,
        draft_id=draft.id,
        data={"name": name, "sha256": attachment.sha256, "size": len(data), "verdict": attachment.verdict},
    )
    return attachment


def remove(ctx: ServiceContext, *, draft: Draft, user: User, attachment: DraftAttachment) -> None:
    session = ctx.session
    require_editable(draft, user)
    audit.append(
        session,
        kind="attachment_remove",
        actor_id=user.id,
        draft_id=draft.id,
        data={"name": attachment.name, "sha256": attachment.sha256},
    )
    session.delete(attachment)
    session.flush()
    _new_content_version(ctx, draft, user)


def masked_copy(data: bytes, name: str, settings: Settings, overlay: Overlay | None) -> MaskedCopy:
    from checks.attachments.mask import mask_attachment

    try:
        return mask_attachment(get_check_engine(overlay), data, name, settings.attachment_limits())
    except AttachmentError as exc:
        raise DomainError(exc.status, exc.code, exc.message, exc.message_en) from exc


def replace_with_masked(
    ctx: ServiceContext,
    *,
    draft: Draft,
    user: User,
    attachment: DraftAttachment,
    copy: MaskedCopy,
    report: AttachmentReport,
) -> DraftAttachment:
    """The masked copy takes the original's place (the unmasked bytes must not stay publishable)."""
    session = ctx.session
    require_editable(draft, user)
    original = attachment.sha256
    attachment.name = copy.name
    attachment.data = copy.data
    attachment.sha256 = sha256_of(copy.data)
    attachment.size = len(copy.data)
    attachment.kind = copy.kind
    attachment.findings = findings_json(report)
    attachment.verdict = verdict(report)
    attachment.text_chars = len(report.text)
    attachment.masked_from = original
    session.flush()
    _new_content_version(ctx, draft, user)
    audit.append(
        session,
        kind="attachment_mask",
        actor_id=user.id,
        draft_id=draft.id,
        data={"name": copy.name, "sha256": attachment.sha256, "masked_from": original, "masked": copy.masked},
    )
    return attachment


def _new_content_version(ctx: ServiceContext, draft: Draft, user: User) -> None:
    """Attachments are part of the content: a changed set is a new version with a new content hash."""
    from review_service import drafts

    current = drafts.content_of(drafts.latest_version(draft))
    drafts.save_version(ctx, draft=draft, user=user, content=current, expected_revision=None)


def findings_json(report: AttachmentReport) -> list[dict]:
    return [{**located.finding.to_dict(), "location": located.location} for located in report.findings]
