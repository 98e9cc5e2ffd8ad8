"""Figures for the dashboard: drafts per stage, findings per category per week, time spent per stage."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.clock import BEIJING
from review_service.models import AuditEntry, CheckRun, Draft, DraftVersion, utcnow
from review_service.stage_times import ENTERS_STAGE, LEAVES_STAGE, stage_stays
from review_service.workflow_state import definitions

CATEGORY_GROUPS = ("pii", "secret", "term", "typo", "format", "metadata")


@dataclass(frozen=True)
class StageTime:
    label: str
    count: int
    average_hours: float


def _stage_label(workflow: str, stage: str | None) -> str:
    definition = definitions().get(workflow)
    if definition is None or stage is None:
        return stage or ""
    try:
        return definition.stage(stage).label
    except KeyError:
        return stage


def drafts_per_stage(session: Session) -> tuple[Counter[str], Counter[str]]:
    """(in-review drafts per stage label, all drafts per status)."""
    stages: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for workflow, status, stage in session.execute(select(Draft.workflow, Draft.status, Draft.stage)):
        statuses[status] += 1
        if status == "in_review":
            stages[_stage_label(workflow, stage)] += 1
    return stages, statuses


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def findings_per_week(
    session: Session, *, weeks: int = 8, today: dt.date | None = None
) -> list[tuple[dt.date, Counter[str]]]:
    """Findings of every checked version, by the week the version was saved and the category's group."""
    today = today or utcnow().astimezone(BEIJING).date()
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    buckets: dict[dt.date, Counter[str]] = {first + dt.timedelta(weeks=i): Counter() for i in range(weeks)}
    since = dt.datetime.combine(first, dt.time(), tzinfo=BEIJING)
    rows = session.execute(
        select(DraftVersion.created_at, CheckRun.findings)
        .join(CheckRun, CheckRun.version_id == DraftVersion.id)
        .where(DraftVersion.created_at >= since)
    )
    for created_at, findings in rows:
        week = week_start(created_at.astimezone(BEIJING).date())
        if week in buckets:
            for finding in findings or []:
                buckets[week][str(finding.get("category", "")).split(".", 1)[0]] += 1
    return sorted(buckets.items())


def time_per_stage(session: Session) -> list[StageTime]:
    """From the audit log: how long drafts waited at each stage before someone decided."""
    workflows = dict(session.execute(select(Draft.id, Draft.workflow)).all())
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.kind.in_(ENTERS_STAGE + LEAVES_STAGE)).order_by(AuditEntry.id)
    )
    spent: defaultdict[str, list[float]] = defaultdict(list)
    for stay in stage_stays(rows):
        spent[_stage_label(workflows.get(stay.draft_id, ""), stay.stage)].append(stay.hours)
    return [StageTime(label, len(v), sum(v) / len(v)) for label, v in spent.items()]
