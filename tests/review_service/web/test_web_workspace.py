"""The editor workspace over HTTP: check, one-click fixes, masking, saving, submitting, uploads, bad input."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import Draft, DraftVersion
from tests.docx_factory import deletion, make_docx, para, run
from tests.factories import resident_id
from tests.web_helpers import login
from tests.workflow_helpers import make_people

ID_NUMBER = resident_id("44152219800101001")
TEXT = f"经核实，投诉人王建国（身份证号{ID_NUMBER}，手机13912345678）反映的问题属实。依据陆府办函[2024]121号文件处理。"
CLEAN = "区政府召开常务会议，研究部署安全生产工作，要求各部门压实责任、狠抓落实。"


@pytest.fixture()
def editor(tmp_path) -> Iterator[tuple[TestClient, str, Settings]]:
    settings = Settings(data_dir=tmp_path)
    make_people(settings)
    with TestClient(create_app(settings)) as client:
        token = login(client, "editor")
        yield client, token, settings


def categories(html: str) -> list[str]:
    return re.findall(r'class="finding sev-\w+" data-category="([\w.]+)"', html)


def body_of(html: str) -> str:
    match = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', html, re.S)
    assert match
    return match.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#34;", '"')


def post(client: TestClient, token: str, op: str, **fields: str):
    return client.post("/workspace", data={"csrf_token": token, "op": op, "title": "投诉答复", **fields})


def draft_count(settings: Settings) -> int:
    with unit_of_work(settings) as session:
        return session.scalar(select(func.count()).select_from(Draft)) or 0


def test_check_marks_findings_by_severity_in_the_text(editor) -> None:
    client, token, _ = editor
    page = post(client, token, "check", body=TEXT)
    assert page.status_code == 200
    assert {"pii.id_card", "pii.phone", "format.doc_number"} <= set(categories(page.text))
    assert re.search(r'class="mark sev-block"[^>]*>13912345678<sup>', page.text)
    assert "有阻断问题" in page.text


def test_clean_prose_shows_no_findings(editor) -> None:
    client, token, _ = editor
    page = post(client, token, "check", body=CLEAN)
    assert categories(page.text) == [] and "未发现问题" in page.text and "btn-mask" not in page.text


def test_apply_one_suggestion_changes_only_that_span(editor) -> None:
    client, token, _ = editor
    page = post(client, token, "check", body=TEXT)
    key = re.search(r'value="(apply:body:format\.doc_number:[^"]+)"', page.text).group(1)
    fixed = post(client, token, key, body=TEXT)
    body = body_of(fixed.text)
    assert "陆府办函〔2024〕121号" in body and "13912345678" in body
    assert "format.doc_number" not in categories(fixed.text)
    assert "已采纳 1 处建议" in fixed.text


def test_a_stale_suggestion_changes_nothing(editor) -> None:
    client, token, _ = editor
    page = post(client, token, "apply:body:typo:0:2:gone", body=CLEAN)
    assert body_of(page.text) == CLEAN and "该问题已不存在" in page.text


def test_apply_all_of_one_kind_and_mask_all_personal_data(editor) -> None:
    client, token, _ = editor
    masked = post(client, token, "mask", body=TEXT)
    body = body_of(masked.text)
    assert ID_NUMBER not in body and "13912345678" not in body and "王建国" not in body
    assert not [c for c in categories(masked.text) if c.startswith("pii.")]
    assert "陆府办函[2024]121号" in body  # masking touches personal data only
    fixed = post(client, token, "apply_kind:format.doc_number", body=body, doc_number="陆府办函[2024]121号")
    assert "陆府办函〔2024〕121号" in body_of(fixed.text)
    assert 'name="doc_number" value="陆府办函〔2024〕121号"' in fixed.text


def test_save_and_submit_creates_a_checked_draft_in_review(editor) -> None:
    client, token, settings = editor
    response = post(client, token, "save_submit", body=CLEAN, doc_number="陆府办函〔2024〕121号", priority="2")
    assert response.status_code == 200 and "已提交审核" in response.text
    with unit_of_work(settings) as session:
        draft = session.scalars(select(Draft)).one()
        assert (draft.status, draft.stage, draft.priority) == ("in_review", "proof1", 2)
        version = session.scalars(select(DraftVersion)).one()
        assert version.meta == {"doc_number": "陆府办函〔2024〕121号"} and version.check_run.verdict == "pass"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "   "}, "正文为空"),
        ({"body": CLEAN, "title": ""}, "标题为空"),
        ({"body": CLEAN, "written_date": "2024-13-01"}, "成文日期须为"),
        ({"body": CLEAN, "channel": "weibo"}, "发布渠道无效"),
        ({"body": '<p onclick="x()">正文</p>', "body_format": "html"}, "活动内容"),
        ({"body": CLEAN, "priority": "high"}, "优先级"),
        ({"body": CLEAN, "countersign": "不存在的部门"}, "会签部门"),
    ],
)
def test_bad_input_is_explained_and_saves_nothing(editor, fields: dict[str, str], message: str) -> None:
    client, token, settings = editor
    response = client.post("/workspace", data={"csrf_token": token, "op": "save", "title": "标题", **fields})
    assert response.status_code in (409, 422) and message in response.text
    assert draft_count(settings) == 0


def test_too_long_text_is_refused(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, max_text_chars=50)
    make_people(settings)
    with TestClient(create_app(settings)) as client:
        token = login(client, "editor")
        response = post(client, token, "check", body="字" * 51)
        assert response.status_code == 422 and "上限" in response.text


def test_docx_upload_fills_the_workspace_and_reports_hidden_revisions(editor) -> None:
    client, token, _ = editor
    data = make_docx([para(run("关于开展安全生产检查的通知"), deletion("删除的内部意见"))], title="安全生产检查")
    response = client.post(
        "/workspace/docx",
        data={"csrf_token": token},
        files={
            "file": ("notice.docx", data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        },
    )
    assert response.status_code == 200
    assert "关于开展安全生产检查的通知" in body_of(response.text)
    assert 'data-category="secret.docx_revisions"' in response.text


def test_a_broken_docx_is_a_clear_error(editor) -> None:
    client, token, _ = editor
    response = client.post(
        "/workspace/docx",
        data={"csrf_token": token},
        files={"file": ("x.docx", b"not a zip", "application/octet-stream")},
    )
    assert response.status_code == 422 and "docx" in response.text.lower()


def test_an_author_saves_a_new_version_of_a_returned_draft(editor) -> None:
    client, token, settings = editor
    post(client, token, "save", body=CLEAN)
    with unit_of_work(settings) as session:
        draft = session.scalars(select(Draft)).one()
        draft_id, revision = draft.id, draft.revision
    page = client.get(f"/drafts/{draft_id}/edit")
    assert page.status_code == 200 and CLEAN in page.text
    response = client.post(
        "/workspace",
        data={"csrf_token": token, "op": "save", "title": "投诉答复", "body": CLEAN + "特此通知。",
              "draft_id": str(draft_id), "expected_revision": str(revision)},
    )  # fmt: skip
    assert "已保存第 2 版" in response.text
    diff = client.get(f"/drafts/{draft_id}")
    assert '<div class="diff-change">' in diff.text and "<ins>特此通知。</ins>" in diff.text


def test_reading_a_docx_from_the_workspace_form_keeps_typed_metadata(editor) -> None:
    client, token, _ = editor
    data = make_docx([para(run("关于开展安全生产检查的通知"))], title="安全生产检查")
    response = client.post(
        "/workspace",
        data={"csrf_token": token, "op": "upload_docx", "doc_number": "陆府办函〔2024〕121号", "channel": "new_media"},
        files={"file": ("notice.docx", data, "application/octet-stream")},
    )
    assert response.status_code == 200 and "关于开展安全生产检查的通知" in body_of(response.text)
    assert 'name="doc_number" value="陆府办函〔2024〕121号"' in response.text
    assert '<option value="new_media" selected>' in response.text
    missing = client.post("/workspace", data={"csrf_token": token, "op": "upload_docx"})
    assert missing.status_code == 422 and "请选择要上传的 .docx 文件" in missing.text
