"""Open a correction draft for a published page: an ordinary draft that goes through its workflow."""

from __future__ import annotations

from sqlalchemy.orm import Session

from checks import Channel, DocType
from review_service import audit
from review_service.archive.errors import ArchiveError
from review_service.drafts import Content, can_see, create_draft
from review_service.models import ArchiveDocument, Draft, User
from review_service.permissions import is_service_account
from review_service.services.context import ServiceContext

# A correction still being worked on is reused; once approved, a new finding needs a new correction.
OPEN_STATUSES = ("draft", "in_review", "returned")


def get_document(session: Session, document_id: int, *, lock: bool = False) -> ArchiveDocument:
    # lock: two editors opening a correction at once; the second waits, then sees the first's draft
    doc = session.get(ArchiveDocument, document_id, with_for_update=lock or None, populate_existing=lock)
    if doc is None:
        raise ArchiveError("document_not_found", "已发布页面不存在", "Published page not found", status=404)
    return doc


def open_correction_draft(ctx: ServiceContext, *, document_id: int, user: User) -> tuple[Draft, bool]:
    """The page's open correction draft, or a new one with the published content (and ``True``).

    The draft starts as the published text, so the editor fixes the findings in a new version and
    the usual 三审三校 applies; ``Draft.archive_document_id`` and the page's
    ``correction_draft_id`` link the two, and the audit log records who opened it.
    """
    session = ctx.session
    doc = get_document(session, document_id, lock=True)
    if is_service_account(user):
        raise ArchiveError("forbidden", "服务账号不能开更正稿", "Service accounts cannot open corrections", status=403)
    if doc.correction_draft_id is not None:
        existing = session.get(Draft, doc.correction_draft_id)
        if existing is not None and existing.status in OPEN_STATUSES:
            if not can_see(user, existing, ctx.spanning_roles):  # the same visibility as any draft: say nothing of it
                raise ArchiveError(
                    "correction_in_progress",
                    "该页面已有其他部门正在处理的更正稿，请与该部门联系",
                    "Another department already has an open correction draft for this page",
                    status=409,
                )
            return existing, False
    metadata = {"published_date": doc.published_at.isoformat()}
    if doc.department:
        metadata["department"] = doc.department
    content = Content(doc.title, doc.body, None, doc.body_format, metadata)
    draft = create_draft(ctx, user=user, content=content, channel=Channel.WEBSITE, doc_type=DocType.OTHER)
    draft.archive_document_id = doc.id
    doc.correction_draft_id = draft.id
    audit.append(
        session,
        kind="correction_opened",
        actor_id=user.id,
        draft_id=draft.id,
        data={"document_id": doc.id, "url": doc.url},
    )
    session.flush()
    return draft, True
