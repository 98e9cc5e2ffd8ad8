"""The dashboard's figures and its 台账 form (the export and its rules are ``services.ledger``'s)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from review_service import dashboard
from review_service.clock import today_beijing
from review_service.models import User
from review_service.permissions import Action, may
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from review_service.services.ledger import export_csv


@dataclass(frozen=True)
class Overview:
    stages: list[tuple[str, int]]
    statuses: Counter[str]
    weeks: list[tuple[dt.date, Counter[str]]]
    stage_times: list[dashboard.StageTime]
    can_export: bool
    default_from: dt.date  # the ledger form starts at 1 January of this year (Beijing)
    default_to: dt.date


def overview(ctx: ServiceContext, *, user: User) -> Overview:
    stages, statuses = dashboard.drafts_per_stage(ctx.session)
    today = today_beijing()
    return Overview(
        stages=sorted(stages.items()),
        statuses=statuses,
        weeks=dashboard.findings_per_week(ctx.session),
        stage_times=dashboard.time_per_stage(ctx.session),
        can_export=may(user, Action.EXPORT_LEDGER),
        default_from=today.replace(month=1, day=1),
        default_to=today,
    )


@dataclass(frozen=True)
class Ledger:
    start: dt.date
    end: dt.date
    csv: str


def ledger(ctx: ServiceContext, *, user: User, from_date: str, to_date: str) -> Ledger:
    """The ledger CSV for [from_date, to_date] as the page's form sends them (ISO dates)."""
    try:
        start, end = dt.date.fromisoformat(from_date), dt.date.fromisoformat(to_date)
    except ValueError as exc:
        raise DomainError(
            422, "invalid_date", "导出台账须填写有效的起止日期", "The ledger needs valid start and end dates"
        ) from exc
    return Ledger(start, end, export_csv(ctx, user, start=start, end=end))
