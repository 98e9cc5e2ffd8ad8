"""One family of domain errors: a stable code, an HTTP status and a Chinese and an English message.

Services raise them; the API answers them as JSON (``review_service.errors``) and the web pages as a
page or a flash message, so a rule's refusal is written once and reads the same at both front doors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from workflows.refusals import Reason, Refusal


class DomainError(Exception):
    def __init__(self, status: int, code: str, message_zh: str, message_en: str, details: object = None) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details


# A workflow rule's refusal, by reason: a conflict with the draft's state, missing input, else not allowed.
REFUSAL_STATUS = {
    Reason.STALE: 409,
    Reason.CLAIMED: 409,
    Reason.WRONG_STATUS: 409,
    Reason.UNRESOLVED_BLOCK: 409,
    Reason.ALREADY_SIGNED: 409,
    Reason.CHECK_PENDING: 409,
    Reason.CHECK_FAILED: 409,
    Reason.COMMENT_REQUIRED: 422,
    Reason.REASON_REQUIRED: 422,
    Reason.CONTENT_UNCHANGED: 422,
}


class WorkflowRefused(DomainError):
    """The pure workflow engine's ``Refusal`` (which may not import this package), as a domain error."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(
            REFUSAL_STATUS.get(refusal.reason, 403), refusal.reason.value, refusal.message_zh, refusal.message_en
        )
        self.reason = refusal.reason


@contextmanager
def workflow_refusals() -> Iterator[None]:
    """Within the block, the engine's refusals surface as ``WorkflowRefused``."""
    try:
        yield
    except Refusal as refusal:
        raise WorkflowRefused(refusal) from refusal
