"""The audit ledger as the annual report needs it: a CSV of a date range, for those who may export it."""

from __future__ import annotations

import datetime as dt

from review_service import reports
from review_service.models import User
from review_service.permissions import Action, may
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError

MAX_RANGE_DAYS = 3660  # ten years


def export_csv(ctx: ServiceContext, user: User, *, start: dt.date, end: dt.date) -> str:
    if not may(user, Action.EXPORT_LEDGER):
        raise DomainError(
            403, "forbidden", "仅管理员或终审人员可导出台账", "Only admins and final reviewers may export"
        )
    if end < start or (end - start).days > MAX_RANGE_DAYS or end.year >= 9999:
        raise DomainError(
            422,
            "invalid_range",
            "日期区间无效（结束早于开始或超过十年）",
            "Invalid range ('to' before 'from' or over 10 years)",
        )
    return reports.ledger_csv(ctx.session, start=start, end=end)
