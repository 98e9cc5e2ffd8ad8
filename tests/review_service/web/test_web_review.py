"""Reviewers over HTTP: queue and filters, decisions, waivers with reasons, comments, visibility, dashboard."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from review_service import dashboard
from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from tests.web_helpers import csrf_of, login
from tests.workflow_helpers import Person, make_people

PHONE_TEXT = "请联系经办人，电话13912345678，办理相关手续。"
CLEAN = "区政府召开常务会议，研究部署安全生产工作。"


@pytest.fixture()
def site(tmp_path) -> Iterator[tuple[Settings, dict[str, Person]]]:
    settings = Settings(data_dir=tmp_path)
    yield settings, make_people(settings)


def client_for(settings: Settings, username: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(settings))
    client.__enter__()
    return client, login(client, username)


def api_draft(settings: Settings, people: dict[str, Person], body: str, **extra: object) -> int:
    with TestClient(create_app(settings)) as api:
        created = api.post(
            "/api/v1/drafts", json={"title": "通知", "body": body, **extra}, headers=people["editor"].headers
        )
        assert created.status_code == 201, created.text
        draft_id = created.json()["id"]
        assert (
            api.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers).status_code == 200
        )
        return draft_id


def api_act(settings: Settings, people: dict[str, Person], draft_id: int, who: str, action: str) -> None:
    with TestClient(create_app(settings)) as api:
        r = api.post(f"/api/v1/drafts/{draft_id}/actions", json={"action": action}, headers=people[who].headers)
        assert r.status_code == 200, r.text


def test_queue_lists_what_waits_for_me_with_counts_and_filters(site) -> None:
    settings, people = site
    urgent = api_draft(settings, people, PHONE_TEXT, due_date="2020-01-01", priority=5)
    calm = api_draft(settings, people, CLEAN, channel="new_media")
    client, _ = client_for(settings, "proof1")
    page = client.get("/queue")
    assert f'data-draft="{urgent}"' in page.text and f'data-draft="{calm}"' in page.text
    assert re.search(r'id="pending-count">2<', page.text)
    row = page.text.split(f'data-draft="{urgent}"')[1].split("</tr>")[0]
    assert "已超期" in row and 'class="blocking">1<' in row
    only_new_media = client.get("/queue?channel=new_media").text
    assert f'data-draft="{calm}"' in only_new_media and f'data-draft="{urgent}"' not in only_new_media
    overdue = client.get("/queue?overdue=1").text
    assert f'data-draft="{urgent}"' in overdue and f'data-draft="{calm}"' not in overdue
    assert 'id="pending-count">0<' in client_for(settings, "rev1")[0].get("/queue").text


def test_a_decision_moves_the_draft_and_a_return_needs_a_comment(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, CLEAN)
    client, token = client_for(settings, "proof1")
    page = client.get(f"/drafts/{draft_id}")
    assert 'id="btn-pass"' in page.text and 'id="btn-return"' in page.text
    refused = client.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "return"})
    assert "意见" in refused.text and 'id="draft-status">审核中<' in refused.text
    passed = client.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "pass"})
    assert 'id="draft-stage">二校<' in passed.text
    unknown = client.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "publish"})
    assert "未知的操作" in unknown.text


def test_waiving_a_block_needs_a_reason_and_only_the_allowed_stage_sees_it(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, PHONE_TEXT)
    proof, _ = client_for(settings, "proof1")
    assert "豁免此问题" not in proof.get(f"/drafts/{draft_id}").text
    for who, action in (("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve")):
        api_act(settings, people, draft_id, who, action)
    reviewer, token = client_for(settings, "rev2")
    page = reviewer.get(f"/drafts/{draft_id}")
    assert "豁免此问题" in page.text
    key = re.search(r'name="finding_key" value="([^"]+)"', page.text).group(1)
    empty = reviewer.post(f"/drafts/{draft_id}/waive", data={"csrf_token": token, "finding_key": key, "reason": " "})
    assert "豁免须填写理由" in empty.text and 'id="blocking-count">1<' in empty.text
    done = reviewer.post(
        f"/drafts/{draft_id}/waive",
        data={"csrf_token": token, "finding_key": key, "reason": "该号码为单位公开办事电话"},
    )
    assert "已豁免：该号码为单位公开办事电话" in done.text and 'id="blocking-count">0<' in done.text


def test_comments_and_history_are_shown_escaped(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, CLEAN)
    client, token = client_for(settings, "proof2")
    client.post(f"/drafts/{draft_id}/comment", data={"csrf_token": token, "body": "<b>请核对</b>日期"})
    page = client.get(f"/drafts/{draft_id}")
    assert "&lt;b&gt;请核对&lt;/b&gt;日期" in page.text and "<b>请核对</b>" not in page.text
    assert "提交审核" in page.text.split('id="history"')[1]
    empty = client.post(f"/drafts/{draft_id}/comment", data={"csrf_token": token, "body": ""})
    assert "意见不能为空" in empty.text


def test_other_departments_and_unknown_ids_are_not_found(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, CLEAN)
    outsider, _ = client_for(settings, "outsider")
    assert outsider.get(f"/drafts/{draft_id}").status_code == 404
    assert outsider.get("/drafts/99999999999").status_code == 404
    assert f'data-draft="{draft_id}"' not in outsider.get("/drafts").text


def test_html_drafts_are_previewed_sanitized(site) -> None:
    settings, people = site
    body = '<p>正文<a href="https://www.gov.cn/">链接</a><img src="/a.png" alt="图"></p>'
    draft_id = api_draft(settings, people, body, format="html")
    client, _ = client_for(settings, "proof1")
    page = client.get(f"/drafts/{draft_id}").text
    preview = page.split('id="html-preview">')[1].split("</div>")[0]
    assert '<a href="https://www.gov.cn/" rel="noopener noreferrer nofollow">链接</a>' in preview


def test_the_sanitizer_drops_every_active_part() -> None:
    from review_service.web.sanitize import sanitize_html

    clean = sanitize_html(
        '<p onclick="x()">a<script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">b</a><iframe src="//e"></iframe><style>*{}</style></p>'
    )
    for bad in ("onclick", "<script", "onerror", "javascript:", "<iframe", "<style"):
        assert bad not in clean
    assert "a" in clean and "b" in clean


def test_dashboard_counts_chart_and_ledger(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, PHONE_TEXT)
    api_act(settings, people, draft_id, "proof1", "pass")
    final, _ = client_for(settings, "rev3")
    page = final.get("/dashboard").text
    assert "<svg" in page and "个人信息" in page
    per_stage = page.split('id="per-stage"')[1].split("</table>")[0]
    assert "二校</td><td>1<" in per_stage
    assert "一校" in page.split('id="stage-times"')[1].split("</table>")[0]
    today = dt.date.today()
    span = f"from={today - dt.timedelta(days=30)}&to={today + dt.timedelta(days=1)}"
    csv = final.get(f"/dashboard/ledger.csv?{span}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv") and "新建稿件,1" in csv.text
    bad = final.get("/dashboard/ledger.csv?from=2024-05-01&to=2024-01-01")
    assert "日期区间无效" in bad.text
    editor, _ = client_for(settings, "editor")
    assert editor.get(f"/dashboard/ledger.csv?{span}").status_code == 403
    assert "导出审核台账" not in editor.get("/dashboard").text


def test_time_per_stage_comes_from_the_audit_log(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, CLEAN)
    api_act(settings, people, draft_id, "proof1", "pass")
    with unit_of_work(settings) as session:
        times = {t.label: t for t in dashboard.time_per_stage(session)}
        weeks = dashboard.findings_per_week(session)
    assert times["一校"].count == 1 and 0 <= times["一校"].average_hours < 1
    assert "二校" not in times  # still waiting there: not a finished stay
    assert len(weeks) == 8 and weeks[-1][0] <= dt.date.today()


def test_csrf_token_is_per_session(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, CLEAN)
    first, _ = client_for(settings, "proof1")
    second, _ = client_for(settings, "proof2")
    stolen = csrf_of(second.get("/queue").text)
    refused = first.post(f"/drafts/{draft_id}/act", data={"csrf_token": stolen, "action": "pass"})
    assert refused.status_code == 403
    assert 'id="draft-stage">一校<' in first.get(f"/drafts/{draft_id}").text


def test_a_proofreader_edits_in_the_workspace_then_passes(site) -> None:
    settings, people = site
    draft_id = api_draft(settings, people, "请各单位于本周五前报送材料，逾期不侯。")
    client, token = client_for(settings, "proof1")
    page = client.get(f"/drafts/{draft_id}")
    assert 'id="btn-edit"' in page.text
    form = client.get(f"/drafts/{draft_id}/edit").text
    assert "保存校对修改" in form and "btn-submit" not in form
    revision = re.search(r'name="expected_revision" value="(\d+)"', form).group(1)
    saved = client.post(
        "/workspace",
        data={"csrf_token": token, "op": "save", "title": "通知", "body": "请各单位于本周五前报送材料，逾期不候。",
              "draft_id": str(draft_id), "expected_revision": revision},
    )  # fmt: skip
    assert "已保存校对修改（第 2 版）" in saved.text
    assert "逾期不<del>侯</del><ins>候</ins>。" in saved.text
    assert 'id="draft-stage">一校<' in saved.text and 'id="btn-pass"' in saved.text
    stale = client.post(
        "/workspace",
        data={"csrf_token": token, "op": "save", "title": "通知", "body": "另一种改法。",
              "draft_id": str(draft_id), "expected_revision": revision},
    )  # fmt: skip
    assert stale.status_code == 409 and "操作未执行" in stale.text


def test_a_failed_check_is_rerun_from_the_draft_page(site) -> None:
    from sqlalchemy import select

    from review_service.models import CheckRun

    settings, people = site
    draft_id = api_draft(settings, people, PHONE_TEXT)
    with unit_of_work(settings) as session:
        run = session.scalars(select(CheckRun)).one()
        run.state, run.findings, run.verdict = "failed", [], None
    client, token = client_for(settings, "proof1")
    page = client.get(f"/drafts/{draft_id}").text
    assert 'id="btn-recheck"' in page and 'id="btn-pass"' not in page
    rev3, rev3_token = client_for(settings, "rev3")
    refused = rev3.post(f"/drafts/{draft_id}/recheck", data={"csrf_token": rev3_token})
    assert "操作未执行" in refused.text
    done = client.post(f"/drafts/{draft_id}/recheck", data={"csrf_token": token})
    assert "已重新提交自动审校" in done.text and 'data-category="pii.phone"' in done.text
    assert 'id="btn-pass"' in done.text and 'id="btn-recheck"' not in done.text
