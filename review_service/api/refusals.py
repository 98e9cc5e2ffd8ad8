"""Map the workflow engine's refusals to HTTP errors with the same stable codes (see services.errors)."""

from __future__ import annotations

from review_service.services.errors import REFUSAL_STATUS as STATUS
from review_service.services.errors import WorkflowRefused
from workflows.refusals import Refusal

__all__ = ["STATUS", "as_api_error"]


def as_api_error(refusal: Refusal) -> WorkflowRefused:
    return WorkflowRefused(refusal)
