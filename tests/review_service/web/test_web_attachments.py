"""Draft attachments on the pages: the author uploads, removes and masks them; reviewers see each with its findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import AuditEntry, Draft, DraftAttachment
from tests import attachment_factory as af
from tests.factories import resident_id
from tests.web_helpers import login
from tests.workflow_helpers import Person, make_people

ID = resident_id("44152119900101123")
ROWS = [["序号", "户主姓名", "身份证号", "救助金额"], [1, "王秀英", ID, 900], [2, "李建国", "——", 600]]
BODY = "经本人申请、村委会评议、镇政府审核，现将临时救助对象名单公示如下（见附件）。"


class Site:
    def __init__(self, settings: Settings, people: dict[str, Person], stack: ExitStack) -> None:
        self.settings, self.people, self.stack = settings, people, stack
        self.app = create_app(settings)
        self.api = stack.enter_context(TestClient(self.app))

    def browser(self, username: str) -> tuple[TestClient, str]:
        client = self.stack.enter_context(TestClient(self.app))
        return client, login(client, username)

    def draft(self) -> int:
        created = self.api.post(
            "/api/v1/drafts", json={"title": "临时救助对象公示", "body": BODY}, headers=self.people["editor"].headers
        )
        assert created.status_code == 201, created.text
        return created.json()["id"]

    def submit(self, draft_id: int) -> None:
        r = self.api.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=self.people["editor"].headers)
        assert r.status_code == 200, r.text

    def stored(self, draft_id: int) -> list[DraftAttachment]:
        with unit_of_work(self.settings) as session:
            rows = session.scalars(select(DraftAttachment).where(DraftAttachment.draft_id == draft_id)).all()
            session.expunge_all()
            return list(rows)

    def version_count(self, draft_id: int) -> int:
        with unit_of_work(self.settings) as session:
            return len(session.get(Draft, draft_id).versions)


@pytest.fixture()
def site(tmp_path) -> Iterator[Site]:
    settings = Settings(data_dir=tmp_path)
    people = make_people(settings)
    with ExitStack() as stack:
        yield Site(settings, people, stack)


def upload(client: TestClient, token: str | None, draft_id: int, name: str, data: bytes, back: str = "edit"):
    fields = {"back": back} | ({"csrf_token": token} if token is not None else {})
    return client.post(
        f"/drafts/{draft_id}/attachments", data=fields, files={"file": (name, data, "application/octet-stream")}
    )


def flashes(html: str) -> list[str]:
    return [unescape(t).strip() for t in re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</div>', html, re.S)]


def attachment_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="attachment-(\d+)"', html)]


def test_author_uploads_a_spreadsheet_and_sees_its_findings_by_cell(site: Site) -> None:
    draft_id = site.draft()
    client, token = site.browser("editor")
    page = client.get(f"/drafts/{draft_id}/edit")
    assert 'id="attachment-upload"' in page.text and "本稿没有附件" in page.text
    before = site.version_count(draft_id)

    shown = upload(client, token, draft_id, "救助名单.xlsx", af.xlsx({"名单": ROWS}))
    assert shown.status_code == 200 and shown.url.path == f"/drafts/{draft_id}/edit"
    assert any("已上传附件“救助名单.xlsx”" in f and "有阻断问题" in f for f in flashes(shown.text)), flashes(shown.text)
    stored = site.stored(draft_id)
    assert [a.name for a in stored] == ["救助名单.xlsx"] and stored[0].verdict == "block"
    assert site.version_count(draft_id) == before + 1  # the attachment set is part of the content
    assert attachment_ids(shown.text) == [stored[0].id]
    assert "工作表“名单”单元格 C2" in shown.text and "工作表“名单”单元格 B2" in shown.text
    assert 'data-category="pii.id_card"' in shown.text
    assert (
        f'id="mask-attachment-{stored[0].id}"' in shown.text and f'id="remove-attachment-{stored[0].id}"' in shown.text
    )


def test_mask_replaces_the_spreadsheet_and_remove_deletes_it(site: Site) -> None:
    draft_id = site.draft()
    client, token = site.browser("editor")
    upload(client, token, draft_id, "救助名单.xlsx", af.xlsx({"名单": ROWS}))
    original = site.stored(draft_id)[0]

    masked = client.post(
        f"/drafts/{draft_id}/attachments/{original.id}/mask", data={"csrf_token": token, "back": "edit"}
    )
    assert masked.status_code == 200 and any("已一键脱敏" in f for f in flashes(masked.text))
    (copy,) = site.stored(draft_id)
    assert copy.masked_from == original.sha256 and copy.sha256 != original.sha256
    assert ID.encode() not in copy.data and copy.verdict == "pass"
    assert "已脱敏副本" in masked.text and "工作表“名单”单元格 C2" not in masked.text

    removed = client.post(
        f"/drafts/{draft_id}/attachments/{copy.id}/remove", data={"csrf_token": token, "back": "edit"}
    )
    assert removed.status_code == 200 and any(f"已删除附件“{copy.name}”" in f for f in flashes(removed.text))
    assert site.stored(draft_id) == [] and "本稿没有附件" in removed.text
    with unit_of_work(site.settings) as session:
        kinds = [e.kind for e in session.scalars(select(AuditEntry).where(AuditEntry.draft_id == draft_id))]
    assert [k for k in kinds if k.startswith("attachment_")] == [
        "attachment_add",
        "attachment_mask",
        "attachment_remove",
    ]


def test_pdf_cannot_be_masked_here_and_says_so_in_chinese(site: Site) -> None:
    draft_id = site.draft()
    client, token = site.browser("editor")
    page = upload(client, token, draft_id, "名单.pdf", af.text_pdf([["申请人王秀英", f"身份证号 {ID}"]]))
    (pdf,) = site.stored(draft_id)
    assert pdf.kind == "pdf" and pdf.verdict == "block"
    assert "第1页第2行" in page.text and f'id="mask-attachment-{pdf.id}"' not in page.text
    assert "请在源文件中删除或替换个人信息后重新上传" in page.text
    forged = client.post(f"/drafts/{draft_id}/attachments/{pdf.id}/mask", data={"csrf_token": token, "back": "edit"})
    assert forged.status_code == 200
    assert any("错误代码 mask_unsupported" in f and "源文件" in f for f in flashes(forged.text)), flashes(forged.text)
    assert site.stored(draft_id)[0].sha256 == pdf.sha256  # unchanged


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("空.xlsx", b"", "file_empty"),
        ("坏.pdf", b"%PDF-1.7\n" + b"\xff" * 300, "file_invalid"),
    ],
)
def test_a_bad_file_gets_a_chinese_error_with_its_code_and_nothing_is_stored(site: Site, name, data, code) -> None:
    draft_id = site.draft()
    client, token = site.browser("editor")
    before = site.version_count(draft_id)
    page = upload(client, token, draft_id, name, data)
    assert page.status_code == 200, page.text[:300]
    errors = [f for f in flashes(page.text) if "操作未执行" in f]
    assert errors and f"错误代码 {code}" in errors[0], flashes(page.text)
    assert site.stored(draft_id) == [] and site.version_count(draft_id) == before


def test_a_file_over_the_limit_is_refused_with_file_too_large(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, attachment_max_bytes=4000)
    people = make_people(settings)
    with ExitStack() as stack:
        site = Site(settings, people, stack)
        draft_id = site.draft()
        client, token = site.browser("editor")
        rows = [["姓名", "备注"]] + [["王秀英", "x" * 50]] * 200
        page = upload(client, token, draft_id, "大表.csv", af.csv_bytes(rows))
        assert any("错误代码 file_too_large" in f for f in flashes(page.text)), flashes(page.text)
        assert site.stored(draft_id) == []


def test_no_file_chosen_is_a_chinese_error(site: Site) -> None:
    draft_id = site.draft()
    client, token = site.browser("editor")
    page = client.post(f"/drafts/{draft_id}/attachments", data={"csrf_token": token, "back": "edit"})
    assert page.status_code == 200 and "请选择要上传的附件文件" in flashes(page.text)
    assert site.stored(draft_id) == []


def test_a_forged_post_without_csrf_token_changes_nothing(site: Site) -> None:
    draft_id = site.draft()
    client, token = site.browser("editor")
    upload(client, token, draft_id, "名单.csv", af.csv_bytes(ROWS))
    (kept,) = site.stored(draft_id)
    for response in (
        upload(client, None, draft_id, "另一个.csv", af.csv_bytes(ROWS)),
        upload(client, "wrong-token", draft_id, "另一个.csv", af.csv_bytes(ROWS)),
        client.post(f"/drafts/{draft_id}/attachments/{kept.id}/remove", data={"back": "edit"}),
        client.post(f"/drafts/{draft_id}/attachments/{kept.id}/mask", data={"csrf_token": "x"}),
    ):
        assert response.status_code == 403 and "CSRF" in response.text
    assert [(a.id, a.sha256) for a in site.stored(draft_id)] == [(kept.id, kept.sha256)]


def test_reviewer_sees_each_attachment_with_findings_and_downloads_it_but_cannot_change_it(site: Site) -> None:
    draft_id = site.draft()
    editor, token = site.browser("editor")
    data = af.xlsx({"名单": ROWS})
    upload(editor, token, draft_id, "救助名单.xlsx", data)
    (attachment,) = site.stored(draft_id)
    site.submit(draft_id)

    reviewer, rtoken = site.browser("proof1")
    page = reviewer.get(f"/drafts/{draft_id}")
    assert page.status_code == 200 and attachment_ids(page.text) == [attachment.id]
    assert "工作表“名单”单元格 C2" in page.text and 'class="sev sev-block"' in page.text
    assert 'id="attachment-upload"' not in page.text and "remove-attachment" not in page.text
    link = f"/drafts/{draft_id}/attachments/{attachment.id}/content"
    assert f'href="{link}"' in page.text
    download = reviewer.get(link)
    assert download.status_code == 200 and download.content == data
    assert download.headers["content-type"] == "application/octet-stream"
    assert "filename*=UTF-8''" in download.headers["content-disposition"]

    forged = upload(reviewer, rtoken, draft_id, "另一个.csv", af.csv_bytes(ROWS), back="view")
    assert forged.url.path == f"/drafts/{draft_id}"
    assert any("错误代码 not_author" in f for f in flashes(forged.text)), flashes(forged.text)
    removed = reviewer.post(f"/drafts/{draft_id}/attachments/{attachment.id}/remove", data={"csrf_token": rtoken})
    assert any("错误代码 not_author" in f for f in flashes(removed.text))
    assert [a.id for a in site.stored(draft_id)] == [attachment.id]

    # The author, too, cannot change the set once it is submitted.
    locked = upload(editor, token, draft_id, "另一个.csv", af.csv_bytes(ROWS))
    assert any("错误代码 attachments_locked" in f for f in flashes(locked.text)), flashes(locked.text)
    assert 'id="attachment-upload"' not in editor.get(f"/drafts/{draft_id}").text
    assert len(site.stored(draft_id)) == 1


def test_odd_ids_and_other_departments_never_give_a_500(site: Site) -> None:
    draft_id, other_id = site.draft(), site.draft()
    client, token = site.browser("editor")
    upload(client, token, other_id, "名单.csv", af.csv_bytes(ROWS))
    (foreign,) = site.stored(other_id)
    for path in (
        f"/drafts/{draft_id}/attachments/{foreign.id}/content",  # belongs to another draft
        f"/drafts/{draft_id}/attachments/99999999999/content",
        f"/drafts/{draft_id}/attachments/0/content",
    ):
        page = client.get(path)
        assert page.status_code == 200 and any("错误代码 attachment_not_found" in f for f in flashes(page.text))
    assert client.get(f"/drafts/{draft_id}/attachments/abc/content").status_code == 422
    gone = client.post(f"/drafts/{draft_id}/attachments/{foreign.id}/remove", data={"csrf_token": token})
    assert any("错误代码 attachment_not_found" in f for f in flashes(gone.text))
    assert len(site.stored(other_id)) == 1
    outsider, otoken = site.browser("outsider")
    assert outsider.get(f"/drafts/{other_id}/attachments/{foreign.id}/content").status_code == 404
    assert upload(outsider, otoken, other_id, "x.csv", af.csv_bytes(ROWS)).status_code == 404
    assert client.get("/drafts/99999999999/attachments/1/content").status_code in (404, 422)
