"""回头看 in the browser pages: pages with findings, the report, and opening a correction draft."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from tests.web_helpers import login
from tests.workflow_helpers import make_people


def test_archive_pages_report_and_correction(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        docs = [
            {"url": "https://www.example.gov.cn/t/1.html", "title": "救助公示", "published_at": "2024-03-01",
             "department": "民政局", "content": "申请人联系电话：13912345678。"},
            {"url": "https://www.example.gov.cn/t/2.html", "title": "读书月", "published_at": "2024-03-02",
             "content": "开展读书月活动。"},
        ]  # fmt: skip
        imported = client.post("/api/v1/archive/documents", json={"documents": docs}, headers=people["rev3"].headers)
        assert imported.status_code == 200, imported.text
        run = client.post("/api/v1/archive/rechecks", json={}, headers=people["rev3"].headers)
        assert run.status_code == 202, run.text
        run_id = run.json()["id"]

        token = login(client, "editor")
        listing = client.get("/archive").text
        rows = re.findall(r'data-document="(\d+)"', listing)
        assert len(rows) == 1 and "救助公示" in listing and "读书月" not in listing.split('id="documents"')[1]
        assert f"/archive/rechecks/{run_id}/report" in listing
        report = client.get(f"/archive/rechecks/{run_id}/report")
        assert report.status_code == 200 and "/archive/documents/" in report.text

        page = client.get(f"/archive/documents/{rows[0]}").text
        assert 'data-category="pii.phone"' in page and 'class="mark sev-block"' in page
        opened = client.post(f"/archive/documents/{rows[0]}/correction", data={"csrf_token": token})
        assert "已开立更正稿" in opened.text and "13912345678" in opened.text  # the workspace with the page's text
        draft_id = re.search(r'name="draft_id" value="(\d+)"', opened.text).group(1)
        again = client.post(f"/archive/documents/{rows[0]}/correction", data={"csrf_token": token})
        assert "已有进行中的更正稿" in again.text
        assert f'id="correction-link">#{draft_id}' in client.get(f"/archive/documents/{rows[0]}").text
        assert client.get("/archive/documents/999999").status_code == 404
