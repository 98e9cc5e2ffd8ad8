"""The 审签单 as a PDF printed on the server: the Chinese text is in it, nothing loads while printing."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service import signoff_pdf
from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import AuditEntry
from tests.web_helpers import login
from tests.workflow_helpers import Person, make_people

STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]
STAGES = ("一校", "二校", "三校", "初审", "复审", "终审")


@pytest.fixture()
def approved(tmp_path) -> Iterator[tuple[Settings, dict[str, Person], int]]:
    settings = Settings(data_dir=tmp_path, org_name="某某县人民政府办公室")
    people = make_people(settings)
    with TestClient(create_app(settings)) as api:
        body = {"title": "关于做好防汛工作的通知", "body": "区政府召开常务会议，研究部署防汛工作。"}
        draft_id = api.post("/api/v1/drafts", json=body, headers=people["editor"].headers).json()["id"]
        assert api.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers).is_success
        for who, action in [*STEPS, ("rev3", "approve")]:
            r = api.post(
                f"/api/v1/drafts/{draft_id}/actions",
                json={"action": action, "comment": "同意发布" if who == "rev3" else None},
                headers=people[who].headers,
            )
            assert r.status_code == 200, r.text
    yield settings, people, draft_id


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_the_pdf_carries_title_stages_signers_and_beijing_dates(approved) -> None:
    settings, _, draft_id = approved
    with TestClient(create_app(settings)) as client:
        login(client, "editor")
        page = client.get(f"/drafts/{draft_id}").text
        assert f'href="/drafts/{draft_id}/signoff.pdf"' in page
        r = client.get(f"/drafts/{draft_id}/signoff.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"] and r.content.startswith(b"%PDF-")
    text = pdf_text(r.content)
    compact = "".join(text.split())
    assert "稿件审签单" in compact and "某某县人民政府办公室" in compact
    assert "关于做好防汛工作的通知" in compact and "同意发布" in compact
    for label in STAGES:
        assert label in compact
    for signer in ("proof1", "proof2", "proof3", "rev1", "rev2", "rev3"):
        assert signer in compact
    with unit_of_work(settings) as session:
        at = session.scalar(select(AuditEntry.at).where(AuditEntry.kind == "workflow_approved"))
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    assert at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in text
    assert "打印" not in compact  # the on-screen toolbar is not printed


def test_others_cannot_download_and_no_chromium_still_gives_a_pdf(approved, monkeypatch) -> None:
    settings, _, draft_id = approved
    with TestClient(create_app(settings)) as client:
        login(client, "outsider")  # another department
        assert client.get(f"/drafts/{draft_id}/signoff.pdf").status_code == 404
    monkeypatch.setattr(signoff_pdf, "CHROMIUM_NAMES", ("no-such-browser-here",))
    with pytest.raises(signoff_pdf.PdfUnavailable) as absent:
        signoff_pdf.html_to_pdf("<html><head></head><body>审签单</body></html>")
    assert "无法生成 PDF" in absent.value.message_zh and absent.value.code == "pdf_unavailable"
    with TestClient(create_app(settings)) as client:
        login(client, "editor")
        r = client.get(f"/drafts/{draft_id}/signoff.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"  # drawn by reportlab
    assert "关于做好防汛工作的通知" in "".join(pdf_text(r.content).split())


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []  # noqa: RUF012 (one test's record)

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def test_printing_loads_and_runs_nothing() -> None:
    """Even a sheet that tried to fetch an image, a style or a script would print without any request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sheet = (
        f'<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="{base}/s.css"></head>'
        f'<body><h1>审签单</h1><img src="{base}/i.png"><script src="{base}/x.js"></script>'
        f"<script>document.body.append('脚本已运行'); fetch('{base}/f')</script></body></html>"
    )
    try:
        data = signoff_pdf.html_to_pdf(sheet)
    finally:
        server.shutdown()
    assert _Recorder.seen == []
    text = pdf_text(data)
    assert "审签单" in text and "脚本已运行" not in text


def test_a_burst_of_downloads_starts_at_most_max_prints_chromiums(monkeypatch) -> None:
    """Each print is a Chromium of hundreds of MB: past MAX_PRINTS at once the answer is pdf_unavailable
    at once (not another browser), and a slot frees when a print ends."""
    started, release = threading.Semaphore(0), threading.Event()
    runs: list[list[str]] = []

    def printing(args, **_):  # type: ignore[no-untyped-def]
        runs.append(args)
        started.release()
        assert release.wait(120)
        out = next(a for a in args if a.startswith("--print-to-pdf=")).removeprefix("--print-to-pdf=")
        with open(out, "wb") as fh:
            fh.write(b"%PDF-1.4 fake")
        return type("Done", (), {"returncode": 0})()

    monkeypatch.setattr(signoff_pdf, "chromium", lambda: "chromium")
    monkeypatch.setattr(signoff_pdf.subprocess, "run", printing)
    sheet = "<!doctype html><html><head><title>审签单</title></head><body>审签单</body></html>"
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(signoff_pdf.html_to_pdf(sheet)), daemon=True)
               for _ in range(signoff_pdf.MAX_PRINTS)]  # fmt: skip
    for thread in threads:
        thread.start()
    for _ in threads:
        assert started.acquire(timeout=120)
    try:
        with pytest.raises(signoff_pdf.PdfUnavailable) as busy:
            signoff_pdf.html_to_pdf(sheet)
        assert busy.value.code == "pdf_unavailable" and "稍后" in busy.value.message_zh
        assert len(runs) == signoff_pdf.MAX_PRINTS
    finally:
        release.set()
        for thread in threads:
            thread.join(120)
    assert results == [b"%PDF-1.4 fake"] * signoff_pdf.MAX_PRINTS
    assert signoff_pdf.html_to_pdf(sheet) == b"%PDF-1.4 fake"  # the slots were given back
