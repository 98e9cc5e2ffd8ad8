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

import re
from collections.abc import Iterable
from dataclasses import dataclass

from checks.html_model import Piece, parse_html

# Tabs stay: they separate table columns (and HTML cells become tabs).
_SPACE_LIKE = frozenset("\u00a0\u3000\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# A lone surrogate is no character (a broken encoding a caller passed on): read as U+FFFD, one for one, so the
# checks see a replacement character where it stands instead of failing to encode the text.
_SURROGATES = range(0xD800, 0xE000)
REPLACEMENT = "\ufffd"


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
    if code in _SURROGATES:
        return REPLACEMENT
    return ch


# ``fold_char`` as a str.translate table, for whole runs of text at C speed.
_FOLD = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))},
        **dict.fromkeys(_SPACE_LIKE, " "),
        **dict.fromkeys(_INVISIBLE),
        "\r": "\n",
        **dict.fromkeys(map(chr, _SURROGATES), REPLACEMENT),
    }
)
_INVISIBLE_RUN = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]+")
_CRLF_OR_INVISIBLE = re.compile("\r\n|[" + "".join(sorted(_INVISIBLE)) + "]+")


class _Builder:
    """Collects normalized text in runs: a run spelled character for character in the source is folded
    with one ``str.translate`` and its offsets written as ranges (a character-by-character loop was
    the largest part of preparing a long text)."""

    def __init__(self, source_length: int) -> None:
        self.source_length = source_length
        self.parts: list[str] = []  # never empty strings, so parts[-1][-1] is the last character
        self.starts: list[int] = []
        self.ends: list[int] = []

    def exact(self, text: str, offset: int, *, crlf: bool = False) -> None:
        """``text`` spelled one for one at ``offset`` in the source; with ``crlf``, \\r\\n is one line break."""
        pattern = _CRLF_OR_INVISIBLE if crlf else _INVISIBLE_RUN
        pos = 0
        for match in pattern.finditer(text):
            self._run(text, offset, pos, match.start())
            if match.group() == "\r\n":
                self.parts.append("\n")
                self.starts.append(offset + match.start())
                self.ends.append(offset + match.end())
            pos = match.end()
        self._run(text, offset, pos, len(text))

    def _run(self, text: str, offset: int, start: int, end: int) -> None:
        if start < end:  # no invisible characters in between: folding keeps every character
            self.parts.append(text[start:end].translate(_FOLD))
            self.starts.extend(range(offset + start, offset + end))
            self.ends.extend(range(offset + start + 1, offset + end + 1))

    def spanning(self, text: str, start: int, end: int) -> None:
        """``text`` standing for the whole source span [start, end) (an entity, a tag)."""
        folded = text.translate(_FOLD)
        if folded:
            self.parts.append(folded)
            self.starts.extend([start] * len(folded))
            self.ends.extend([end] * len(folded))

    def pieces(self, pieces: Iterable[Piece], *, separator: str | None = None) -> None:
        for piece in pieces:
            if separator is not None and self.parts and self.parts[-1][-1] != separator:
                self.spanning(separator, piece.start, piece.start + 1)
            if piece.exact:
                self.exact(piece.text, piece.start)
            else:
                self.spanning(piece.text, piece.start, piece.end)

    def result(self) -> NormalizedText:
        return NormalizedText("".join(self.parts), tuple(self.starts), tuple(self.ends), self.source_length)


def normalize(source: str, *, is_html: bool) -> NormalizedText:
    """Normalize ``source``: an HTML body as a browser shows it, anything else character for character."""
    builder = _Builder(len(source))
    if is_html:
        builder.pieces(parse_html(source).pieces)
    else:
        builder.exact(source, 0, crlf=True)
    return builder.result()


def normalize_html_field(source: str, field: str) -> NormalizedText:
    """The ``comment`` or ``attribute`` text of an HTML body, one item per line, located in ``source``."""
    model = parse_html(source)
    pieces = model.comments if field == "comment" else model.attributes
    builder = _Builder(len(source))
    builder.pieces(pieces, separator="\n")
    return builder.result()
