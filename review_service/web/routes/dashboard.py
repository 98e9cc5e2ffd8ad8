"""Dashboard: where drafts wait, what the checks find over time, how long each stage takes, the 台账."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from review_service import dashboard, reports
from review_service.web.charts import stacked_bars
from review_service.web.deps import PageDep
from review_service.web.highlight import CATEGORY_GROUPS
from review_service.web.render import local_today

router = APIRouter()
LEDGER_ROLES = ("admin", "reviewer3")


@router.get("/dashboard")
def dashboard_page(page: PageDep) -> Response:
    stages, statuses = dashboard.drafts_per_stage(page.session)
    weeks = dashboard.findings_per_week(page.session)
    today = local_today()
    return page.render(
        "dashboard.html",
        stages=sorted(stages.items()),
        statuses=statuses,
        chart=stacked_bars(weeks, CATEGORY_GROUPS),
        weeks=weeks,
        groups=CATEGORY_GROUPS,
        stage_times=dashboard.time_per_stage(page.session),
        can_export=page.user.role in LEDGER_ROLES,
        default_from=today.replace(month=1, day=1).isoformat(),
        default_to=today.isoformat(),
    )


@router.get("/dashboard/ledger.csv")
def ledger(
    page: PageDep,
    from_date: Annotated[str, Query(alias="from", max_length=10)] = "",
    to_date: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    page.require_role(*LEDGER_ROLES)
    try:
        start, end = dt.date.fromisoformat(from_date), dt.date.fromisoformat(to_date)
    except ValueError:
        return page.redirect("/dashboard", "导出台账须填写有效的起止日期", "error")
    if end < start or (end - start).days > 3660 or end.year >= 9999:
        return page.redirect("/dashboard", "日期区间无效（结束早于开始或超过十年）", "error")
    body = reports.ledger_csv(page.session, start=start, end=end)
    return PlainTextResponse(
        "\ufeff" + body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ledger-{start}-{end}.csv"'},
    )
