"""回头看, embedded mode: a full first run, re-runs that check only what a change can affect, reports, corrections."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from review_service.api.main import create_app
from review_service.archive import recheck as recheck_module
from review_service.archive.recheck import start_recheck
from review_service.db import unit_of_work
from review_service.models import (
    ArchiveDocument,
    CheckRun,
    DictionarySnapshot,
    DraftVersion,
    RecheckBatch,
    RecheckRun,
)
from review_service.services.unit_of_work import unit_of_work as service_unit
from review_service.sweep import sweep
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people

PHONE = "联系电话：13800138000。"
OLD_NAME = "请向国家工商行政管理总局反映。"
NEW_TERM = "拍脑袋决策"
PAGES = [
    ("办公室", f"第一号通知：{PHONE}"),
    ("办公室", "第二号通知：请各单位按时报送材料。"),
    ("市场监管局", f"第三号通知：{OLD_NAME}"),
    ("市场监管局", f"第四号通知：{PHONE}{OLD_NAME}"),
    ("市场监管局", f"第五号通知：坚决杜绝{NEW_TERM}现象。"),
    ("教育局", f"第六号通知：反对{NEW_TERM}，重视调查研究。"),
    ("教育局", "第七号通知：开展读书月活动。"),
    (None, "第八号通知：春节放假安排。"),
]


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings, {"boss": ("admin", "办公室")})
    with TestClient(create_app(settings)) as client:
        docs = [
            {
                "url": f"https://www.example.gov.cn/t/{i}.html",
                "title": f"通知{i}",
                "published_at": f"2024-0{1 + i % 3}-15",
                "content": body,
                **({"department": dept} if dept else {}),
            }
            for i, (dept, body) in enumerate(PAGES)
        ]
        r = client.post("/api/v1/archive/documents", json={"documents": docs}, headers=people["rev3"].headers)
        assert r.status_code == 200 and r.json()["added"] == len(PAGES), r.text
        yield client, people, settings


def recheck(client, person, **body):
    r = client.post("/api/v1/archive/rechecks", json=body, headers=person.headers)
    assert r.status_code == 202, r.text
    run = r.json()
    polled = client.get(f"/api/v1/archive/rechecks/{run['id']}", headers=person.headers).json()
    assert polled["state"] == "done" and polled["done"] == polled["total"] and polled["percent"] == 100.0
    return polled


def report_rows(client, person, run_id):
    text = client.get(f"/api/v1/archive/rechecks/{run_id}/report.csv", headers=person.headers).text
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def checked_at(settings) -> dict[str, dt.datetime]:
    with unit_of_work(settings) as session:
        return {d.url: d.checked_at for d in session.scalars(select(ArchiveDocument))}


def test_first_run_checks_every_page_and_reports_by_category_and_department(env):
    client, people, _ = env
    run = recheck(client, people["rev3"])
    assert (run["mode"], run["in_scope"], run["total"]) == ("full", 8, 8)
    assert "新导入" in run["reason"]
    rows = report_rows(client, people["rev3"], run["id"])
    pages = {(r["category"], r["url"].rsplit("/", 1)[1]) for r in rows}
    assert pages == {
        ("pii.phone", "0.html"),
        ("pii.phone", "3.html"),
        ("term.outdated", "2.html"),
        ("term.outdated", "3.html"),
    }
    assert {r["department"] for r in rows if r["category"] == "term.outdated"} == {"市场监管局"}
    page = client.get(f"/api/v1/archive/rechecks/{run['id']}/report.html", headers=people["rev3"].headers).text
    assert page.index("<h2>pii.phone") < page.index("<h3>办公室") < page.index("<h2>term.outdated")
    assert f"href='/archive/documents/{rows[0]['document_id']}'" in page
    only = recheck(client, people["rev3"], categories=["term"], since="2024-02-01")
    assert only["in_scope"] == 5 and only["total"] == 0  # nothing changed since the first run
    assert {r["category"] for r in report_rows(client, people["rev3"], only["id"])} == {"term.outdated"}


def test_a_rerun_checks_only_pages_an_organisation_entry_can_affect(env):
    client, people, settings = env
    recheck(client, people["rev3"])
    before = checked_at(settings)
    unchanged = recheck(client, people["rev3"])
    assert (unchanged["total"], unchanged["reason"]) == (0, "词库与检查程序均未变化")

    entry = {"kind": "wording", "text": NEW_TERM, "data": {"reason": "工作作风问题", "suggestion": "科学决策"}}
    r = client.post("/api/v1/dictionary/entries", json=entry, headers=people["boss"].headers)
    assert r.status_code == 201, r.text
    run = recheck(client, people["rev3"])
    assert (run["mode"], run["total"]) == ("incremental", 2)
    assert NEW_TERM in run["reason"]
    after = checked_at(settings)
    changed = {url.rsplit("/", 1)[1] for url in after if after[url] != before[url]}
    assert changed == {"4.html", "5.html"}
    rows = report_rows(client, people["rev3"], run["id"])
    assert {r["url"].rsplit("/", 1)[1] for r in rows if r["category"] == "term.banned"} == {"4.html", "5.html"}


def test_when_the_shipped_dictionaries_changed_it_says_it_cannot_tell_and_checks_all(env):
    client, people, settings = env
    recheck(client, people["rev3"])
    with unit_of_work(settings) as session:  # the pages were checked by an older release
        session.execute(update(DictionarySnapshot).values(shipped="0" * 64, digest="old"))
    run = recheck(client, people["rev3"])
    assert (run["mode"], run["total"]) == ("full", 8)
    assert "无法判断影响范围" in run["reason"]


def test_bad_requests_get_codes_and_create_nothing(env):
    client, people, settings = env
    r = client.post("/api/v1/archive/rechecks", json={"categories": ["pii.face"]}, headers=people["rev3"].headers)
    assert r.status_code == 422 and r.json()["code"] == "unknown_category" and "pii.face" in r.json()["message"]["zh"]
    bad = {"url": "u", "title": "t", "published_at": "去年", "content": "正文"}
    r = client.post("/api/v1/archive/documents", json={"documents": [bad]}, headers=people["rev3"].headers)
    assert r.status_code == 422 and r.json()["code"] == "invalid_date"
    r = client.post("/api/v1/archive/rechecks", json={}, headers=people["editor"].headers)
    assert r.status_code == 403
    assert client.get("/api/v1/archive/rechecks/99", headers=people["editor"].headers).json()["code"] == (
        "recheck_not_found"
    )
    with unit_of_work(settings) as session:
        assert session.scalars(select(RecheckRun)).all() == []
        assert len(session.scalars(select(ArchiveDocument)).all()) == len(PAGES)


def test_an_editor_opens_a_correction_draft_that_goes_through_the_workflow(env):
    client, people, _ = env
    run = recheck(client, people["rev3"])
    doc_id = int(
        next(r["document_id"] for r in report_rows(client, people["rev3"], run["id"]) if r["category"] == "pii.phone")
    )
    editor = people["editor"].headers
    r = client.post(f"/api/v1/archive/documents/{doc_id}/correction", headers=editor)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["title"] == "通知0" and draft["status"] == "draft" and draft["verdict"] == "block"
    again = client.post(f"/api/v1/archive/documents/{doc_id}/correction", headers=editor)
    assert (again.status_code, again.json()["id"]) == (200, draft["id"])
    detail = client.get(f"/api/v1/archive/documents/{doc_id}", headers=editor).json()
    assert detail["correction_draft_id"] == draft["id"] and detail["review_path"] == f"/archive/documents/{doc_id}"
    fixed = {"title": "通知0", "body": "第一号通知：联系电话：0660-12345（县政务服务热线）。", "expected_revision": 0}
    r = client.put(f"/api/v1/drafts/{draft['id']}", json=fixed, headers=editor)
    assert r.status_code == 200 and r.json()["current_version"] == 2
    r = client.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=editor)
    assert r.json()["status"] == "in_review"
    history = client.get(f"/api/v1/drafts/{draft['id']}/history", headers=editor).json()
    assert history[1]["kind"] == "correction_opened" and history[1]["data"]["document_id"] == doc_id
    assert client.post("/api/v1/archive/documents/999/correction", headers=editor).json()["code"] == (
        "document_not_found"
    )


def test_without_a_broker_the_sweep_runs_overdue_work_here_and_gives_up_on_poison(env):
    client, people, settings = env
    with service_unit(settings.model_copy(update={"recheck_batch_size": 3})) as ctx:
        run_id = start_recheck(ctx).id
    swept = sweep(settings, overdue=dt.timedelta(0))
    assert len(swept.batches) == 3
    with unit_of_work(settings) as session:
        assert (session.get(RecheckRun, run_id).state, session.get(RecheckRun, run_id).done) == ("done", 8)

    draft = client.post("/api/v1/drafts", json={"title": "稿", "body": "正文。"}, headers=people["editor"].headers)
    draft_id = draft.json()["id"]
    with unit_of_work(settings) as session:  # as if a check crashed its worker three times
        version = session.scalar(select(DraftVersion).where(DraftVersion.draft_id == draft_id))
        session.execute(update(CheckRun).where(CheckRun.version_id == version.id).values(state="checking", attempts=3))
    assert sweep(settings, overdue=dt.timedelta(0)).failed_versions == [version.id]
    r = client.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
    assert r.status_code == 409 and r.json()["code"] == "check_failed"


@pytest.mark.slow  # the CLI as processes
def test_cli_recheck_in_process_draws_progress_and_writes_both_reports(env, tmp_path):
    _, _, settings = env
    out = subprocess.run(
        [sys.executable, "-m", "review_service.cli", "archive", "recheck", "--category", "pii", "--out", str(tmp_path)],
        env={**os.environ, "REVIEW_DATA_DIR": str(settings.data_dir)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    assert "需检查 8 篇（在本进程内检查）" in out.stdout and "8/8 100.0%" in out.stderr and "篇/秒" in out.stderr
    html_files, csv_files = list(tmp_path.glob("recheck-*.html")), list(tmp_path.glob("recheck-*.csv"))
    assert len(html_files) == len(csv_files) == 1
    assert "有问题的页面 2 篇" in out.stdout and "pii.phone" in csv_files[0].read_text("utf-8-sig")
    bad = subprocess.run(
        [sys.executable, "-m", "review_service.cli", "archive", "recheck", "--category", "typos"],
        env={**os.environ, "REVIEW_DATA_DIR": str(settings.data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 3 and "[unknown_category]" in bad.stderr and "Traceback" not in bad.stderr


def test_the_report_never_links_a_non_http_url(env):
    client, people, _ = env
    page = {"url": "javascript:alert(1)", "title": "<b>恶意</b>", "published_at": "2024-06-01", "content": PHONE}
    r = client.post("/api/v1/archive/documents", json={"documents": [page]}, headers=people["rev3"].headers)
    assert r.json()["added"] == 1
    run = recheck(client, people["rev3"])
    html = client.get(f"/api/v1/archive/rechecks/{run['id']}/report.html", headers=people["rev3"].headers).text
    assert "&lt;b&gt;恶意&lt;/b&gt;<br><small>javascript:alert(1)</small>" in html
    assert "href='javascript" not in html and "<b>恶意" not in html
    assert "<a href='https://www.example.gov.cn/t/0.html' rel='noopener noreferrer'>通知0</a>" in html


def wait_run_done(client, person, run_id, timeout=60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"/api/v1/archive/rechecks/{run_id}", headers=person.headers).json()
        if state["state"] == "done" or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def test_an_embedded_run_interrupted_by_a_restart_is_resumed_at_start(env):
    _client, people, settings = env
    with service_unit(
        settings.model_copy(update={"recheck_batch_size": 3})
    ) as ctx:  # as the API does, before its background task could run
        run_id = start_recheck(ctx).id
    with unit_of_work(settings) as session:  # the first batch had started when the process died
        batch = session.scalar(select(RecheckBatch).where(RecheckBatch.run_id == run_id).order_by(RecheckBatch.id))
        batch.attempts, batch.started_at = 1, dt.datetime.now(dt.UTC)
    with TestClient(create_app(settings)) as restarted:
        state = wait_run_done(restarted, people["rev3"], run_id)
    assert (state["state"], state["done"], state["total"], state["failed_pages"]) == ("done", 8, 8, [])


def test_a_page_whose_check_raises_is_recorded_and_the_run_still_ends(env, monkeypatch):
    client, people, _settings = env
    real = recheck_module.run_check

    def flaky(draft, overlay):  # type: ignore[no-untyped-def]
        if draft.title == "通知2":
            raise RuntimeError("engine bug on this page")
        return real(draft, overlay)

    monkeypatch.setattr(recheck_module, "run_check", flaky)
    r = client.post("/api/v1/archive/rechecks", json={"full": True}, headers=people["rev3"].headers)
    run = wait_run_done(client, people["rev3"], r.json()["id"])
    docs = {d["title"]: d["id"] for d in client.get("/api/v1/archive/documents", headers=people["rev3"].headers).json()}
    assert (run["state"], run["done"], run["failed_pages"]) == ("done", 8, [docs["通知2"]])
    html = client.get(f"/api/v1/archive/rechecks/{run['id']}/report.html", headers=people["rev3"].headers).text
    assert "检查失败（1 篇" in html and "engine bug on this page" in html


def test_csv_cells_that_look_like_formulas_are_neutralised(env):
    client, people, _ = env
    page = {"url": "https://e/f", "title": '=HYPERLINK("http://evil","x")', "published_at": "2024-06-01"}
    r = client.post(
        "/api/v1/archive/documents",
        json={"documents": [{**page, "content": PHONE, "department": "+市场部"}]},
        headers=people["rev3"].headers,
    )
    assert r.status_code == 200, r.text
    run = recheck(client, people["rev3"])
    rows = [row for row in report_rows(client, people["rev3"], run["id"]) if row["url"] == "https://e/f"]
    assert rows and rows[0]["title"] == "'" + page["title"] and rows[0]["department"] == "'+市场部"


def test_a_reimported_page_does_not_report_its_stale_findings(env):
    client, people, _ = env
    run = recheck(client, people["rev3"])
    fixed = {
        "url": "https://www.example.gov.cn/t/0.html",
        "title": "通知0",
        "published_at": "2024-01-15",
        "department": "办公室",
        "content": "第一号通知：号码已删除。",
    }
    r = client.post("/api/v1/archive/documents", json={"documents": [fixed]}, headers=people["rev3"].headers)
    assert r.status_code == 200 and r.json()["updated"] == 1
    assert "https://www.example.gov.cn/t/0.html" not in {
        r["url"] for r in report_rows(client, people["rev3"], run["id"])
    }


def test_the_document_list_pages_in_sql_and_filters_categories_correctly(env):
    client, people, _ = env
    recheck(client, people["rev3"])
    h = people["rev3"].headers
    everything = client.get("/api/v1/archive/documents", headers=h).json()
    assert len(everything) == 8
    assert [d["id"] for d in client.get("/api/v1/archive/documents?limit=3&offset=2", headers=h).json()] == [
        d["id"] for d in everything[2:5]
    ]
    phones = client.get("/api/v1/archive/documents?category=pii", headers=h).json()
    assert [d["title"] for d in phones] == ["通知0", "通知3"]
    assert all(f["category"].startswith("pii") for d in phones for f in d["findings"])
    second = client.get("/api/v1/archive/documents?category=pii&offset=1&limit=1", headers=h).json()
    assert [d["title"] for d in second] == ["通知3"]
    with_findings = client.get("/api/v1/archive/documents?with_findings=true", headers=h).json()
    assert with_findings and all(d["findings"] for d in with_findings)
    assert len(with_findings) < 8


def test_the_shipped_digest_covers_third_party_versions_and_pycorrector_data(monkeypatch):
    from review_service.archive import impact

    found = impact.third_party()
    assert {"jieba", "presidio-analyzer", "pycorrector"} <= set(found)
    assert {"pycorrector/data/same_pinyin.txt", "pycorrector/data/same_stroke.txt"} <= set(found)
    impact.shipped_digest.cache_clear()
    before = impact.shipped_digest()
    real_version = impact.metadata.version
    monkeypatch.setattr(impact.metadata, "version", lambda n: "99.0" if n == "jieba" else real_version(n))
    impact.shipped_digest.cache_clear()
    try:
        assert impact.shipped_digest() != before
    finally:
        monkeypatch.undo()
        impact.shipped_digest.cache_clear()


@pytest.mark.slow  # the CLI as processes
def test_cli_report_links_to_the_service_and_unknown_categories_are_truncated(env, tmp_path):
    client, people, settings = env
    run = recheck(client, people["rev3"])
    base = {**os.environ, "REVIEW_DATA_DIR": str(settings.data_dir)}
    cli = [sys.executable, "-m", "review_service.cli", "archive"]
    out = subprocess.run(
        [*cli, "report", str(run["id"]), "--out", str(tmp_path), "--base-url", "https://review.example.gov.cn"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    html = (tmp_path / f"recheck-{run['id']}.html").read_text("utf-8")
    assert "href='https://review.example.gov.cn/archive/documents/" in html
    default = subprocess.run(
        [*cli, "report", str(run["id"]), "--out", str(tmp_path)],
        env={**base, "REVIEW_PORT": "8123"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert default.returncode == 0, default.stderr
    assert "href='http://127.0.0.1:8123/archive/documents/" in (tmp_path / f"recheck-{run['id']}.html").read_text()
    r = client.post("/api/v1/archive/rechecks", json={"categories": ["x" * 500]}, headers=people["rev3"].headers)
    assert r.status_code == 422 and r.json()["code"] == "unknown_category"
    assert "x" * 41 not in r.json()["message"]["zh"] and "x" * 41 not in r.json()["message"]["en"]
