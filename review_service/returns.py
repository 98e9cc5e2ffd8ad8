"""The most recent return of a draft, read from the audit ledger: what the author must see first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import AuditEntry, Draft, User
from review_service.workflow_state import definitions


@dataclass(frozen=True)
class LastReturn:
    stage: str
    stage_label: str
    by: str
    by_name: str
    comment: str
    at: dt.datetime
    resubmitted_at: dt.datetime | None
    version: int | None = None  # the version that was returned

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "stage_label": self.stage_label,
            "by": self.by,
            "comment": self.comment,
            "at": self.at,
            "resubmitted_at": self.resubmitted_at,
        }


def last_return(session: Session, draft: Draft) -> LastReturn | None:
    """None when the draft was never returned; kept (with ``resubmitted_at``) after resubmission."""
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.draft_id == draft.id, AuditEntry.kind == "returned")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if entry is None:
        return None
    resubmitted = session.scalar(
        select(AuditEntry.at)
        .where(AuditEntry.draft_id == draft.id, AuditEntry.kind == "submitted", AuditEntry.id > entry.id)
        .order_by(AuditEntry.id)
        .limit(1)
    )
    stage = str((entry.data or {}).get("stage") or "")
    definition = definitions().get(draft.workflow)
    try:
        label = definition.stage(stage).label if definition and stage else stage
    except KeyError:
        label = stage
    user = session.get(User, entry.actor_id) if entry.actor_id else None
    return LastReturn(
        stage=stage,
        stage_label=label,
        by=user.username if user else "",
        by_name=(user.display_name or user.username) if user else "",
        comment=str((entry.data or {}).get("comment") or ""),
        at=entry.at,
        resubmitted_at=resubmitted if resubmitted else None,
        version=(entry.data or {}).get("version"),
    )
