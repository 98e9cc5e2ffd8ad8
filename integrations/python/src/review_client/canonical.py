"""The canonical form of a draft's content and its SHA-256 ``content_hash``.

An approval covers exactly one content hash, and the publish gate compares the hash of what a
CMS is about to publish with the approved one. The canonical form therefore only forgets what
cannot change what a reader's browser does — Unicode composition, line endings, trailing spaces,
tag-name case, attribute order and quoting, entity spelling — and keeps everything else, markup
included: fail-closed, so an added script, style, frame or hidden element is new content.
Documented with test vectors in docs/canonical-hash.md; the Python client ships the same code.
"""

from __future__ import annotations

import hashlib
import html
import unicodedata
from html.parser import HTMLParser

HASH_PREFIX = "sha256:"
FORM_VERSION = 2
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())


def canonical_text(value: str) -> str:
    """NFC, LF line endings, no trailing spaces or tabs on any line."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip(" \t") for line in value.split("\n"))


class _Canonicalizer(HTMLParser):
    """Re-serializes every tag, attribute, comment and text node in one spelling."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> str:
        rendered = "".join(
            f' {name}="{html.escape(value, quote=True)}"'
            for name, value in sorted((n.lower(), (v or "").strip()) for n, v in attrs)
        )
        return f"<{tag.lower()}{rendered}{close}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, "" if tag.lower() in VOID_TAGS else "/"))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag.lower()}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def canonical_html(value: str) -> str:
    parser = _Canonicalizer()
    parser.feed(unicodedata.normalize("NFC", value))
    parser.close()
    return canonical_text("".join(parser.out))


def _field(label: str, value: str) -> str:
    # The length makes the boundaries unambiguous: no field's text can pose as the next label.
    return f"[{label}:{len(value)}]\n{value}\n"


def canonical_form(*, title: str, body: str, summary: str | None = None, body_format: str = "text") -> str:
    if body_format not in ("text", "html"):
        raise ValueError(f"unknown body format: {body_format}")
    canonical_body = canonical_html(body) if body_format == "html" else canonical_text(body)
    return (
        f"canonical-content v{FORM_VERSION}\n"
        + _field("title", canonical_text(title))
        + _field("summary", canonical_text(summary or ""))
        + _field(f"body:{body_format}", canonical_body)
    )


def content_hash(*, title: str, body: str, summary: str | None = None, body_format: str = "text") -> str:
    form = canonical_form(title=title, body=body, summary=summary, body_format=body_format)
    # surrogatepass: a lone surrogate is still content (and hashes), never a crash
    return HASH_PREFIX + hashlib.sha256(form.encode("utf-8", "surrogatepass")).hexdigest()
