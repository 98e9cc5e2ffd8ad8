"""Attachments made on the fly for tests and benchmarks: spreadsheets, CSV, PDFs with and without text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def cjk_font() -> Path:
    for path in CJK_FONT_CANDIDATES:
        if path.exists():
            return path
    raise FileNotFoundError("no CJK font installed (scripts/install_system_deps.sh installs one)")


def xlsx(
    sheets: dict[str, Sequence[Sequence[object]]],
    *,
    hidden_sheets: Sequence[str] = (),
    hidden_rows: dict[str, Sequence[int]] | None = None,
    hidden_columns: dict[str, Sequence[str]] | None = None,
    comments: dict[str, dict[str, str]] | None = None,
) -> bytes:
    import openpyxl
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        if title in hidden_sheets:
            ws.sheet_state = "hidden"
        for row in (hidden_rows or {}).get(title, ()):
            ws.row_dimensions[row].hidden = True
        for column in (hidden_columns or {}).get(title, ()):
            ws.column_dimensions[column].hidden = True
        for cell, text in (comments or {}).get(title, {}).items():
            ws[cell].comment = Comment(text, "作者")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls(rows: Sequence[Sequence[object]], *, sheet: str = "Sheet1", hidden_sheet: str | None = None) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    if hidden_sheet:
        hidden = book.add_sheet(hidden_sheet)
        hidden.write(0, 0, "备注")
        hidden.visibility = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(",".join(str(v) for v in row) for row in rows).encode(encoding)


def text_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF with a real text layer: one list of lines per page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.set_font("cjk", size=12)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def rendered_image(lines: Sequence[str], *, size: int = 28, fmt: str = "PNG", width: int = 1000) -> bytes:
    """White page image with black text lines (what a scanner makes of a printed list)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(cjk_font()), size)
    height = 40 + len(lines) * (size + 24)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 20 + i * (size + 24)), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def scanned_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF of page images only (no text layer), as a scanner produces."""
    from fpdf import FPDF

    pdf = FPDF()
    for lines in pages:
        pdf.add_page()
        pdf.image(io.BytesIO(rendered_image(lines, size=40, width=1500)), x=10, y=10, w=190)
    return bytes(pdf.output())
