"""OCR of scans and photos: offline, with pixel boxes, limits and a timeout that answers instead of hanging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checks.attachments.check import check_attachment
from checks.attachments.errors import AttachmentError
from checks.attachments.limits import AttachmentLimits
from tests import attachment_factory as af
from tests.factories import resident_id
from tests.paths import REPO_ROOT

# Slow tier (`make test` runs it, `make test-fast` does not): OCR of whole scans, seconds a page.
pytestmark = pytest.mark.slow

ID = resident_id("44152119900101123")
LINES = ["关于困难群众救助的公示", f"申请人：王秀英 身份证号{ID}", "联系电话：13800138000"]
ROOT = REPO_ROOT


def test_image_findings_have_pixel_boxes(engine):
    report = check_attachment(engine, af.rendered_image(LINES), "扫描件.png")
    assert report.kind == "png" and report.pages == 1
    by_category = {f.finding.category: f for f in report.findings}
    assert {"pii.id_card", "pii.phone"} <= set(by_category)
    location = by_category["pii.id_card"].location
    assert location["file"] == "扫描件.png" and location["page"] == 1
    x, y, w, h = location["box"]
    assert 0 <= x < 200 and y + h >= 52 and y < 52 + 52 and w > 300  # the second line of the image
    assert report.text[by_category["pii.id_card"].finding.start : by_category["pii.id_card"].finding.end] == ID


def test_an_upside_down_scan_is_read_with_the_angle_classifier(engine):
    """The classifier is skipped on upright pages; a page that reads as nothing is read again with it."""
    import io

    from PIL import Image

    upright = Image.open(io.BytesIO(af.rendered_image(LINES)))
    buffer = io.BytesIO()
    upright.rotate(180).save(buffer, format="PNG")
    report = check_attachment(engine, buffer.getvalue(), "倒置.png")
    assert {"pii.id_card", "pii.phone"} <= {f.finding.category for f in report.findings}
    assert ID in report.text


def test_scanned_pdf_goes_through_ocr_page_by_page(engine):
    report = check_attachment(engine, af.scanned_pdf([["第一页 情况说明"], LINES]), "扫描.pdf")
    assert report.kind == "pdf" and report.pages == 2
    id_card = next(f for f in report.findings if f.finding.category == "pii.id_card")
    assert id_card.location["page"] == 2 and len(id_card.location["box"]) == 4


def test_too_many_pixels_and_too_many_scanned_pages_are_refused(engine):
    with pytest.raises(AttachmentError) as exc:
        check_attachment(engine, af.rendered_image(LINES), "大图.png", limits=AttachmentLimits(max_pixels=10_000))
    assert exc.value.code == "file_too_large"
    with pytest.raises(AttachmentError) as exc:
        check_attachment(engine, af.scanned_pdf([["一"], ["二"]]), "多页.pdf", limits=AttachmentLimits(max_ocr_pages=1))
    assert exc.value.code == "file_too_large"


OFFLINE_OCR = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network is blocked in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from checks.attachments.images import read_image
from checks.attachments.limits import AttachmentLimits
data = open(sys.argv[1], "rb").read()
out = read_image(data, "scan.png", "png", AttachmentLimits())
print(json.dumps(out.text, ensure_ascii=False))
"""


def test_ocr_runs_with_the_network_blocked_and_downloads_nothing(tmp_path):
    import rapidocr_onnxruntime

    package = Path(rapidocr_onnxruntime.__file__).parent
    before = sorted(p.name for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    image = tmp_path / "scan.png"
    image.write_bytes(af.rendered_image(["联系电话：13800138000"]))
    env = {"PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", OFFLINE_OCR, str(image)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "13800138000" in json.loads(out.stdout.strip().splitlines()[-1])
    after = sorted(p.name for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert after == before
    # onnxruntime keeps a device id and a small SQLite record under HOME/.cache/.../.onnxruntime;
    # nothing else of size and nothing model-sized (the smallest model is megabytes) is written anywhere
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "scan.png"]
    assert [p for p in written if p.stat().st_size > 4096 and ".onnxruntime" not in p.parts] == []
    assert [p for p in written if p.stat().st_size > 256 * 1024] == []
