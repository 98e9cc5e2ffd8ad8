"""Loading a draft the way the API does (visibility included) and wording refusals for people."""

from __future__ import annotations

from fastapi import HTTPException

from review_service import drafts as service
from review_service.models import Draft
from review_service.web.deps import Page
from workflows.refusals import Refusal


class DraftNotFound(HTTPException):
    def __init__(self) -> None:
        super().__init__(404, "稿件不存在或无权查看")


def load_draft(page: Page, draft_id: int | None, *, lock: bool = False) -> Draft:
    if draft_id is None or not 1 <= draft_id < 2**31:
        raise DraftNotFound()
    draft = page.session.get(Draft, draft_id, with_for_update=lock or None, populate_existing=lock)
    if draft is None or not service.can_see(page.user, draft, page.spanning_roles):
        raise DraftNotFound()
    return draft


def refusal_text(refusal: Refusal) -> str:
    return f"操作未执行：{refusal.message_zh}"
