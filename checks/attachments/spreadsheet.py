"""Spreadsheets (.xlsx, .xls, .csv) as rows of tab-separated cells, each cell with its address.

Hidden sheets, rows and columns and cell comments are read too: they ship with the file and a
reader who unhides them sees everything. Their locations say they are hidden.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from functools import lru_cache
from typing import Any

from checks.attachments import errors
from checks.attachments.extracted import Extracted
from checks.attachments.limits import AttachmentLimits
from checks.attachments.text_decode import decode_text
from checks.docx.zipsafe import ZipLimitError, ZipLimits, open_checked

HIDDEN_LABELS = {"sheet": "隐藏工作表", "row": "隐藏行", "column": "隐藏列", "comment": "单元格批注"}


@lru_cache(maxsize=16384)
def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell's value as a reader sees it: whole numbers without ``.0`` or exponent (ID numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class _Sheet:
    """Rows of one sheet added to ``out``, with hidden parts and comments marked."""

    def __init__(self, out: Extracted, file: str, sheet: str, hidden_sheet: bool, limits: AttachmentLimits) -> None:
        self.out, self.file, self.sheet, self.hidden_sheet, self.limits = out, file, sheet, hidden_sheet, limits
        self.comments: list[tuple[str, dict[str, Any]]] = []
        out.new_group()

    def location(self, row: int, column: int, hidden_row: bool, hidden_column: bool) -> dict[str, Any]:
        location: dict[str, Any] = {"file": self.file, "sheet": self.sheet, "cell": f"{column_letter(column)}{row}"}
        hidden = "sheet" if self.hidden_sheet else "row" if hidden_row else "column" if hidden_column else None
        if hidden:
            location["hidden"] = hidden
        return location

    def add_row(self, row: int, values: list[Any], hidden_row: bool, hidden_columns: set[int]) -> None:
        while values and cell_text(values[-1]).strip() == "":
            values.pop()
        if not values:
            return
        cells = [
            (cell_text(value), self.location(row, column, hidden_row, column in hidden_columns))
            for column, value in enumerate(values, start=1)
        ]
        self.out.add_line(cells)

    def add_comment(self, row: int, column: int, text: str) -> None:
        cell = f"{column_letter(column)}{row}"
        self.comments.append((text, {"file": self.file, "sheet": self.sheet, "cell": cell, "hidden": "comment"}))

    def finish(self) -> None:
        for text, location in self.comments:
            self.out.add_line([(text, location)])


class _CellBudget:
    def __init__(self, limit: int) -> None:
        self.left = limit
        self.limit = limit

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise errors.too_large("表格单元格数", f"{self.limit} 个")


def read_xlsx(data: bytes, name: str, limits: AttachmentLimits) -> Extracted:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        open_checked(data, ZipLimits(limits.max_bytes, limits.max_uncompressed, limits.max_ratio))
    except ZipLimitError as exc:
        raise zip_error(exc, ".xlsx") from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise errors.invalid(".xlsx", str(exc)[:200]) from exc
    except Exception as exc:  # openpyxl raises many kinds on malformed XML; all mean "not readable"
        raise errors.invalid(".xlsx", type(exc).__name__) from exc
    out = Extracted(kind="xlsx", sheets=[])
    budget = _CellBudget(limits.max_cells)
    for ws in book.worksheets:
        out.sheets.append(ws.title)
        budget.spend(ws.max_row * ws.max_column if ws.max_row and ws.max_column else 0)
        sheet = _Sheet(out, name, ws.title, ws.sheet_state != "visible", limits)
        hidden_columns: set[int] = set()
        for dim in ws.column_dimensions.values():
            if dim.hidden and dim.min and dim.max:
                hidden_columns.update(range(dim.min, min(dim.max, 16384) + 1))
        for row in ws.iter_rows():
            if not row:
                continue
            index = row[0].row
            hidden_row = bool(ws.row_dimensions[index].hidden) if index in ws.row_dimensions else False
            sheet.add_row(index, [cell.value for cell in row], hidden_row, hidden_columns)
            for cell in row:
                if cell.comment is not None and cell.comment.text:
                    sheet.add_comment(index, cell.column, cell.comment.text)
        sheet.finish()
    return out


def read_xls(data: bytes, name: str, limits: AttachmentLimits) -> Extracted:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise errors.encrypted() from exc
        raise errors.invalid(".xls", str(exc)[:200]) from exc
    except Exception as exc:  # xlrd's parser fails in many ways on damaged files
        raise errors.invalid(".xls", type(exc).__name__) from exc
    out = Extracted(kind="xls", sheets=[])
    budget = _CellBudget(limits.max_cells)
    for ws in book.sheets():
        out.sheets.append(ws.name)
        budget.spend(ws.nrows * ws.ncols)
        sheet = _Sheet(out, name, ws.name, ws.visibility != 0, limits)
        hidden_columns = {c + 1 for c, info in ws.colinfo_map.items() if info.hidden}
        for r in range(ws.nrows):
            info = ws.rowinfo_map.get(r)
            values = [_xls_value(ws.cell(r, c), book.datemode) for c in range(ws.ncols)]
            sheet.add_row(r + 1, values, bool(info and info.hidden), hidden_columns)
        for (r, c), note in getattr(ws, "cell_note_map", {}).items():
            if note.text:
                sheet.add_comment(r + 1, c + 1, note.text)
        sheet.finish()
    return out


def _xls_value(cell: Any, datemode: int) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value


def read_csv(data: bytes, name: str, limits: AttachmentLimits) -> Extracted:
    text = decode_text(data)
    if text is None:
        raise errors.invalid("CSV（UTF-8 或 GB18030 编码）", "neither UTF-8 nor GB18030 text")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;|，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    out = Extracted(kind="csv", sheets=[name])
    budget = _CellBudget(limits.max_cells)
    sheet = _Sheet(out, name, name, False, limits)
    try:
        for row_number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            budget.spend(len(row))
            sheet.add_row(row_number, list(row), False, set())
    except csv.Error as exc:
        raise errors.invalid("CSV", str(exc)[:200]) from exc
    return out


def zip_error(exc: ZipLimitError, kind: str) -> errors.AttachmentError:
    if exc.reason == "encrypted":
        return errors.encrypted()
    if exc.reason == "too_large":
        return errors.too_large("文件", "大小上限")
    if exc.reason == "bomb":
        return errors.bomb()
    return errors.invalid(kind, exc.detail)
