"""Read a Word .docx: the text a reader sees, and what the file hides that can leak secrets.

Pure (bytes in, text and findings out; no network, no database), like everything in ``checks``.
The package XML is parsed directly because python-docx's API hides tracked changes and hidden runs,
which are exactly what a pre-publication review must see.

Visible text is what Word shows with all revisions accepted: inserted text is in, deleted and
moved-away text is out, hidden runs are out. Its lines are the body's paragraphs (table cells row
by row, text boxes after the paragraph that anchors them), then footnotes, endnotes, headers and
footers, because those are published too. Offsets of later findings point into this text.

This module puts the parts together; each job has its module in ``checks/docx/``: ``zipsafe``
(zip limits shared with attachments), ``package`` (parts and relationships within a byte budget),
``ooxml`` (namespaces, safe XML parsing), ``styles`` and ``story`` (visible lines, hidden text,
revisions), ``parts`` (comments, headers and footers, properties) and ``disclosures`` (the findings).
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.docx import disclosures, parts
from checks.docx.disclosures import (
    CATEGORY_COMMENTS,
    CATEGORY_EMBEDDED,
    CATEGORY_HIDDEN_TEXT,
    CATEGORY_PROPERTIES,
    CATEGORY_REVISIONS,
    DOCX_CATEGORIES,
    QUOTE_LIMIT,
)
from checks.docx.errors import DocxError, invalid
from checks.docx.ooxml import ENCRYPTED_PACKAGE, OLE2_MAGIC, W_NAMESPACES, local_name, namespace_of
from checks.docx.package import Package
from checks.docx.story import StoryReader, trimmed
from checks.docx.styles import Styles
from checks.docx.zipsafe import DEFAULT_MAX_RATIO
from checks.finding import Finding

__all__ = [  # what callers import from here; the parts live in checks/docx/
    "CATEGORY_COMMENTS",
    "CATEGORY_EMBEDDED",
    "CATEGORY_HIDDEN_TEXT",
    "CATEGORY_PROPERTIES",
    "CATEGORY_REVISIONS",
    "DOCX_CATEGORIES",
    "ENCRYPTED_PACKAGE",
    "OLE2_MAGIC",
    "QUOTE_LIMIT",
    "DocxContent",
    "DocxError",
    "read_docx",
]

DEFAULT_MAX_UNCOMPRESSED = 50_000_000
SPECIAL_NOTE_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


@dataclass(frozen=True, slots=True)
class DocxContent:
    """What the check engine needs from a .docx: its visible text, title and hidden-content findings."""

    text: str
    title: str | None
    hidden_findings: tuple[Finding, ...]


def read_docx(
    data: bytes, *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED, max_ratio: int = DEFAULT_MAX_RATIO
) -> DocxContent:
    """Read a .docx from bytes; raise DocxError for anything that is not a readable, unencrypted .docx.

    A zip bomb is ``docx_too_large`` whether its parts declare too much in all, inflate more than
    ``max_ratio`` times (any part over 1 MB), or number more than the entry limit.
    """
    package = Package(data, max_uncompressed, max_ratio)
    main_name = package.main_document()
    root = package.xml(main_name)
    w = namespace_of(root)
    if w not in W_NAMESPACES or local_name(root) != "document":
        raise invalid(f"{main_name} is not a WordprocessingML document")
    body = root.find(f"{{{w}}}body")
    if body is None:
        raise invalid(f"{main_name} has no body")

    relations = package.relationships(main_name)
    reader = StoryReader(w, Styles.load(package, relations, w))
    lines = reader.blocks(body)
    reader.scan_revisions(root)

    extra: list[str] = []
    for kind, item in (("footnotes", "footnote"), ("endnotes", "endnote")):
        for name in relations.targets(kind):
            notes = package.xml_or_none(name)
            if notes is None:
                continue
            reader.scan_revisions(notes)
            for note in notes.iterfind(f"{{{w}}}{item}"):
                if note.get(f"{{{w}}}type") not in SPECIAL_NOTE_TYPES:
                    extra.extend(trimmed(reader.blocks(note)))
    for name in parts.header_footer_parts(root, relations, w):
        part = package.xml_or_none(name)
        if part is not None:
            reader.scan_revisions(part)
            extra.extend(trimmed(reader.blocks(part)))

    findings: list[Finding] = []
    if reader.revisions:
        findings.append(disclosures.revisions_finding(reader))
    comments = parts.comments(package, relations, w)
    if comments:
        findings.append(disclosures.comments_finding(comments))
    if reader.hidden:
        findings.append(disclosures.hidden_finding(reader.hidden))
    embedded = package.embedded_objects()
    if embedded:
        findings.append(disclosures.embedded_finding(embedded))
    title, properties = parts.properties(package, relations, w)
    if properties:
        findings.append(disclosures.properties_finding(properties))
    return DocxContent(text="\n".join(lines + extra), title=title, hidden_findings=tuple(findings))
