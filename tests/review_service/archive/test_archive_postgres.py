"""The archive re-check on PostgreSQL: batches finishing at the same time count progress exactly once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from alembic import command
from sqlalchemy import create_engine, inspect

from review_service.archive.importer import import_pages, pages_from_lines
from review_service.archive.recheck import queued_batches, run_batch, start_recheck
from review_service.archive.report import rows_for
from review_service.db import alembic_config, unit_of_work, upgrade
from review_service.models import RecheckRun
from review_service.services.unit_of_work import unit_of_work as service_unit
from tests.api_helpers import make_settings

LINES = [
    json.dumps(
        {
            "url": f"https://www.example.gov.cn/pg/{i}.html",
            "title": f"公告{i}",
            "published_at": f"2024-05-0{1 + i % 9}",
            "department": "办公室",
            "content": f"第{i}号公告。" + ("联系电话：13800138000。" if i % 2 else ""),
        },
        ensure_ascii=False,
    )
    for i in range(8)
]


def test_parallel_batches_on_postgres_count_every_page_once(postgres_migrated_url, tmp_path):
    settings = make_settings(tmp_path, database_url=postgres_migrated_url, recheck_batch_size=1)
    upgrade(settings)
    with unit_of_work(settings) as session:
        import_pages(session, pages_from_lines(LINES, max_chars=10_000))
    with service_unit(settings) as ctx:
        run_id = start_recheck(ctx, full=True).id
    with unit_of_work(settings) as session:
        batches = queued_batches(session, run_id)
    assert len(batches) == 8
    with ThreadPoolExecutor(4) as pool:  # four "workers", each batch delivered twice
        outcomes = list(pool.map(lambda b: run_batch(settings, b, worker=None), batches + batches))
    assert outcomes.count("done") == 8 and set(outcomes) <= {"done", "duplicate", "skipped", "busy"}
    with unit_of_work(settings) as session:
        run = session.get(RecheckRun, run_id)
        assert (run.state, run.done, run.batches_done) == ("done", 8, 8)
        assert sorted(r.title for r in rows_for(session, run)) == ["公告1", "公告3", "公告5", "公告7"]


def test_migration_0006_downgrades_and_upgrades_on_postgres(postgres_migrated_url, tmp_path):
    settings = make_settings(tmp_path, database_url=postgres_migrated_url)
    upgrade(settings)
    command.downgrade(alembic_config(settings), "0005")
    tables = set(inspect(create_engine(settings.sqlalchemy_url)).get_table_names())
    assert not tables & {"archive_documents", "recheck_runs", "recheck_batches", "dictionary_snapshots"}
    upgrade(settings)
    command.check(alembic_config(settings))


def test_two_editors_opening_a_correction_at_once_get_one_draft(postgres_migrated_url, tmp_path):
    from fastapi.testclient import TestClient

    from review_service.api.main import create_app
    from review_service.models import Draft
    from tests.workflow_helpers import make_people

    settings = make_settings(tmp_path, database_url=postgres_migrated_url)
    people = make_people(settings)
    with unit_of_work(settings) as session:
        import_pages(session, pages_from_lines(LINES[:1], max_chars=10_000))
    with TestClient(create_app(settings)) as client:
        doc_id = client.get("/api/v1/archive/documents", headers=people["rev3"].headers).json()[0]["id"]
        for query in ("with_findings=true", "category=pii", "category=pii&offset=1&limit=1"):  # the SQL pre-filter
            r = client.get(f"/api/v1/archive/documents?{query}", headers=people["rev3"].headers)
            assert (r.status_code, r.json()) == (200, []), r.text
        url = f"/api/v1/archive/documents/{doc_id}/correction"
        who = ["editor", "editor2", "proof1", "proof2", "rev1", "rev2"]
        with ThreadPoolExecutor(len(who)) as pool:
            answers = list(pool.map(lambda w: client.post(url, headers=people[w].headers), who))
    assert sorted(a.status_code for a in answers) == [200] * (len(who) - 1) + [201]
    assert len({a.json()["id"] for a in answers}) == 1
    with unit_of_work(settings) as session:
        from sqlalchemy import func, select

        assert session.scalar(select(func.count()).select_from(Draft)) == 1
