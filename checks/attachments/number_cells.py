"""Spreadsheet cells holding only a number, with their column's header and their row's words.

They go to ``checks.pii.cells`` (one look per distinct value, header-aware) instead of through
the text checks; the text checks then see them blanked, so nothing is checked twice.
"""

from __future__ import annotations

from checks.attachments.extracted import Extracted, Piece
from checks.attachments.name_columns import column_of
from checks.pii.cells import NumberCell, is_number_cell


def number_cells(extracted: Extracted, text: str) -> list[NumberCell]:
    """Number cells on every line below a sheet's header row (``text``: the sheet text to read them in)."""
    found: list[NumberCell] = []
    labels: dict[str, str] = {}
    header_line: int | None = None
    for line in range(len(extracted.line_starts)):
        header = extracted.header_of_group[extracted.group_of_line[line]]
        if header is None or line <= header:
            continue
        if header != header_line:
            header_line = header
            labels = {
                column_of(piece): "".join(text[piece.start : piece.end].split())
                for piece in extracted.line_pieces(header)
                if "cell" in piece.location
            }
        cells = [p for p in extracted.line_pieces(line) if _is_cell(p)]
        numbers = [p for p in cells if is_number_cell(text[p.start : p.end].strip())]
        if not numbers:
            continue
        taken = {id(p) for p in numbers}
        words = tuple(value for p in cells if id(p) not in taken and (value := text[p.start : p.end].strip()))
        found.extend(NumberCell(p.start, p.end, labels.get(column_of(p), ""), words) for p in numbers)
    return found


def blank_cells(text: str, cells: list[NumberCell]) -> str:
    """``text`` with the cells' characters replaced by spaces (offsets stay valid)."""
    parts, last = [], 0
    for cell in sorted(cells, key=lambda c: c.start):
        parts.append(text[last : cell.start])
        parts.append(" " * (cell.end - cell.start))
        last = cell.end
    parts.append(text[last:])
    return "".join(parts)


def _is_cell(piece: Piece) -> bool:
    return "cell" in piece.location and piece.location.get("hidden") != "comment"
