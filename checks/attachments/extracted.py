"""Extracted text with the place each line came from, so findings point into the file."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Piece:
    """One run of extracted text (a cell, a line, an OCR box) and where it sits in the file."""

    start: int
    end: int
    location: dict[str, Any]


@dataclass(slots=True)
class Extracted:
    """Everything a reader of the file sees, as one text whose lines are rows, lines or OCR boxes.

    ``groups`` start a new table (a sheet): its first line is the header that later chunks repeat.
    """

    kind: str
    pages: int | None = None
    sheets: list[str] | None = None
    parts: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    piece_starts: list[int] = field(default_factory=list)
    first_piece_of_line: list[int] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    group_of_line: list[int] = field(default_factory=list)
    header_of_group: list[int | None] = field(default_factory=list)  # line index of each group's header
    size: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)  # hidden sheets, comments … said once
    _joined: str | None = field(default=None, repr=False, compare=False)  # ``text``, built once per change

    def new_group(self) -> None:
        self.header_of_group.append(None)

    def add_line(self, cells: list[tuple[str, dict[str, Any]]], *, separator: str = "\t") -> None:
        """Append one line made of pieces (cells of a row, or one text line with one location)."""
        if not self.header_of_group:
            self.new_group()
        line_index = len(self.line_starts)
        self.line_starts.append(self.size)
        self.first_piece_of_line.append(len(self.pieces))
        self.group_of_line.append(len(self.header_of_group) - 1)
        if self.header_of_group[-1] is None and any(text.strip() for text, _ in cells):
            self.header_of_group[-1] = line_index
        for i, (text, location) in enumerate(cells):
            if i:
                self._append(separator)
            text = text.replace("\n", " ").replace("\r", " ")
            self.pieces.append(Piece(self.size, self.size + len(text), location))
            self.piece_starts.append(self.size)
            self._append(text)
        self._append("\n")

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        self._joined = None

    @property
    def text(self) -> str:
        """The whole text; joined once and kept, since readers slice it once per cell."""
        if self._joined is None:
            self._joined = "".join(self.parts)
        return self._joined

    def piece_at(self, offset: int) -> Piece | None:
        i = bisect_right(self.piece_starts, offset) - 1
        if i < 0:
            return None
        piece = self.pieces[i]
        return piece if offset < max(piece.end, piece.start + 1) else None

    def location_at(self, offset: int) -> dict[str, Any] | None:
        piece = self.piece_at(offset)
        return piece.location if piece else None

    def chunks(self, limit: int) -> list[tuple[int, int, int | None]]:
        """Line ranges [first, last) of about ``limit`` characters, plus the header line to repeat."""
        ranges: list[tuple[int, int, int | None]] = []
        total = len(self.line_starts)
        first = 0
        while first < total:
            last = first + 1
            group = self.group_of_line[first]
            while (
                last < total
                and self.group_of_line[last] == group
                and self._line_end(last) - self.line_starts[first] <= limit
            ):
                last += 1
            header = self.header_of_group[group]
            ranges.append((first, last, header if header is not None and header < first else None))
            first = last
        return ranges

    def line_pieces(self, line: int) -> list[Piece]:
        end = self.first_piece_of_line[line + 1] if line + 1 < len(self.first_piece_of_line) else len(self.pieces)
        return self.pieces[self.first_piece_of_line[line] : end]

    def line_span(self, first: int, last: int) -> tuple[int, int]:
        return self.line_starts[first], self._line_end(last - 1)

    def _line_end(self, line: int) -> int:
        return self.line_starts[line + 1] if line + 1 < len(self.line_starts) else self.size
