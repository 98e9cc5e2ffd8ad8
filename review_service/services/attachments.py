"""A draft's attachments behind both front doors: the draft is loaded with the one visibility rule,
and the rules of ``review_service.draft_attachments`` decide (author only, before submission, …)."""

from __future__ import annotations

from review_service import draft_attachments as domain
from review_service.models import DraftAttachment, User
from review_service.services import drafts
from review_service.services.context import ServiceContext
from review_service.services.errors import workflow_refusals


def _loader(ctx: ServiceContext, user: User, draft_id: int) -> domain.DraftLoader:
    return lambda lock: drafts.load(ctx, user, draft_id, lock=lock)


def listing(ctx: ServiceContext, user: User, draft_id: int) -> list[DraftAttachment]:
    return domain.attachments_of(ctx.session, drafts.load(ctx, user, draft_id))


def _in_range(attachment_id: int) -> int:
    """Out-of-range ids are simply not found (the column is a 32-bit integer)."""
    return attachment_id if 1 <= attachment_id <= drafts.MAX_ID else 0


def one(ctx: ServiceContext, user: User, draft_id: int, attachment_id: int) -> DraftAttachment:
    """An attachment of a draft the user may see."""
    return domain.attachment_of(ctx.session, drafts.load(ctx, user, draft_id), _in_range(attachment_id))


def upload(ctx: ServiceContext, user: User, draft_id: int, *, filename: str | None, data: bytes) -> DraftAttachment:
    """Checked outside any transaction, then stored under the draft's lock (a new content version)."""
    with workflow_refusals():
        return domain.upload(
            ctx,
            load=_loader(ctx, user, draft_id),
            user=user,
            filename=filename,
            data=data,
        )


def remove(ctx: ServiceContext, user: User, draft_id: int, attachment_id: int) -> DraftAttachment:
    """Removes it (a new content version) and returns what was removed, for the answer."""
    draft = drafts.load(ctx, user, draft_id, lock=True)
    attachment = domain.attachment_of(ctx.session, draft, _in_range(attachment_id))
    with workflow_refusals():
        domain.remove(ctx, draft=draft, user=user, attachment=attachment)
    return attachment


def mask(ctx: ServiceContext, user: User, draft_id: int, attachment_id: int) -> DraftAttachment:
    """一键脱敏: a spreadsheet's masked copy replaces it (PDFs and images must be fixed at the source)."""
    with workflow_refusals():
        return domain.mask(
            ctx,
            load=_loader(ctx, user, draft_id),
            user=user,
            attachment_id=attachment_id,
        )
