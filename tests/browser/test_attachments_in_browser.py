"""An editor attaches a spreadsheet in Chromium, masks it with one click; a proofreader sees and downloads it."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from review_service.config import Settings
from tests import attachment_factory as af
from tests.browser.test_review_in_browser import open_as
from tests.factories import resident_id
from tests.live_server import LiveServer
from tests.workflow_helpers import Person

ID = resident_id("44152119900101123")
ROWS = [["序号", "户主姓名", "身份证号", "救助金额"], [1, "王秀英", ID, 900], [2, "李建国", "——", 600]]
BODY = "经本人申请、村委会评议、镇政府审核，现将临时救助对象名单公示如下（见附件）。"


def test_attachment_upload_mask_and_review_in_the_browser(
    browser: Browser, site: tuple[LiveServer, dict[str, Person], Settings], screens, tmp_path: Path
) -> None:
    server, _, _ = site
    editor = open_as(browser, server, "editor")
    editor.goto(f"{server.url}/workspace")
    expect(editor.locator("#attachments-later")).to_be_visible()
    editor.fill("#title", "临时救助对象公示")
    editor.fill("#body", BODY)
    editor.click("#btn-save")
    expect(editor).to_have_url(re.compile(r"/drafts/\d+$"))
    draft_id = int(re.search(r"/drafts/(\d+)", editor.url).group(1))

    editor.goto(f"{server.url}/drafts/{draft_id}/edit")
    sheet = tmp_path / "救助名单.xlsx"
    sheet.write_bytes(af.xlsx({"名单": ROWS}))
    editor.set_input_files("#attachment-file", str(sheet))
    editor.click("#btn-upload-attachment")
    expect(editor.locator(".flash").first).to_contain_text("已上传附件“救助名单.xlsx”")
    item = editor.locator("#attachments .attachment").first
    expect(item.locator(".where").first).to_contain_text("工作表“名单”单元格")
    expect(item.locator(".finding.sev-block").first).to_be_visible()
    screens.take(editor, "attachments-edit")

    item.locator("button", has_text="一键脱敏").click()
    expect(editor.locator(".flash").first).to_contain_text("已一键脱敏")
    expect(editor.locator("#attachments .attachment .finding")).to_have_count(0)
    expect(editor.locator("#attachments .attachment")).to_contain_text("已脱敏副本")

    editor.goto(f"{server.url}/drafts/{draft_id}")
    editor.click("#btn-submit")
    expect(editor.locator("#draft-status")).to_have_text("审核中")
    expect(editor.locator("#attachment-upload")).to_have_count(0)

    proof = open_as(browser, server, "proof1")
    proof.goto(f"{server.url}/drafts/{draft_id}")
    link = proof.locator("#attachments a.attachment-download")
    expect(link).to_have_count(1)
    with proof.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row]
    assert "王秀英" not in cells and ID not in cells and any(c.startswith("王") for c in cells)  # the masked copy
    expect(proof.locator("#attachment-upload")).to_have_count(0)
