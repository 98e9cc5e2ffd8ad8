"""Map the workflow engine's refusals to HTTP errors with the same stable codes."""

from __future__ import annotations

from review_service.services.errors import DomainError
from workflows.refusals import Reason, Refusal

STATUS = {
    Reason.STALE: 409,
    Reason.CLAIMED: 409,
    Reason.WRONG_STATUS: 409,
    Reason.UNRESOLVED_BLOCK: 409,
    Reason.ALREADY_SIGNED: 409,
    Reason.COMMENT_REQUIRED: 422,
    Reason.REASON_REQUIRED: 422,
    Reason.CONTENT_UNCHANGED: 422,
}


def as_api_error(refusal: Refusal) -> DomainError:
    return DomainError(STATUS.get(refusal.reason, 403), refusal.reason.value, refusal.message_zh, refusal.message_en)
