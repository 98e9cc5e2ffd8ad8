"""How long each stage held a draft, read from the audit log (shared by the dashboard and the 台账)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from review_service.models import AuditEntry

ENTERS_STAGE = ("submitted", "stage_started")
LEAVES_STAGE = ("passed", "approved", "returned", "edited")


@dataclass(frozen=True)
class StageStay:
    draft_id: int
    stage: str
    hours: float


def stage_stays(entries: Iterable[AuditEntry]) -> list[StageStay]:
    """Finished stays only, in log order: a draft still waiting at a stage has no duration yet."""
    entered: dict[tuple[int, str], dt.datetime] = {}
    stays = []
    for entry in entries:
        stage = (entry.data or {}).get("stage")
        if entry.draft_id is None or not stage:
            continue
        key = (entry.draft_id, stage)
        if entry.kind in ENTERS_STAGE:
            entered[key] = entry.at
        elif entry.kind in LEAVES_STAGE and key in entered:
            hours = (entry.at - entered.pop(key)).total_seconds() / 3600
            stays.append(StageStay(entry.draft_id, stage, hours))
    return stays
