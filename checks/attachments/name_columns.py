"""Names in a spreadsheet column headed 姓名/户主姓名/申请人, found from the sheet's structure.

The header says what the cells are, so no segmentation is needed: each cell that looks like a name
(2–4 Chinese characters led by a surname) is a finding. Checking them structurally also spares the
text checks jieba's unknown-word model on thousands of names, which dominates the time of a large
sheet; the cells are blanked (same length) in the text the other checks see.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from checks.attachments.extracted import Extracted, Piece
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.pii.recognizers.person_name import NAME_COLUMNS

CATEGORY = "pii.person_name"
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_COLUMN = re.compile(r"[A-Z]+")


@dataclass(frozen=True, slots=True)
class NameCell:
    piece: Piece
    header: str


def name_cells(extracted: Extracted, surnames: frozenset[str]) -> list[NameCell]:
    """Cells under a name header in each sheet (every line after the sheet's header row)."""
    found: list[NameCell] = []
    columns: dict[str, str] = {}
    header_line: int | None = None
    for line in range(len(extracted.line_starts)):
        group = extracted.group_of_line[line]
        header = extracted.header_of_group[group]
        if header != header_line:
            header_line = header
            columns = {}
            if header is not None:
                for piece in extracted.line_pieces(header):
                    label = "".join(extracted.text[piece.start : piece.end].split())
                    if label in NAME_COLUMNS and "cell" in piece.location:
                        columns[column_of(piece)] = label
        if not columns or header is None or line <= header:
            continue
        for piece in extracted.line_pieces(line):
            if piece.location.get("hidden") == "comment" or "cell" not in piece.location:
                continue
            label = columns.get(column_of(piece))
            value = extracted.text[piece.start : piece.end].strip()
            if label and _NAME.fullmatch(value) and (value[:1] in surnames or value[:2] in surnames):
                found.append(NameCell(piece, label))
    return found


def name_findings(
    extracted: Extracted, cells: list[NameCell], mask: Callable[[str], str], severity: Severity
) -> list[Finding]:
    findings = []
    for cell in cells:
        text = extracted.text[cell.piece.start : cell.piece.end]
        start = cell.piece.start + (len(text) - len(text.lstrip()))
        value = text.strip()
        findings.append(
            Hit(
                start=start,
                end=start + len(value),
                severity=severity,
                message="含有未脱敏的个人姓名，公开发布前应删除或脱敏。",
                suggestion=mask(value),
                rule=f"{CATEGORY}:name_column",
                explanation=f"表头“{cell.header}”列中的人名",
            ).in_field("attachment", CATEGORY)
        )
    return findings


# What a blanked name cell reads as: "this row's person", so the row's landline is still a person's.
STAND_IN = "本人"


def blank(text: str, cells: list[NameCell]) -> str:
    """``text`` with each name cell replaced by 本人 padded with full-width spaces (offsets stay valid)."""
    parts, last = [], 0
    for cell in sorted(cells, key=lambda c: c.piece.start):
        length = cell.piece.end - cell.piece.start
        parts.append(text[last : cell.piece.start])
        parts.append((STAND_IN + "　" * length)[:length])
        last = cell.piece.end
    parts.append(text[last:])
    return "".join(parts)


def column_of(piece: Piece) -> str:
    match = _COLUMN.match(piece.location["cell"])
    return match.group(0) if match else ""
