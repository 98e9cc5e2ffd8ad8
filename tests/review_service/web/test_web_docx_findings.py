"""What an uploaded .docx hid (revisions, comments) stays with the saved version: every stage sees it,
the version's verdict counts it, and a forged form field cannot add or alter such findings."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from tests.docx_factory import deletion, make_docx, para, run
from tests.web_helpers import csrf_of, login
from tests.workflow_helpers import Person, make_people

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture()
def site(tmp_path) -> Iterator[tuple[Settings, dict[str, Person]]]:
    settings = Settings(data_dir=tmp_path)
    yield settings, make_people(settings)


def _upload(client: TestClient, token: str) -> str:
    data = make_docx(
        [
            para(run("关于召开防汛工作会议的通知")),
            para(run("各镇人民政府："), deletion("内部意见：此事暂缓对外")),
            para(run("定于近日召开防汛工作会议，请准时参加。")),
        ]
    )
    page = client.post("/workspace/docx", data={"csrf_token": token}, files={"file": ("n.docx", data, DOCX_TYPE)})
    assert page.status_code == 200, page.text[:300]
    return page.text


def _form(page: str) -> dict[str, str]:
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
    }
    fields["title"] = html.unescape(re.search(r'name="title" value="([^"]*)"', page).group(1))
    fields["body"] = html.unescape(re.search(r'<textarea name="body"[^>]*>([^<]*)</textarea>', page).group(1))
    fields.update(channel="website", doc_type="notice")
    return fields


def _saved_findings(settings: Settings, people: dict[str, Person], draft_id: int, who: str = "rev1") -> list[dict]:
    with TestClient(create_app(settings)) as api:
        versions = api.get(f"/api/v1/drafts/{draft_id}/versions", headers=people["editor"].headers).json()
        latest = versions[-1]["number"] if isinstance(versions, list) else versions["items"][-1]["number"]
        return api.get(f"/api/v1/drafts/{draft_id}/versions/{latest}", headers=people[who].headers).json()["findings"]


def test_hidden_revisions_are_stored_with_the_version_and_seen_at_every_stage(site) -> None:
    settings, people = site
    with TestClient(create_app(settings)) as editor:
        token = login(editor, "editor")
        form = _form(_upload(editor, token))
        assert form.get("file_findings")
        saved = editor.post("/workspace", data={**form, "csrf_token": token, "op": "save_submit"})
        assert saved.status_code == 200 and "已提交审核" in saved.text
        draft_id = int(re.search(r"/drafts/(\d+)", str(saved.url)).group(1))
    findings = _saved_findings(settings, people, draft_id)
    hidden = [f for f in findings if f["category"] == "secret.docx_revisions"]
    assert len(hidden) == 1 and hidden[0]["field"] == "docx"
    with TestClient(create_app(settings)) as proofreader:
        login(proofreader, "proof1")
        page = proofreader.get(f"/drafts/{draft_id}").text
        assert 'data-category="secret.docx_revisions"' in page
        edit = proofreader.get(f"/drafts/{draft_id}/edit").text
        token = csrf_of(edit)
        form = {**_form(edit), "body": _form(edit)["body"] + "\n请各单位做好准备。"}
        done = proofreader.post("/workspace", data={**form, "csrf_token": token, "op": "save"})
        assert "已保存校对修改" in done.text
    second = _saved_findings(settings, people, draft_id)
    assert [f["category"] for f in second].count("secret.docx_revisions") == 1  # kept by the next version


def test_a_forged_or_altered_field_adds_nothing(site) -> None:
    settings, people = site
    with TestClient(create_app(settings)) as editor:
        token = login(editor, "editor")
        form = _form(_upload(editor, token))
        body, tag = form["file_findings"].split(".")
        tampered = {**form, "file_findings": body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + tag}
        saved = editor.post("/workspace", data={**tampered, "csrf_token": token, "op": "save"})
        assert saved.status_code == 200
        draft_id = int(re.search(r"/drafts/(\d+)", str(saved.url)).group(1))
        forged = {**form, "file_findings": "eyJ9.AAAA"}
        again = editor.post("/workspace", data={**forged, "csrf_token": token, "op": "save"})
        other_id = int(re.search(r"/drafts/(\d+)", str(again.url)).group(1))
    for draft in (draft_id, other_id):
        assert not [f for f in _saved_findings(settings, people, draft, "editor") if f["field"] == "docx"]


def test_a_sealed_field_cannot_be_replayed_onto_another_draft(site) -> None:
    settings, people = site
    with TestClient(create_app(settings)) as editor:
        token = login(editor, "editor")
        uploaded = _form(_upload(editor, token))
        saved = editor.post("/workspace", data={**uploaded, "csrf_token": token, "op": "save"})
        source_id = int(re.search(r"/drafts/(\d+)", str(saved.url)).group(1))
        plain = {**uploaded, "file_findings": "", "title": "关于开展安全检查的通知", "body": "请各单位开展安全检查。"}
        other = editor.post("/workspace", data={**plain, "csrf_token": token, "op": "save"})
        target_id = int(re.search(r"/drafts/(\d+)", str(other.url)).group(1))
        sealed_for_source = _form(editor.get(f"/drafts/{source_id}/edit").text)["file_findings"]
        assert sealed_for_source  # the source draft's own form carries its hidden findings
        target_form = _form(editor.get(f"/drafts/{target_id}/edit").text)
        for replayed in (sealed_for_source, uploaded["file_findings"]):  # another draft's, a new upload's
            body = target_form["body"] + "\n请按时报送。"
            form = {**target_form, "body": body, "file_findings": replayed}
            done = editor.post("/workspace", data={**form, "csrf_token": token, "op": "save"})
            assert done.status_code == 200 and "已保存第" in done.text
            target_form = _form(editor.get(f"/drafts/{target_id}/edit").text)
    assert not [f for f in _saved_findings(settings, people, target_id, "editor") if f["field"] == "docx"]
    assert [f["field"] for f in _saved_findings(settings, people, source_id, "editor")].count("docx") == 1
