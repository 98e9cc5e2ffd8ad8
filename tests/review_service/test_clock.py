"""One clock: the date a text speaks from has one rule, the engine never reads the time, and the API and
the pages agree on "overdue" at every hour of a Beijing day on a UTC host."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from checks import DraftInput, EngineConfig, Metadata, build_engine
from checks.clock import beijing_date, resolve_doc_date
from checks.document import build_documents
from review_service.api.main import create_app
from review_service.clock import aware, now_utc, today_beijing, use_clock
from review_service.config import Settings
from tests.web_helpers import login
from tests.workflow_helpers import make_people

TODAY = dt.date(2026, 5, 20)


def meta(**values: str) -> Metadata:
    return Metadata(**values)


def test_the_date_a_text_speaks_from_given_then_written_then_published_then_today() -> None:
    given, written, published = dt.date(2020, 1, 2), "2021-03-04", "2022-05-06"
    assert resolve_doc_date(given, meta(written_date=written, published_date=published), today=lambda: TODAY) == given
    assert resolve_doc_date(None, meta(written_date=written, published_date=published), today=lambda: TODAY) == dt.date(
        2021, 3, 4
    )
    assert resolve_doc_date(None, meta(published_date=published), today=lambda: TODAY) == dt.date(2022, 5, 6)
    assert resolve_doc_date(None, meta(written_date="2021-13-40", published_date=published), today=lambda: TODAY) == (
        dt.date(2022, 5, 6)
    )  # a date that is no date is skipped, not trusted
    assert resolve_doc_date(None, meta(written_date="三月"), today=lambda: TODAY) == TODAY
    assert resolve_doc_date(None, meta(), today=lambda: TODAY) == TODAY


def test_every_document_of_a_draft_carries_the_one_resolved_date(engine) -> None:
    draft = DraftInput(body="正文", title="标题", summary="摘要", metadata=meta(published_date="2019-07-01"))
    documents = build_documents(draft, engine.segmenter, today=lambda: TODAY)
    assert {d.doc_date for d in documents} == {dt.date(2019, 7, 1)}


def test_the_engine_reads_no_clock_when_the_draft_is_dated() -> None:
    def no_clock() -> dt.date:
        raise AssertionError("the engine read the clock")

    engine = build_engine(EngineConfig(enabled=("format.number_date",), today=no_clock))
    dated = engine.check(DraftInput(body="二〇二四年三月五日印发。", doc_date=dt.date(2024, 3, 5)))
    published = engine.check(DraftInput(body="二〇二四年三月五日印发。", metadata=meta(published_date="2024-03-05")))
    assert dated.findings == published.findings
    undated = build_engine(EngineConfig(enabled=("format.number_date",), today=lambda: TODAY))
    assert undated.check(DraftInput(body="二〇二四年三月五日印发。")).verdict == dated.verdict


def test_beijing_dates_of_utc_moments() -> None:
    assert beijing_date(dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 3, 1)
    assert beijing_date(dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 3, 2)
    assert beijing_date(dt.datetime(2026, 3, 1, 16, 0)) == dt.date(2026, 3, 2)  # naive = UTC, as stored
    assert aware(dt.datetime(2026, 3, 1)).tzinfo is dt.UTC


def test_api_and_pages_agree_on_overdue_between_midnight_and_eight_in_beijing(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    people = make_people(settings)
    due = dt.date(2026, 3, 1)
    with TestClient(create_app(settings)) as client:
        made = client.post(
            "/api/v1/drafts",
            json={"title": "通知", "body": "区政府召开常务会议，研究部署安全生产工作。", "due_date": due.isoformat()},
            headers=people["editor"].headers,
        )
        assert made.status_code == 201, made.text
        draft_id = made.json()["id"]
        submitted = client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
        assert submitted.status_code == 200, submitted.text

        def flags() -> tuple[bool, bool]:
            api = client.get(f"/api/v1/drafts/{draft_id}", headers=people["proof1"].headers).json()["overdue"]
            row = client.get("/queue").text.split(f'data-draft="{draft_id}"')[1].split("</tr>")[0]
            return api, "已超期" in row

        login(client, "proof1")
        evening = dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC)  # 23:30 on the due date in Beijing
        with use_clock(lambda: evening):
            assert (now_utc(), today_beijing()) == (evening, due)
            assert flags() == (False, False)
        for hour in (16, 19, 23):  # 00:00–07:59 the next day in Beijing, still the due date in UTC
            night = dt.datetime(2026, 3, 1, hour, 30, tzinfo=dt.UTC)
            with use_clock(lambda night=night: night):
                assert night.date() == due and today_beijing() == due + dt.timedelta(days=1)
                assert flags() == (True, True)
