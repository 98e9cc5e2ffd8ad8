"""The 审签单 as a PDF, printed on the server by the Chromium the machine already has (offline).

The sheet is the same HTML the browser shows, printed with its print stylesheet (A4, signature boxes),
so the PDF and the page never disagree. Chromium runs headless on a private temporary profile under a
content policy that forbids loading or running anything (the sheet is self-contained and has no script),
and is killed after a time limit. At most ``MAX_PRINTS`` Chromiums print at once (each takes hundreds of
MB and a core), so a burst of downloads cannot exhaust the server's memory.

``render_signoff_pdf`` tries Chromium first (the PDF is then the very page the reviewer saw) and falls back to
the in-process reportlab drawing of the same sheet (``signoff_pdf_plain``) when Chromium is absent (the
container image), busy or fails; ``pdf_unavailable`` only when both fail.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from review_service.services.errors import DomainError

if TYPE_CHECKING:  # reports imports the web package, whose routes import this module
    from review_service.reports import SignoffSheet

# Nothing may load or run while printing: the sheet carries its own style and no script.
PRINT_POLICY = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'none'\">"
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIME_LIMIT_S = 90
MAX_PRINTS = 2
_printing = threading.BoundedSemaphore(MAX_PRINTS)
log = logging.getLogger(__name__)


class PdfUnavailable(DomainError):
    """No PDF: Chromium absent, busy or failing (``html_to_pdf``), or both renderers failed (``render_signoff_pdf``).

    A domain error (503), so the one handler answers it: a flash back on the draft's page.
    """

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(503, "pdf_unavailable", message_zh, message_en)


def chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def _locked_down(sheet: str) -> str:
    head = sheet.find("<head>")
    if head < 0:
        raise ValueError("the sheet has no <head>")
    at = head + len("<head>")
    return sheet[:at] + PRINT_POLICY + sheet[at:]


def html_to_pdf(sheet: str, *, time_limit_s: float = TIME_LIMIT_S) -> bytes:
    """Print a self-contained HTML page to PDF bytes with headless Chromium."""
    binary = chromium()
    if binary is None:
        raise PdfUnavailable("服务器未安装 Chromium，无法生成 PDF；请用浏览器打印审签单", "Chromium is not installed")
    if not _printing.acquire(blocking=False):
        raise PdfUnavailable("服务器正在生成其他 PDF，请稍后重试或用浏览器打印审签单", "other PDFs are being printed")
    try:
        return _print(binary, sheet, time_limit_s)
    finally:
        _printing.release()


def _print(binary: str, sheet: str, time_limit_s: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="signoff-") as tmp:
        page, out = Path(tmp) / "sheet.html", Path(tmp) / "sheet.pdf"
        page.write_text(_locked_down(sheet), encoding="utf-8")
        args = [
            binary,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
        ]
        if os.geteuid() == 0:  # Chromium refuses to sandbox as root (containers); the page has no script
            args.append("--no-sandbox")
        try:
            done = subprocess.run(
                [*args, page.as_uri()], capture_output=True, timeout=time_limit_s, check=False, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable("生成 PDF 超时，请稍后重试", "printing the PDF timed out") from exc
        data = out.read_bytes() if out.exists() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF-"):
            raise PdfUnavailable("生成 PDF 失败，请用浏览器打印审签单", "Chromium could not print the sheet")
        return data


def render_signoff_pdf(sheet: SignoffSheet, page: str) -> tuple[bytes, str]:
    """The sheet (and ``page``, its HTML) as PDF bytes and the renderer: ``chromium`` if it can, else ``reportlab``."""
    try:
        return html_to_pdf(page), "chromium"
    except PdfUnavailable as chromium_failed:
        log.info("审签单 PDF drawn by reportlab: %s", chromium_failed.message_en)
    from review_service.signoff_pdf_plain import sheet_pdf  # reportlab loads only when it is needed

    try:
        return sheet_pdf(sheet), "reportlab"
    except Exception as exc:  # a drawing bug must answer pdf_unavailable, never a 500
        log.exception("the built-in 审签单 PDF renderer failed")
        raise PdfUnavailable(
            "生成 PDF 失败，请用浏览器打印审签单", "neither Chromium nor the built-in renderer produced the PDF"
        ) from exc
