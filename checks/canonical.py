"""The canonical form of a draft's content and its SHA-256 ``content_hash``.

An approval covers exactly one content hash, and the publish gate compares the hash of what
a CMS is about to publish with the approved one; so the canonical form ignores what does not
change what readers see (Unicode composition, line endings, trailing spaces, attribute order,
styling attributes) and keeps everything that does (text, structure, links and images).
Documented with test vectors in docs/canonical-hash.md; the Python client ships the same code.
"""

from __future__ import annotations

import hashlib
import html
import unicodedata
from html.parser import HTMLParser

HASH_PREFIX = "sha256:"
# Tags that carry structure or meaning; others are dropped and their text kept.
ALLOWED_TAGS = frozenset(
    "p br div span a img ul ol li table thead tbody tfoot tr td th caption h1 h2 h3 h4 h5 h6 "
    "strong b em i u s sub sup blockquote pre code hr figure figcaption section article".split()
)
VOID_TAGS = frozenset(("br", "img", "hr"))
ALLOWED_ATTRIBUTES = {"a": ("href",), "img": ("src", "alt"), "td": ("colspan", "rowspan"), "th": ("colspan", "rowspan")}
DROPPED_WITH_CONTENT = frozenset(("script", "style", "template", "noscript", "head", "title"))


def canonical_text(value: str) -> str:
    """NFC, LF line endings, no trailing spaces or tabs on any line."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip(" \t") for line in value.split("\n"))


class _Canonicalizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in DROPPED_WITH_CONTENT:
            self._skip_depth += 1
            return
        if self._skip_depth or tag not in ALLOWED_TAGS:
            return
        kept = sorted(
            (name.lower(), (value or "").strip())
            for name, value in attrs
            if name.lower() in ALLOWED_ATTRIBUTES.get(tag, ())
        )
        rendered = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in kept)
        self.out.append(f"<{tag}{rendered}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() in DROPPED_WITH_CONTENT:
            self._skip_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in DROPPED_WITH_CONTENT:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if self._skip_depth or tag not in ALLOWED_TAGS or tag in VOID_TAGS:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.out.append(html.escape(data, quote=False))


def canonical_html(value: str) -> str:
    parser = _Canonicalizer()
    parser.feed(unicodedata.normalize("NFC", value))
    parser.close()
    return canonical_text("".join(parser.out))


def canonical_form(*, title: str, body: str, summary: str | None = None, body_format: str = "text") -> str:
    if body_format not in ("text", "html"):
        raise ValueError(f"unknown body format: {body_format}")
    canonical_body = canonical_html(body) if body_format == "html" else canonical_text(body)
    return (
        f"[title]\n{canonical_text(title)}\n"
        f"[summary]\n{canonical_text(summary or '')}\n"
        f"[body:{body_format}]\n{canonical_body}"
    )


def content_hash(*, title: str, body: str, summary: str | None = None, body_format: str = "text") -> str:
    form = canonical_form(title=title, body=body, summary=summary, body_format=body_format)
    return HASH_PREFIX + hashlib.sha256(form.encode("utf-8")).hexdigest()
