"""Dashboard: where drafts wait, what the checks find over time, how long each stage takes, the 台账."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from review_service.permissions import Action
from review_service.services import dashboard
from review_service.web.charts import stacked_bars
from review_service.web.deps import PageDep
from review_service.web.highlight import CATEGORY_GROUPS
from review_service.web.refusals import back_on_refusal

router = APIRouter()


@router.get("/dashboard")
def dashboard_page(page: PageDep) -> Response:
    view = dashboard.overview(page.ctx, user=page.user)
    return page.render(
        "dashboard.html",
        stages=view.stages,
        statuses=view.statuses,
        chart=stacked_bars(view.weeks, CATEGORY_GROUPS),
        weeks=view.weeks,
        groups=CATEGORY_GROUPS,
        stage_times=view.stage_times,
        can_export=view.can_export,
        default_from=view.default_from.isoformat(),
        default_to=view.default_to.isoformat(),
    )


@router.get("/dashboard/ledger.csv")
def ledger(
    page: PageDep,
    from_date: Annotated[str, Query(alias="from", max_length=10)] = "",
    to_date: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    page.require(Action.EXPORT_LEDGER)
    back_on_refusal(page, "/dashboard", plain=True)
    ledger = dashboard.ledger(page.ctx, user=page.user, from_date=from_date, to_date=to_date)
    return PlainTextResponse(
        "\ufeff" + ledger.csv,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ledger-{ledger.start}-{ledger.end}.csv"'},
    )
