"""One entry point: bytes in, the extracted text with locations out (or a stable AttachmentError)."""

from __future__ import annotations

from checks.attachments import errors
from checks.attachments.detect import SUPPORTED, detect_type
from checks.attachments.extracted import Extracted
from checks.attachments.limits import AttachmentLimits
from checks.finding import Finding


def read_attachment(data: bytes, name: str, limits: AttachmentLimits) -> tuple[Extracted, tuple[Finding, ...]]:
    """The file's text and, for .docx, the findings about what the file hides (revisions, comments …).

    An unsupported type gives an empty Extracted of that kind; the caller reports it.
    """
    if not data:
        raise errors.empty_file()
    if len(data) > limits.max_bytes:
        raise errors.too_large("文件大小", f"{limits.max_bytes // (1024 * 1024)} MB")
    kind = detect_type(data, name)
    if kind == "encrypted":
        raise errors.encrypted()
    if kind not in SUPPORTED:
        _refuse_unreadable(data, name, kind)
        return Extracted(kind=kind), ()
    if kind == "xlsx":
        from checks.attachments.spreadsheet import read_xlsx

        return read_xlsx(data, name, limits), ()
    if kind == "xls":
        from checks.attachments.spreadsheet import read_xls

        return read_xls(data, name, limits), ()
    if kind == "csv":
        from checks.attachments.spreadsheet import read_csv

        return read_csv(data, name, limits), ()
    if kind == "pdf":
        from checks.attachments.pdf import read_pdf

        return read_pdf(data, name, limits), ()
    if kind == "docx":
        return _read_docx(data, name, limits)
    from checks.attachments.images import read_image

    return read_image(data, name, kind, limits), ()


# What a file's name claims it is; only used to tell a damaged file from a type we do not read.
CLAIMED_BY_SUFFIX = {
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".csv": "csv",
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _refuse_unreadable(data: bytes, name: str, kind: str) -> None:
    """A damaged file is refused (``file_invalid``), not stored with an "unsupported" warning.

    Damaged means: a zip whose directory cannot be read, or bytes that are no known type (or a zip
    that is no Office package) under a name that claims a type we read. A readable file of a type
    we do not read (.doc, .ofd, an ordinary .zip, an unknown name) stays an ``attachment.unsupported``.
    """
    if kind not in ("unknown", "zip"):
        return
    suffix = _suffix(name)
    claimed = CLAIMED_BY_SUFFIX.get(suffix)
    if kind == "unknown" and data.startswith(ZIP_MAGIC):
        raise errors.invalid(suffix if claimed else "zip", "the zip directory cannot be read")
    if claimed is not None:
        raise errors.invalid(suffix, f"its bytes are no {claimed} file")


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    return base[base.rfind(".") :] if "." in base else ""


def _read_docx(data: bytes, name: str, limits: AttachmentLimits) -> tuple[Extracted, tuple[Finding, ...]]:
    from checks.docx_reader import DocxError, read_docx

    try:  # the reader holds the package to the same zip limits (checks.docx.zipsafe)
        content = read_docx(data, max_uncompressed=limits.max_uncompressed, max_ratio=limits.max_ratio)
    except DocxError as exc:
        if exc.code == "docx_encrypted":
            raise errors.encrypted() from exc
        if exc.code == "docx_too_large":
            raise errors.bomb() from exc
        raise errors.invalid(".docx", exc.message_en) from exc
    out = Extracted(kind="docx")
    out.new_group()
    for line_number, line in enumerate(content.text.split("\n"), start=1):
        out.add_line([(line, {"file": name, "line": line_number})])
    return out, content.hidden_findings
