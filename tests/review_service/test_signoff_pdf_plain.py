"""The 审签单 PDF without Chromium (the container image): reportlab draws the same sheet, read back here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service import signoff_pdf, signoff_pdf_plain
from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import AuditEntry, Draft
from review_service.reports import render_signoff_html, signoff_sheet
from tests.web_helpers import login
from tests.workflow_helpers import Person, make_people

STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]
STAGES = ("一校", "二校", "三校", "初审", "复审", "终审")
BODY = "会议要求，各单位要高度重视，认真落实，确保安全。"
PHONE = "联系电话13912345678。"


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.fixture()
def no_chromium(monkeypatch) -> None:
    monkeypatch.setattr(signoff_pdf, "CHROMIUM_NAMES", ("no-such-browser-here",))


def approve(settings: Settings, people: dict[str, Person], title: str, *, waive: bool) -> int:
    with TestClient(create_app(settings)) as api:
        r = api.post(
            "/api/v1/drafts",
            json={"title": title, "body": BODY + (PHONE if waive else "")},
            headers=people["editor"].headers,
        )
        assert r.status_code == 201, r.text
        draft_id = r.json()["id"]
        assert api.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers).is_success
        for who, action in STEPS:
            r = api.post(f"/api/v1/drafts/{draft_id}/actions", json={"action": action}, headers=people[who].headers)
            assert r.status_code == 200, r.text
        if waive:
            version = api.get(f"/api/v1/drafts/{draft_id}/versions/1", headers=people["rev3"].headers).json()
            key = next(f["key"] for f in version["findings"] if f["category"] == "pii.phone")
            r = api.post(
                f"/api/v1/drafts/{draft_id}/waivers",
                json={"finding_key": key, "reason": "值班电话，经批准公开"},
                headers=people["rev3"].headers,
            )
            assert r.status_code == 200, r.text
        r = api.post(
            f"/api/v1/drafts/{draft_id}/actions",
            json={"action": "approve", "comment": "同意发布"},
            headers=people["rev3"].headers,
        )
        assert r.status_code == 200, r.text
    return draft_id


@pytest.fixture()
def site(tmp_path) -> Iterator[tuple[Settings, dict[str, Person]]]:
    settings = Settings(data_dir=tmp_path, org_name="某某县人民政府办公室")
    yield settings, make_people(settings)


def download(settings: Settings, draft_id: int):  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings)) as client:
        login(client, "editor")
        return client.get(f"/drafts/{draft_id}/signoff.pdf")


def test_without_chromium_the_pdf_is_drawn_with_the_whole_sheet(site, no_chromium) -> None:
    settings, people = site
    draft_id = approve(settings, people, "关于做好防汛工作的通知", waive=True)
    r = download(settings, draft_id)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text[:300]
    assert r.content.startswith(b"%PDF-") and b"STSong-Light" in r.content  # reportlab's CID font, not Chromium
    text = pdf_text(r.content)
    flat = compact(text)
    assert "某某县人民政府办公室" in flat and "稿件审签单" in flat and "关于做好防汛工作的通知" in flat
    assert "政府网站" in flat and "已通过" in flat and "同意发布" in flat
    stages = flat.split("审核签署", 1)[1].split("问题豁免", 1)[0]
    for label, signer in zip(STAGES, ("proof1", "proof2", "proof3", "rev1", "rev2", "rev3"), strict=True):
        assert label in stages and signer in stages
        assert stages.index(label) < stages.index(signer)
    waivers = flat.split("问题豁免", 1)[1].split("流转记录", 1)[0]
    assert "电话号码" in waivers and "13912345678" in waivers and "值班电话，经批准公开" in waivers
    with unit_of_work(settings) as session:
        at = session.scalar(select(AuditEntry.at).where(AuditEntry.kind == "workflow_approved"))
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    assert at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in text
    assert "打印" not in flat and "下载" not in flat  # the on-screen toolbar is not on paper


def test_no_waiver_says_so_and_both_renderers_failing_is_pdf_unavailable(site, no_chromium, monkeypatch) -> None:
    settings, people = site
    draft_id = approve(settings, people, "关于开展安全检查的通知", waive=False)
    r = download(settings, draft_id)
    assert r.status_code == 200 and "无问题豁免" in compact(pdf_text(r.content))

    def broken(_sheet: object) -> bytes:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(signoff_pdf_plain, "sheet_pdf", broken)
    r = download(settings, draft_id)
    assert r.status_code == 200 and r.url.path == f"/drafts/{draft_id}"
    assert "生成 PDF 失败" in r.text and "pdf_unavailable" in r.text


def test_chromium_busy_or_failing_falls_back_and_chromium_comes_first_when_it_works(site, monkeypatch) -> None:
    settings, people = site
    draft_id = approve(settings, people, "关于开展安全检查的通知", waive=False)
    with unit_of_work(settings) as session:
        sheet = signoff_sheet(session, session.get(Draft, draft_id), organisation="某某县")
    monkeypatch.setattr(signoff_pdf, "html_to_pdf", lambda html: b"%PDF-1.4 chromium" if "稿件审签单" in html else b"")
    assert signoff_pdf.render_signoff_pdf(sheet, render_signoff_html(sheet)) == (b"%PDF-1.4 chromium", "chromium")

    def busy(_html: str) -> bytes:
        raise signoff_pdf.PdfUnavailable("服务器正在生成其他 PDF", "other PDFs are being printed")

    monkeypatch.setattr(signoff_pdf, "html_to_pdf", busy)
    data, renderer = signoff_pdf.render_signoff_pdf(sheet, render_signoff_html(sheet))
    assert renderer == "reportlab" and "关于开展安全检查的通知" in compact(pdf_text(data))


HOSTILE = [
    '<script>alert(1)</script><img src=x onerror=alert(2)>&amp; <b>粗</b> <font size="99">大</font> <br/>',
    "标题" * 2500 + "A" * 3000,  # far more than a page, with a long run no line break can split
    "右\u202e左\u200b零宽\u0000空字符\ud800孤代理 😀 𠀀 é",
]


@pytest.mark.parametrize("title", HOSTILE, ids=["markup", "huge", "unicode"])
def test_hostile_titles_draw_without_error_or_markup(site, title: str) -> None:
    """The reportlab paragraph markup is escaped: tags come out as text, invisible characters as [U+XXXX]."""
    settings, people = site
    draft_id = approve(settings, people, "关于开展安全检查的通知", waive=False)
    with unit_of_work(settings) as session:
        sheet = signoff_sheet(session, session.get(Draft, draft_id))
    sheet = dataclasses.replace(sheet, title=title, facts=[[("标题", title)], *sheet.facts[2:]])
    data = signoff_pdf_plain.sheet_pdf(sheet)
    flat = compact(pdf_text(data))
    assert "稿件审签单" in flat and "proof1" in flat
    if title is HOSTILE[0]:
        assert "<script>alert(1)</script>" in flat and "<b>粗</b>" in flat and '<fontsize="99">大</font>' in flat
    elif title is HOSTILE[1]:
        running = re.sub(r"第\d+页", "", flat)  # the page numbers sit between the pages' text
        assert len(pypdfium2.PdfDocument(data)) > 3 and running.count("标题") >= 2500 and "A" * 3000 in running
    else:
        for shown in ("[U+202E]", "[U+200B]", "[U+0000]", "[U+D800]", "右", "左", "孤代理"):
            assert shown in flat
        assert "\u202e" not in flat and "\u200b" not in flat


def test_the_same_sheet_gives_the_same_bytes(site) -> None:
    """No creation time or random id in the file: a filed copy can be compared byte for byte."""
    settings, people = site
    draft_id = approve(settings, people, "关于开展安全检查的通知", waive=False)
    with unit_of_work(settings) as session:
        sheet = signoff_sheet(session, session.get(Draft, draft_id))
    assert signoff_pdf_plain.sheet_pdf(sheet) == signoff_pdf_plain.sheet_pdf(sheet)
