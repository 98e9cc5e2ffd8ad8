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


def test_parallel_batches_on_postgres_count_every_page_once(postgres_url, tmp_path):
    settings = make_settings(tmp_path, database_url=postgres_url, recheck_batch_size=1)
    upgrade(settings)
    with unit_of_work(settings) as session:
        import_pages(session, pages_from_lines(LINES, max_chars=10_000))
    with unit_of_work(settings) as session:
        session.info["data_dir"] = settings.data_dir
        run_id = start_recheck(session, settings=settings, full=True).id
    with unit_of_work(settings) as session:
        batches = queued_batches(session, run_id)
    assert len(batches) == 8
    with ThreadPoolExecutor(4) as pool:  # four "workers", each batch delivered twice
        outcomes = list(pool.map(lambda b: run_batch(settings, b, worker=None), batches + batches))
    assert outcomes.count("done") == 8 and set(outcomes) <= {"done", "duplicate", "skipped"}
    with unit_of_work(settings) as session:
        run = session.get(RecheckRun, run_id)
        assert (run.state, run.done, run.batches_done) == ("done", 8, 8)
        assert sorted(r.title for r in rows_for(session, run)) == ["公告1", "公告3", "公告5", "公告7"]


def test_migration_0006_downgrades_and_upgrades_on_postgres(postgres_url, tmp_path):
    settings = make_settings(tmp_path, database_url=postgres_url)
    upgrade(settings)
    command.downgrade(alembic_config(settings), "0005")
    tables = set(inspect(create_engine(settings.sqlalchemy_url)).get_table_names())
    assert not tables & {"archive_documents", "recheck_runs", "recheck_batches", "dictionary_snapshots"}
    upgrade(settings)
    command.check(alembic_config(settings))
