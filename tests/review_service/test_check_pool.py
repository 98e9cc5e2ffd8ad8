"""Long checks in check processes: the same findings as in-process, a clear 503 when full, clean shutdown.

One app with one check process (``REVIEW_CHECK_PROCESSES=1``, no waiting slots) serves the module:
checks of at least 1,000 characters go to the process. Nothing here waits on wall time: a full
pool is made by holding its slot, a lost process by killing it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal

import pytest
from fastapi.testclient import TestClient

from checks import Channel, DocType, DraftInput, Metadata
from review_service import check_pool
from review_service.api.main import create_app
from review_service.check_service import engine_key, get_check_engine
from tests.api_helpers import make_settings, mint_token
from tests.paths import TESTS_DIR
from tests.workflow_helpers import make_people

# Slow tier (`make test` runs it, `make test-fast` does not): starts check processes, each building its own engine.
pytestmark = pytest.mark.slow

DATA = TESTS_DIR / "data"
MIN_CHARS = 1000
LONG = ("申请人王小明，身份证号码110101199003074514，联系电话13800138000。再接再励，" * 40)[:3000]


def _devset_drafts(limit: int = 40) -> list[DraftInput]:
    drafts = []
    for line in (DATA / "devset.jsonl").read_text(encoding="utf-8").splitlines()[:limit]:
        case = json.loads(line)
        meta = {k: v for k, v in (case.get("metadata") or {}).items() if k in Metadata.field_names()}
        drafts.append(
            DraftInput(
                body=case["text"],
                title=case.get("title"),
                is_html=case.get("format") == "html",
                channel=Channel(case.get("channel", "website")),
                doc_type=DocType(case.get("doc_type", "other")),
                metadata=Metadata(**meta),
            )
        )
    return drafts


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return make_settings(
        tmp_path_factory.mktemp("pool"), check_processes=1, check_queue=0, check_process_min_chars=MIN_CHARS
    )


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def auth(settings):
    return {"Authorization": f"Bearer {mint_token(settings)}"}


@pytest.fixture(scope="module")
def pool(client) -> check_pool.CheckPool:
    installed = check_pool.installed()
    assert installed is not None
    return installed


def _same(a, b) -> None:
    assert a.findings == b.findings
    assert a.verdict == b.verdict


def test_check_process_finds_what_the_api_process_finds(pool):
    drafts = [*_devset_drafts(), DraftInput(body=LONG, title="关于王小明的公示", doc_type=DocType.PUBLICITY)]
    engine = get_check_engine()
    for draft in drafts:
        _same(pool.check(draft, engine_key(None), wait=True), engine.check(draft))


def test_long_checks_go_to_the_process_and_short_ones_stay(client, auth, pool):
    before = pool.completed
    short = client.post("/api/v1/check", json={"text": LONG[:200]}, headers=auth)
    assert short.status_code == 200
    assert pool.completed == before
    long = client.post("/api/v1/check", json={"text": LONG}, headers=auth)
    assert long.status_code == 200
    assert pool.completed == before + 1
    expected = get_check_engine().check(DraftInput(body=LONG))
    assert long.json()["findings"] == [f.to_dict() for f in expected.findings]
    assert long.json()["verdict"] == expected.verdict == "block"


def test_a_full_pool_answers_503_with_retry_after_at_once(client, auth, pool):
    with pool.slot(wait=False):  # the one admitted long check
        for path in ("/api/v1/check", "/api/v1/mask"):
            r = client.post(path, json={"text": LONG}, headers=auth)
            assert r.status_code == 503
            body = r.json()
            assert body["code"] == "check_busy"
            assert "繁忙" in body["message"]["zh"] and "busy" in body["message"]["en"]
            assert int(r.headers["Retry-After"]) >= 1
            assert body["details"]["retry_after"] == int(r.headers["Retry-After"])
        short = client.post("/api/v1/check", json={"text": "联系电话13800138000。"}, headers=auth)
        assert short.status_code == 200  # short checks never queue behind long ones
    assert client.post("/api/v1/check", json={"text": LONG}, headers=auth).status_code == 200


def test_a_killed_check_process_is_a_503_and_the_next_check_starts_a_new_one(client, auth, pool):
    assert client.post("/api/v1/check", json={"text": LONG}, headers=auth).status_code == 200
    workers = multiprocessing.active_children()
    assert workers
    for worker in workers:
        os.kill(worker.pid, signal.SIGKILL)
        worker.join()
    lost = client.post("/api/v1/check", json={"text": LONG}, headers=auth)
    assert lost.status_code == 503
    assert lost.json()["code"] == "check_unavailable"
    assert lost.headers["Retry-After"] == "1"
    again = client.post("/api/v1/check", json={"text": LONG}, headers=auth)
    assert again.status_code == 200
    assert again.json()["verdict"] == "block"


def test_draft_checks_without_a_broker_use_the_process(client, settings, pool):
    editor = make_people(settings)["editor"]
    before = pool.completed
    r = client.post("/api/v1/drafts", json={"title": "公示", "body": LONG}, headers=editor.headers)
    assert r.status_code == 201
    assert pool.completed == before + 1
    expected = get_check_engine().check(DraftInput(body=LONG, title="公示"))
    draft = r.json()
    assert draft["check_state"] == "done"
    assert draft["verdict"] == expected.verdict == "block"
    blocking = [f for f in expected.findings if f.severity.value == "block"]
    assert draft["blocking_findings"] == len(blocking) > 0


def test_shutdown_stops_the_check_processes(tmp_path, pool):
    others = {p.pid for p in multiprocessing.active_children()}  # the module's app still runs its own
    settings = make_settings(tmp_path, check_processes=1, check_process_min_chars=MIN_CHARS)
    auth = {"Authorization": f"Bearer {mint_token(settings)}"}
    with TestClient(create_app(settings)) as c:
        mine = check_pool.installed()
        assert mine is not None and mine is not pool
        assert c.post("/api/v1/check", json={"text": LONG}, headers=auth).status_code == 200
        assert mine.completed == 1
    assert check_pool.installed() is pool  # the module's app uses its own pool again
    with pytest.raises(check_pool.CheckProcessLost):
        mine.check(DraftInput(body=LONG), engine_key(None), wait=False)
    assert {p.pid for p in multiprocessing.active_children()} <= others


class _LostPool:
    """A pool whose process cannot start (spawn refused, engine build failing)."""

    def wants(self, draft: DraftInput) -> bool:
        return False

    def check(self, draft, key, *, wait):  # type: ignore[no-untyped-def]
        raise check_pool.CheckProcessLost()

    def close(self) -> None:
        pass


def test_a_pool_that_fails_during_start_up_still_starts_the_api_process_engine(monkeypatch):
    from review_service import check_service

    started = []
    monkeypatch.setattr(check_service.engines, "ready", lambda key: False)  # as while serve starts
    monkeypatch.setattr(check_service, "start_engine_warmup", lambda: started.append(True))
    lost = _LostPool()
    check_pool.install(lost)  # type: ignore[arg-type]
    try:
        with pytest.raises(check_pool.CheckProcessLost):
            check_service.run_check(DraftInput(body="联系电话13800138000。"))
    finally:
        check_pool.uninstall(lost)  # type: ignore[arg-type]
    assert started == [True]  # short checks are answered in-process once it is built
