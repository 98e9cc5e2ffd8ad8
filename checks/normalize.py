"""Text normalization that remembers where every character came from.

Checks see a cleaned text (HTML tags dropped, entities decoded, full-width digits and
letters folded to ASCII, odd spaces unified) but must report offsets into the string the
caller sent. Every normalized character therefore carries the source span it came from.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Tags whose boundaries separate lines of visible text.
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "caption",
        "tbody",
        "thead",
    ]
)
CELL_TAGS = frozenset(("td", "th"))
KNOWN_TAGS = BLOCK_TAGS | frozenset(
    [
        "a",
        "span",
        "strong",
        "b",
        "i",
        "em",
        "u",
        "font",
        "sup",
        "sub",
        "img",
        "small",
        "big",
        "s",
        "strike",
        "del",
        "ins",
        "label",
        "center",
        "html",
        "body",
        "head",
        "title",
        "meta",
        "link",
        "o:p",
    ]
)
# Code, not prose. Text in <head>, <title>, <noscript>, <template> is still checked: a browser may show it.
SKIPPED_CONTENT_TAGS = ("script", "style")

_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment (unterminated comment runs to the end)
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][\w:-]*)(?P<attrs>(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)/?>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",
    re.DOTALL,
)
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


def _looks_like_tag(match: re.Match[str]) -> bool:
    """In plain text, only known tags with no attributes or name=value attributes count as markup."""
    attrs = (match.group("attrs") or "").strip().rstrip("/")
    return (match.group("tag") or "").lower() in KNOWN_TAGS and (not attrs or "=" in attrs)


def normalize(source: str, *, is_html: bool) -> NormalizedText:
    """Normalize ``source``; in plain text only recognisable HTML remnants are treated as markup."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(text: str, start: int, end: int) -> None:
        for ch in text:
            folded = fold_char(ch)
            if not folded:
                continue
            if folded == "\n" and chars and chars[-1] == "\n" and ch == "\n" and source[start - 1 : start] == "\r":
                ends[-1] = end  # \r\n is one line break
                continue
            chars.append(folded)
            starts.append(start)
            ends.append(end)

    pos = 0
    skip_until: str | None = None
    for match in _MARKUP.finditer(source):
        token = match.group(0)
        tag = (match.group("tag") or "").lower()
        if skip_until is not None:
            if tag == skip_until and match.group("close"):
                skip_until = None
                pos = match.end()
            continue
        if token.startswith("<") and not token.startswith("<!--") and not is_html and not _looks_like_tag(match):
            continue  # "a<b and c>d" in plain prose is not markup
        for i in range(pos, match.start()):
            emit(source[i], i, i + 1)
        if token.startswith("&"):
            emit(html.unescape(token), match.start(), match.end())
        elif token.startswith("<!--"):
            pass
        else:
            if tag in SKIPPED_CONTENT_TAGS and not match.group("close") and not token.endswith("/>"):
                skip_until = tag
            elif tag in CELL_TAGS:
                emit("\t", match.start(), match.end())  # cells of one table row stay on one line
            elif tag in BLOCK_TAGS:
                emit("\n", match.start(), match.end())
        pos = match.end()
    if skip_until is None:
        for i in range(pos, len(source)):
            emit(source[i], i, i + 1)
    return NormalizedText("".join(chars), tuple(starts), tuple(ends), len(source))
