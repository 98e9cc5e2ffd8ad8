"""Draft checks on a real Celery worker over a real redis-server: nothing is lost, nothing is done twice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_client
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.jobs import CHECK_VERSION, QUEUE_CHECKS, send
from review_service.models import CheckRun, DraftVersion
from review_service.services.context import Job
from review_service.sweep import sweep
from tests.api_helpers import make_settings, mint_token
from tests.redis_celery import CeleryWorker, RedisServer, _free_port
from tests.workflow_helpers import make_people

TITLE = "关于开展安全生产大检查的通知"
BODY = "各镇人民政府、街道办事处：\n为切实做好安全生产工作，现就有关事项通知如下。\n联系电话：13800138000。"
PARAGRAPH = "本县今年共完成道路硬化工程十二项，惠及群众三万余人。联系电话：13800138000。再接再励，继续推进乡村振兴。\n"
BIG_BODY = (PARAGRAPH * 1200)[:60_000]  # about three seconds of checking: long enough to kill a worker mid-task


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    redis = RedisServer()
    redis.start()
    data = tmp_path_factory.mktemp("celery-data")
    settings = make_settings(data, broker_url=redis.url, sweep_interval_seconds=0, check_overdue_seconds=1)
    people = make_people(settings)
    worker = CeleryWorker({"REVIEW_DATA_DIR": str(data), "REVIEW_BROKER_URL": redis.url})
    worker.start()
    try:
        with TestClient(create_app(settings)) as client:
            yield client, people, settings, redis, worker
    finally:
        worker.kill()
        redis.close()


def create(client, person, body=BODY):
    r = client.post("/api/v1/drafts", json={"title": TITLE, "body": body}, headers=person.headers)
    assert r.status_code == 201, r.text
    return r.json()


def run_of(settings, draft_id: int) -> CheckRun:
    with unit_of_work(settings) as session:
        version = session.scalar(
            select(DraftVersion).where(DraftVersion.draft_id == draft_id).order_by(DraftVersion.number.desc())
        )
        run = version.check_run
        session.expunge(run)
        return run


# Waits are for events (a state in the database, a line in a log); the limit only stops a hung test, and is
# far above any wait seen on a busy machine, where a new pool process may take a minute to build its engine.
EVENT_LIMIT_S = 600.0


def wait_for(predicate, timeout: float = EVENT_LIMIT_S, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def wait_done(settings, draft_id: int, timeout: float = EVENT_LIMIT_S) -> CheckRun:
    return wait_for(
        lambda: (r := run_of(settings, draft_id)).state == "done" and r, timeout, f"check of draft {draft_id}"
    )


def test_saving_answers_checking_and_the_worker_stores_the_result_loading_models_once(stack):
    client, people, settings, _redis, worker = stack
    draft = create(client, people["editor"])
    assert (draft["check_state"], draft["verdict"]) == ("checking", None)
    run = wait_done(settings, draft["id"])
    assert run.verdict == "block" and any(f["category"] == "pii.phone" for f in run.findings)
    shown = client.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()
    assert (shown["check_state"], shown["verdict"]) == ("done", "block")

    more = [create(client, people["editor"], BODY + f"第{i}稿。")["id"] for i in range(4)]
    workers = {wait_done(settings, i).worker for i in [draft["id"], *more]}
    assert len(workers) == 1, workers  # one pool process did them all …
    _host, pid, builds = workers.pop().split(":")
    assert int(pid) in worker.pool_pids()
    assert builds == "1"  # … and built the check engine once, at process start, not per task


def test_a_lost_enqueue_is_refused_for_decisions_and_swept_when_the_api_restarts(stack):
    _client, people, settings, _redis, _worker = stack
    down = settings.model_copy(update={"broker_url": f"redis://127.0.0.1:{_free_port()}/0"})
    with TestClient(create_app(down, migrate=False)) as api_without_broker:
        draft = create(api_without_broker, people["editor"])  # committed, but the message never left
        assert (draft["check_state"], draft["actions"]) == ("checking", [])  # the screen offers no decision …
        r = api_without_broker.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=people["editor"].headers)
        assert r.status_code == 409 and r.json()["code"] == "check_pending"  # … and the API refuses one
    time.sleep(1.2)  # older than REVIEW_CHECK_OVERDUE_SECONDS=1
    assert run_of(settings, draft["id"]).state == "checking"
    with TestClient(create_app(settings, migrate=False)) as restarted:  # its start-up sweep re-sends the check
        run = wait_done(settings, draft["id"])
        assert run.attempts == 1
        shown = restarted.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()
        assert shown["actions"] == ["submit"]
        r = restarted.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=people["editor"].headers)
        assert r.status_code == 200 and r.json()["status"] == "in_review"


def started_and_held(settings, draft_id: int) -> sqlite3.Connection:
    """Wait until the worker has begun the check, and hold SQLite's write lock from that moment.

    The worker commits ``attempts += 1`` before it checks, and needs the write lock to store the result, so
    while the returned connection is open the task is provably mid-way: begun, not finished. Polling takes
    the lock before it reads, so no result can slip in between seeing the start and holding the lock.
    """
    with unit_of_work(settings) as session:
        run_id = session.scalar(
            select(CheckRun.id)
            .join(DraftVersion, CheckRun.version_id == DraftVersion.id)
            .where(DraftVersion.draft_id == draft_id)
        )
    lock = sqlite3.connect(settings.data_dir / "review.db", isolation_level=None, timeout=EVENT_LIMIT_S)
    deadline = time.monotonic() + EVENT_LIMIT_S
    while True:
        lock.execute("BEGIN IMMEDIATE")
        state, attempts = lock.execute("SELECT state, attempts FROM check_runs WHERE id = ?", (run_id,)).fetchone()
        if attempts >= 1:
            assert (state, attempts) == ("checking", 1)
            return lock
        lock.execute("ROLLBACK")
        if time.monotonic() > deadline:
            raise AssertionError(f"the check of draft {draft_id} never started")
        time.sleep(0.05)


def release(lock: sqlite3.Connection) -> None:
    lock.execute("ROLLBACK")
    lock.close()


def test_a_pool_process_killed_mid_task_is_redelivered_without_a_sweep(stack):
    client, people, settings, _redis, worker = stack
    draft = create(client, people["editor"], BIG_BODY)
    held = started_and_held(settings, draft["id"])
    try:
        killed = worker.kill_pool_process()
    finally:
        release(held)
    run = wait_done(settings, draft["id"])
    assert run.attempts == 2  # late acknowledgement + reject on worker lost: the message came back
    assert run.worker.split(":")[1] != str(killed)


def test_a_whole_worker_killed_mid_task_is_recovered_by_the_sweep(stack):
    client, people, settings, redis, worker = stack
    draft = create(client, people["editor"], BIG_BODY + "甲")
    held = started_and_held(settings, draft["id"])
    try:
        worker.kill()
    finally:
        release(held)
    broker = redis_client.Redis.from_url(redis.url)
    assert broker.hlen("unacked") == 1 and broker.llen(QUEUE_CHECKS) == 0  # unacknowledged, not visible again
    worker.start()
    assert run_of(settings, draft["id"]).state == "checking"
    swept = sweep(settings, overdue=dt.timedelta(0))
    assert draft["id"] in {_draft_of(settings, v) for v in swept.versions}
    assert wait_done(settings, draft["id"]).attempts == 2


def _draft_of(settings, version_id: int) -> int:
    with unit_of_work(settings) as session:
        return session.get(DraftVersion, version_id).draft_id


def test_a_redis_restart_loses_the_queue_and_the_sweep_refills_it(stack):
    client, people, settings, redis, worker = stack
    worker.stop()
    draft = create(client, people["editor"], BODY + "乙")
    cms = {"Authorization": f"Bearer {mint_token(settings)}"}
    interactive = client.post("/api/v1/check", json={"text": BODY}, headers=cms)  # in-process, no worker needed
    assert interactive.status_code == 200 and interactive.json()["verdict"] == "block"
    redis.restart()  # no persistence: the queued check is gone
    broker = redis_client.Redis.from_url(redis.url)
    assert broker.llen(QUEUE_CHECKS) == 0 and broker.hlen("unacked") == 0
    worker.start()
    assert run_of(settings, draft["id"]).state == "checking"
    sweep(settings, overdue=dt.timedelta(0))
    assert wait_done(settings, draft["id"]).attempts == 1


def test_duplicate_deliveries_change_nothing(stack):
    client, people, settings, _redis, _worker = stack
    draft = create(client, people["editor"], BODY + "丙")
    first = wait_done(settings, draft["id"])
    for _ in range(3):
        assert send(settings, Job(CHECK_VERSION, first.version_id))
    marker = create(client, people["editor"], BODY + "丁")  # same queue, one process: done after the duplicates
    wait_done(settings, marker["id"])
    again = run_of(settings, draft["id"])
    assert (again.attempts, again.finished_at, again.findings) == (1, first.finished_at, first.findings)


def test_archive_recheck_fans_out_over_the_bulk_queue(stack, tmp_path):
    _client, _people, settings, redis, _worker = stack
    lines = []
    for i in range(60):
        body = f"第{i}号公告：本局依法开展执法检查。" + ("联系电话：13800138000。" if i % 4 == 0 else "欢迎监督。")
        lines.append(
            {
                "url": f"https://www.example.gov.cn/t/{i}.html",
                "title": f"公告{i}",
                "published_at": "2024-03-01",
                "department": "市场监管局" if i % 2 else "办公室",
                "content": body,
            }
        )
    source = tmp_path / "pages.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    env = {**os.environ, "REVIEW_DATA_DIR": str(settings.data_dir), "REVIEW_BROKER_URL": redis.url}
    env["REVIEW_RECHECK_BATCH_SIZE"] = "10"
    cli = [sys.executable, "-m", "review_service.cli", "archive"]
    subprocess.run([*cli, "import", str(source)], env=env, check=True, capture_output=True, timeout=EVENT_LIMIT_S)
    out = subprocess.run(
        [*cli, "recheck", "--category", "pii", "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=EVENT_LIMIT_S,
    )
    assert out.returncode == 0, out.stderr
    assert "需检查 60 篇（由任务队列分发给 worker）" in out.stdout
    assert "60/60" in out.stderr and "篇/秒" in out.stderr
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / next(p.name for p in tmp_path.glob("*.csv"))).read_text("utf-8-sig")))
    )
    assert {r["category"] for r in rows} == {"pii.phone"}
    assert sorted(int(r["url"].rsplit("/", 1)[1].split(".")[0]) for r in rows) == list(range(0, 60, 4))
    assert all(r["review_path"] == f"/archive/documents/{r['document_id']}" for r in rows)


def test_worker_ping_is_a_working_health_check(stack):
    _client, _people, settings, redis, worker = stack
    # a timeout far above the subprocess limit: only a ping that returns at the reply can pass
    cli = [sys.executable, "-m", "review_service.cli", "worker-ping", "--timeout", "600"]
    env = {**os.environ, "REVIEW_DATA_DIR": str(settings.data_dir), "REVIEW_BROKER_URL": redis.url}
    alive = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=120)
    assert alive.returncode == 0, alive.stderr
    assert f"-{worker.process.pid}@{socket.gethostname()}" in alive.stdout, alive.stdout  # this host's worker
    nobody = {**env, "REVIEW_BROKER_URL": f"redis://127.0.0.1:{_free_port()}/0"}
    dead = subprocess.run(cli, env=nobody, capture_output=True, text=True, timeout=60)
    assert dead.returncode == 1 and "Traceback" not in dead.stderr


def test_a_bulk_worker_runs_at_lower_cpu_priority(stack):
    _client, _people, settings, redis, _worker = stack
    env = {"REVIEW_DATA_DIR": str(settings.data_dir), "REVIEW_BROKER_URL": redis.url}
    bulk = CeleryWorker(env, queues="bulk", nice=10)
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)  # nice is relative to this test's own
    bulk.start()
    try:
        for pid in [bulk.process.pid, *bulk.pool_pids()]:
            stat = Path(f"/proc/{pid}/stat").read_text()
            assert int(stat.rsplit(")", 1)[1].split()[16]) == expected  # nice, field 19
        autogroup = Path(f"/proc/{bulk.process.pid}/autogroup")
        if autogroup.exists():  # autogroup scheduling: the session's weight is lowered too
            assert autogroup.read_text().split()[-1] == "10"
        banner = bulk.log().split("[tasks]")[0]
        assert ".> review.bulk" in banner and "review.checks" not in banner  # its own queue only
    finally:
        bulk.stop()
