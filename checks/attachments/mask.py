"""一键脱敏 for attachments: a masked copy where that is truthful (spreadsheet cells), a refusal elsewhere.

A cell holds its text and nothing else, so replacing the value removes the data. In a PDF or an
image, a box drawn over text leaves the text (or the pixels) underneath: those files must be
redacted at the source and exported again, and this module says so instead of pretending.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from checks.attachments import errors
from checks.attachments.check import TABLE_KINDS, located_findings
from checks.attachments.extracted import Extracted
from checks.attachments.limits import AttachmentLimits
from checks.attachments.read import read_attachment
from checks.attachments.text_decode import decode_text
from checks.document import DraftInput
from checks.engine import CheckEngine

PII_PREFIX = "pii."


@dataclass(frozen=True, slots=True)
class MaskedCopy:
    data: bytes
    name: str
    kind: str
    masked: int  # how many values were replaced


def mask_unsupported(kind: str) -> errors.AttachmentError:
    return errors.AttachmentError(
        "mask_unsupported",
        "PDF、图片和 Word 附件无法在此可靠脱敏：遮盖框下的文字或像素仍然存在。"
        "请在源文件中删除或替换个人信息后重新导出、重新上传。",
        f"a {kind} cannot be masked truthfully here; redact the source file and export it again",
    )


def mask_attachment(engine: CheckEngine, data: bytes, name: str, limits: AttachmentLimits) -> MaskedCopy:
    extracted, _ = read_attachment(data, name, limits)
    if extracted.kind not in TABLE_KINDS:
        raise mask_unsupported(extracted.kind)
    replacements = _replacements(engine, extracted, name, limits)
    if extracted.kind == "csv":
        return MaskedCopy(_mask_csv(data, replacements), name, "csv", len(replacements))
    if extracted.kind == "xlsx":
        return MaskedCopy(_mask_xlsx(data, replacements), name, "xlsx", len(replacements))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return MaskedCopy(_xls_as_masked_xlsx(data, replacements), f"{stem}.xlsx", "xlsx", len(replacements))


def _replacements(engine: CheckEngine, extracted: Extracted, name: str, limits: AttachmentLimits) -> dict[tuple, str]:
    """(sheet, cell, is_comment) → the cell's masked text, from the PII findings of each chunk."""
    spans: dict[tuple, list[tuple[int, int, str]]] = {}
    for located in located_findings(engine, extracted, DraftInput(body=""), name, limits.chunk_chars):
        finding = located.finding
        if not finding.category.startswith(PII_PREFIX) or finding.suggestion is None:
            continue
        piece = extracted.piece_at(finding.start)
        if piece is None or finding.end > piece.end:
            continue
        key = (piece.location["sheet"], piece.location["cell"], piece.location.get("hidden") == "comment")
        edit = (finding.start - piece.start, finding.end - piece.start, finding.suggestion)
        spans.setdefault(key, []).append(edit)
    out: dict[tuple, str] = {}
    for key, edits in spans.items():
        piece_text = _piece_text(extracted, key)
        for s, e, suggestion in sorted(edits, reverse=True):
            piece_text = piece_text[:s] + suggestion + piece_text[e:]
        out[key] = piece_text
    return out


def _piece_text(extracted: Extracted, key: tuple) -> str:
    sheet, cell, comment = key
    text = extracted.text
    for piece in extracted.pieces:
        loc = piece.location
        if loc.get("sheet") == sheet and loc.get("cell") == cell and (loc.get("hidden") == "comment") == comment:
            return text[piece.start : piece.end]
    return ""


def _mask_xlsx(data: bytes, replacements: dict[tuple, str]) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    for (sheet, cell, comment), value in replacements.items():
        target = book[sheet][cell]
        if comment and target.comment is not None:
            target.comment.text = value
        elif not comment:
            target.value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xls_as_masked_xlsx(data: bytes, replacements: dict[tuple, str]) -> bytes:
    """.xls cannot be written back; the masked copy is an .xlsx with the same sheets, values and hiding."""
    import openpyxl
    import xlrd

    from checks.attachments.spreadsheet import _xls_value, cell_text, column_letter

    source = xlrd.open_workbook(file_contents=data, formatting_info=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for ws in source.sheets():
        out = book.create_sheet(ws.name)
        if ws.visibility:
            out.sheet_state = "hidden"
        for r in range(ws.nrows):
            for c in range(ws.ncols):
                value = cell_text(_xls_value(ws.cell(r, c), source.datemode))
                address = f"{column_letter(c + 1)}{r + 1}"
                out[address] = replacements.get((ws.name, address, False), value) or None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _mask_csv(data: bytes, replacements: dict[tuple, str]) -> bytes:
    from checks.attachments.spreadsheet import column_letter

    text = decode_text(data) or ""
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        encoding = "gb18030"
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",\t;|，").delimiter
    except csv.Error:
        delimiter = ","
    sheet = next(iter(replacements))[0] if replacements else ""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        writer.writerow(
            [replacements.get((sheet, f"{column_letter(c)}{r}", False), value) for c, value in enumerate(row, start=1)]
        )
    return buffer.getvalue().encode(encoding)
