"""The type of an uploaded file from its bytes (never from its name or the part's content type)."""

from __future__ import annotations

import io
import zipfile

from checks.attachments.text_decode import decode_text

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
WORD_STREAM = "WordDocument".encode("utf-16-le")

# What each type is called for a person.
TYPE_LABELS = {
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 工作簿（.xlsx）",
    "xls": "Excel 97-2003 工作簿（.xls）",
    "csv": "CSV 表格",
    "pdf": "PDF 文档",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "doc": "Word 97-2003 文档（.doc）",
    "wps": "WPS 文字文档（.wps）",
    "ofd": "OFD 版式文档",
    "encrypted": "加密的 Office 文件",
    "zip": "压缩包",
    "unknown": "无法识别的文件",
}
SUPPORTED = frozenset({"docx", "xlsx", "xls", "csv", "pdf", "png", "jpeg"})


def detect_type(data: bytes, name: str = "") -> str:
    """One of TYPE_LABELS' keys. ``name`` only tells .wps from .doc (both OLE2 word-processing files)."""
    head = bytes(data[:8])
    if head.startswith(b"%PDF-") or b"%PDF-" in bytes(data[:1024]):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head == OLE2_MAGIC:
        return _ole_type(data, name)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_type(data)
    if decode_text(data) is not None:
        return "csv"
    return "unknown"


def _ole_type(data: bytes, name: str) -> str:
    sample = bytes(data[: 1 << 20])
    if ENCRYPTED_PACKAGE in sample:
        return "encrypted"  # an encrypted .docx/.xlsx is an OLE2 container around the package
    if any(stream in sample for stream in WORKBOOK_STREAMS) and WORD_STREAM not in sample:
        return "xls"
    if WORD_STREAM in sample:
        return "wps" if name.lower().endswith((".wps", ".wpt")) else "doc"
    return "unknown"


def _zip_type(data: bytes) -> str:
    try:
        names = {n.lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return "unknown"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ofd.xml" in names:
        return "ofd"
    if "[content_types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"
    return "zip"
