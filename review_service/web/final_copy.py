"""复制/下载定稿: the approved version as plain text and as a minimal Word file, nothing added or lost.

Only the approved (or published) content is offered: the caller checks the draft's status and that
the version is the one the workflow approved. HTML bodies become paragraphs of their text; a .docx
is written with the standard library (a WordprocessingML package of three parts).
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from review_service.models import DraftVersion

BLOCKS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 tr table ul ol blockquote section article header footer pre figure".split()
)
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = [""]
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.skip += 1
        elif tag == "br" or tag in BLOCKS:
            self.parts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts[-1] += data


def paragraphs(version: DraftVersion) -> list[str]:
    """The body's paragraphs: lines of a text body, block elements of an HTML body."""
    if version.body_format != "html":
        return version.body.split("\n")
    parser = _Paragraphs()
    parser.feed(version.body)
    parser.close()
    return [" ".join(p.split()) for p in parser.parts if p.strip()]


def final_text(version: DraftVersion) -> str:
    """Title, summary (if any) and body, separated by blank lines; a text body verbatim."""
    head = [version.title]
    if version.summary:
        head.append(version.summary)
    body = version.body if version.body_format != "html" else "\n".join(paragraphs(version))
    return "\n\n".join([*head, body])


def _run(text: str, *, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    clean = escape(XML_INVALID.sub("", text))
    return f'<w:r>{props}<w:t xml:space="preserve">{clean}</w:t></w:r>'


def _paragraph(text: str, *, bold: bool = False, center: bool = False) -> str:
    props = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return f"<w:p>{props}{_run(text, bold=bold) if text else ''}</w:p>"


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def final_docx(version: DraftVersion) -> bytes:
    """A Word file with the title (centred, bold), the summary and one paragraph per body paragraph."""
    body = [_paragraph(version.title, bold=True, center=True)]
    if version.summary:
        body.append(_paragraph(version.summary))
    body += [_paragraph(p) for p in paragraphs(version)]
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{''.join(body)}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS)
        package.writestr("word/document.xml", document)
    return out.getvalue()
