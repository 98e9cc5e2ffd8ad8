"""The canonical form of a draft's content and its SHA-256 ``content_hash``.

An approval covers exactly one content hash, and the publish gate compares the hash of what a
CMS is about to publish with the approved one. Two contents may therefore share a hash only when
a reader's browser builds the same thing from them: an HTML body is parsed as a browser parses it
(``html_model``, the one HTML parse of the service) and its tree serialized with every attribute
except editor bookkeeping; plain text is never read as markup. Form 2 (the earlier definition,
whose HTML parser disagreed with browsers) is kept only so receipts issued under it stay
verifiable until they expire. Documented with test vectors in docs/canonical-hash.md; the Python
client ships the same code (this module and ``html_model``).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser

from .html_model import parse_html

HASH_PREFIX = "sha256:"
FORM_VERSION = 3
SUPPORTED_FORM_VERSIONS = frozenset({2, 3})
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def canonical_text(value: str) -> str:
    """NFC, LF line endings, no trailing spaces or tabs on any line."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip(" \t") for line in value.split("\n"))


def canonical_html(value: str) -> str:
    """Form 3: the browser's tree of ``value`` (fragment in a ``<div>``), serialized unambiguously."""
    return parse_html(value).canonical


def canonical_attachments(attachments: Iterable[Mapping[str, str]] = ()) -> str:
    """One line per attachment, ``<sha256 hex> <name length>:<name>``, sorted; empty when there are none.

    Names are NFC (a file name typed on another system keeps its hash); digests are 64 hex digits.
    """
    lines = []
    for attachment in attachments:
        name, digest = attachment.get("name"), attachment.get("sha256")
        if not isinstance(name, str) or not isinstance(digest, str):
            raise ValueError("an attachment needs a name and a sha256")
        digest = digest.lower().removeprefix(HASH_PREFIX)
        if not _SHA256_HEX.fullmatch(digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest[:80]!r}")
        name = unicodedata.normalize("NFC", name)
        lines.append((name, digest))
    return "".join(f"{digest} {len(name)}:{name}\n" for name, digest in sorted(lines))


class _Form2Html(HTMLParser):
    """Form 2's HTML spelling (Python's html.parser); only for checking receipts issued under it."""

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


def canonical_html_form2(value: str) -> str:
    parser = _Form2Html()
    parser.feed(unicodedata.normalize("NFC", value))
    parser.close()
    return canonical_text("".join(parser.out))


def _field(label: str, value: str) -> str:
    # The length makes the boundaries unambiguous: no field's text can pose as the next label.
    return f"[{label}:{len(value)}]\n{value}\n"


def canonical_form(
    *,
    title: str,
    body: str,
    summary: str | None = None,
    body_format: str = "text",
    attachments: Iterable[Mapping[str, str]] = (),
    form_version: int = FORM_VERSION,
) -> str:
    """The text that is hashed. ``attachments``: ``[{"name", "sha256"}]``, in any order."""
    if body_format not in ("text", "html"):
        raise ValueError(f"unknown body format: {body_format}")
    if form_version not in SUPPORTED_FORM_VERSIONS:
        raise ValueError(f"unknown canonical form version: {form_version}")
    listed = canonical_attachments(attachments)
    if form_version == 2:
        if listed:
            raise ValueError("canonical form 2 has no attachments")
        canonical_body = canonical_html_form2(body) if body_format == "html" else canonical_text(body)
    else:
        canonical_body = canonical_html(body) if body_format == "html" else canonical_text(body)
    form = (
        f"canonical-content v{form_version}\n"
        + _field("title", canonical_text(title))
        + _field("summary", canonical_text(summary or ""))
        + _field(f"body:{body_format}", canonical_body)
    )
    return form if form_version == 2 else form + _field("attachments", listed)


def content_hash(
    *,
    title: str,
    body: str,
    summary: str | None = None,
    body_format: str = "text",
    attachments: Iterable[Mapping[str, str]] = (),
    form_version: int = FORM_VERSION,
) -> str:
    form = canonical_form(
        title=title,
        body=body,
        summary=summary,
        body_format=body_format,
        attachments=attachments,
        form_version=form_version,
    )
    # surrogatepass: a lone surrogate is still content (and hashes), never a crash
    return HASH_PREFIX + hashlib.sha256(form.encode("utf-8", "surrogatepass")).hexdigest()
