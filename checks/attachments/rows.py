"""The text checks over a sheet, each distinct row once.

After name cells and number cells are taken out (they are checked from the sheet's structure),
what is left of most rows is the same few words (本人, 已脱敏, 是) and short numbers (序号, 金额, 日期)
that no check can find anything in. Each row is reduced to its cells that could hold a finding,
identical reduced rows are checked once (under the sheet's header row, as every chunk is), and each
finding is put back in every row it stands for. A check sees a row as before, minus the cells that
cannot hold a finding, so the time grows with the distinct text of a sheet, not with its length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from checks.attachments.extracted import Extracted
from checks.document import DraftInput
from checks.engine import CheckEngine
from checks.finding import Finding

SEPARATOR = "\t"
# A cell of figures and their punctuation with fewer digits than any number checked (ID, phone, card).
_FIGURES = re.compile(r"[\s\d.,:/\-+()%]*")
MIN_DIGITS = 7


def is_inert(value: str) -> bool:
    """A cell no check can find anything in: blank, or short figures (序号, 金额, 日期)."""
    return _FIGURES.fullmatch(value) is not None and sum(ch.isdigit() for ch in value) < MIN_DIGITS


@dataclass(slots=True)
class _Row:
    """One distinct reduced row: its text and, for each line it stands for, where its cells are."""

    text: str
    cell_offsets: list[int]  # where each kept cell starts in ``text``
    lines: list[list[int]] = field(default_factory=list)  # per line: where each kept cell starts in the sheet


def check_rows(
    engine: CheckEngine,
    extracted: Extracted,
    text: str,
    draft: DraftInput,
    categories: tuple[str, ...],
    chunk_chars: int,
) -> list[Finding]:
    """Findings (in ``text``'s offsets, field "body") of every line of every sheet in ``text``."""
    found: list[Finding] = []
    for header, rows in _sheets(extracted, text):
        header_start, header_end = extracted.line_span(header, header + 1)
        prefix = text[header_start:header_end]
        if prefix.strip():
            prefix = prefix if prefix.endswith("\n") else prefix + "\n"
        first_chunk = True
        for chunk in _chunks(rows, chunk_chars):
            body = prefix + "\n".join(row.text for row in chunk)
            result = engine.check(
                DraftInput(body=body, channel=draft.channel, doc_type=draft.doc_type, doc_date=draft.doc_date),
                categories=categories,
            )
            starts, position = [], len(prefix)
            for row in chunk:
                starts.append(position)
                position += len(row.text) + 1
            for finding in result.findings:
                if finding.field != "body":
                    continue
                if finding.start < len(prefix):
                    if first_chunk and finding.end <= len(prefix):  # the header row itself, checked once
                        moved = (finding.start + header_start, finding.end + header_start)
                        found.append(finding.with_changes(start=moved[0], end=moved[1]))
                    continue
                index = bisect_right(starts, finding.start) - 1
                found.extend(_put_back(finding, chunk[index], starts[index]))
            first_chunk = False
    return found


def _sheets(extracted: Extracted, text: str) -> Iterator[tuple[int, list[_Row]]]:
    """Per sheet (group with a header row): its header line and its distinct reduced rows, in order."""
    rows: dict[str, _Row] = {}
    current: int | None = None
    for line in range(len(extracted.line_starts)):
        header = extracted.header_of_group[extracted.group_of_line[line]]
        if header is None or line < header:
            continue
        if header != current:
            if current is not None:
                yield current, list(rows.values())
            current, rows = header, {}
        if line == header:
            continue
        kept = [p for p in extracted.line_pieces(line) if not is_inert(text[p.start : p.end])]
        if not kept:
            continue
        values = [text[p.start : p.end] for p in kept]
        key = SEPARATOR.join(values)
        row = rows.get(key)
        if row is None:
            offsets, position = [], 0
            for value in values:
                offsets.append(position)
                position += len(value) + len(SEPARATOR)
            row = rows[key] = _Row(key, offsets)
        row.lines.append([p.start for p in kept])
    if current is not None:
        yield current, list(rows.values())


def _chunks(rows: list[_Row], limit: int) -> Iterator[list[_Row]]:
    chunk: list[_Row] = []
    size = 0
    for row in rows:
        if chunk and size + len(row.text) + 1 > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += len(row.text) + 1
    if chunk:
        yield chunk


def _put_back(finding: Finding, row: _Row, row_start: int) -> list[Finding]:
    """The finding at each line the row stands for, in sheet offsets."""
    end_of_row = max(len(row.text) - 1, 0)
    start = min(finding.start - row_start, end_of_row)
    # the finding's last character, kept inside this row: a match running on into the next reduced row
    # (they are joined by a newline) must not spill into cells of the sheet it does not stand for
    last = min(max(finding.end - row_start - 1, start), end_of_row)
    first_cell = bisect_right(row.cell_offsets, start) - 1
    last_cell = bisect_right(row.cell_offsets, last) - 1
    into_first = start - row.cell_offsets[first_cell]
    into_last = last - row.cell_offsets[last_cell]
    width = last - start + 1 if finding.end > finding.start else 0
    out = []
    for cells in row.lines:
        source_start = cells[first_cell] + into_first
        source_end = cells[last_cell] + into_last + 1 if width else source_start
        out.append(finding.with_changes(start=source_start, end=source_end))
    return out
