"""The 审签单 as a PDF, printed on the server by the Chromium the machine already has (offline).

The sheet is the same HTML the browser shows, printed with its print stylesheet (A4, signature boxes),
so the PDF and the page never disagree. Chromium runs headless on a private temporary profile under a
content policy that forbids loading or running anything (the sheet is self-contained and has no script),
and is killed after a time limit. Without Chromium the service answers ``pdf_unavailable``. At most
``MAX_PRINTS`` Chromiums print at once (each takes hundreds of MB and a core): a request past that is
answered at once, so a burst of downloads cannot exhaust the server's memory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

# Nothing may load or run while printing: the sheet carries its own style and no script.
PRINT_POLICY = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'none'\">"
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIME_LIMIT_S = 90
MAX_PRINTS = 2
_printing = threading.BoundedSemaphore(MAX_PRINTS)


class PdfUnavailable(Exception):
    """No Chromium on this machine, or it failed to print."""

    code = "pdf_unavailable"

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh, self.message_en = message_zh, message_en


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
