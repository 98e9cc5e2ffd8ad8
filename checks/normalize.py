"""Text normalization that remembers where every character came from.

Checks see a cleaned text (full-width digits and letters folded to ASCII, odd spaces unified,
invisible characters dropped) but must report offsets into the string the caller sent. Every
normalized character therefore carries the source span it came from.

Plain text is plain text: nothing in it is read as markup (``<!--``, ``<p>`` and ``&amp;`` are
characters, checked like any other). An HTML body is read through the one HTML model
(``checks.html_model``): the text a browser shows, block boundaries as line breaks, table cells as
tabs; its comments and reader-facing attributes become fields of their own (``comment``, ``attribute``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checks.html_model import Piece, parse_html

# Tabs stay: they separate table columns (and HTML cells become tabs).
_SPACE_LIKE = frozenset("\u00a0\u3000\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalized text plus, per character, the half-open source span it stands for."""

    text: str
    source_starts: tuple[int, ...]
    source_ends: tuple[int, ...]
    source_length: int

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span (end exclusive) to a span of the caller's string."""
        if start >= end:
            pos = self.source_starts[start] if start < len(self.text) else self.source_length
            return pos, pos
        return self.source_starts[start], self.source_ends[end - 1]


def fold_char(ch: str) -> str:
    """Fold one character for detection; '' drops it."""
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if ch in _SPACE_LIKE:
        return " "
    if ch in _INVISIBLE:
        return ""
    if ch == "\r":
        return "\n"
    return ch


class _Builder:
    def __init__(self, source_length: int) -> None:
        self.source_length = source_length
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def emit(self, ch: str, start: int, end: int, *, crlf: bool = False) -> None:
        folded = fold_char(ch)
        if not folded:
            return
        if crlf and self.chars and self.chars[-1] == "\n" and self.ends[-1] == start:
            self.ends[-1] = end  # \r\n is one line break
            return
        self.chars.append(folded)
        self.starts.append(start)
        self.ends.append(end)

    def pieces(self, pieces: Iterable[Piece], *, separator: str | None = None) -> None:
        for piece in pieces:
            if separator is not None and self.chars and self.chars[-1] != separator:
                self.emit(separator, piece.start, piece.start + 1)
            for i, ch in enumerate(piece.text):
                if piece.exact:
                    self.emit(ch, piece.start + i, piece.start + i + 1)
                else:
                    self.emit(ch, piece.start, piece.end)

    def result(self) -> NormalizedText:
        return NormalizedText("".join(self.chars), tuple(self.starts), tuple(self.ends), self.source_length)


def normalize(source: str, *, is_html: bool) -> NormalizedText:
    """Normalize ``source``: an HTML body as a browser shows it, anything else character for character."""
    builder = _Builder(len(source))
    if is_html:
        builder.pieces(parse_html(source).pieces)
    else:
        for i, ch in enumerate(source):
            builder.emit(ch, i, i + 1, crlf=ch == "\n" and source[i - 1 : i] == "\r")
    return builder.result()


def normalize_html_field(source: str, field: str) -> NormalizedText:
    """The ``comment`` or ``attribute`` text of an HTML body, one item per line, located in ``source``."""
    model = parse_html(source)
    pieces = model.comments if field == "comment" else model.attributes
    builder = _Builder(len(source))
    builder.pieces(pieces, separator="\n")
    return builder.result()
