"""Build real .docx files in memory for the reader's tests.

python-docx makes the base package (styles, relationships, headers), then the zip is edited to
inject what its API cannot write: tracked changes, hidden runs, comments, notes, properties.
Body content is given as WordprocessingML snippets built with the small helpers below.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml."

NAMESPACES = {
    "w": W,
    "r": R,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}
_DECLARATIONS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
_DATE = 'w:date="2024-05-01T09:00:00Z"'


# --- snippets ------------------------------------------------------------------------------------


def run(text: str, *, hidden: bool = False, vanish: str | None = None, style: str | None = None) -> str:
    """A run; ``hidden`` sets w:vanish, ``vanish`` sets it with an explicit w:val."""
    props = ""
    if style:
        props += f'<w:rStyle w:val="{style}"/>'
    if hidden:
        props += "<w:vanish/>"
    if vanish is not None:
        props += f'<w:vanish w:val="{vanish}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def spec_vanish_run(text: str) -> str:
    return f'<w:r><w:rPr><w:specVanish/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*content: str, style: str | None = None) -> str:
    """A paragraph; plain strings become runs, strings starting with "<" are taken as XML."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    inner = "".join(item if item.startswith("<") else run(item) for item in content)
    return f"<w:p>{ppr}{inner}</w:p>"


def insertion(text: str, author: str = "张三") -> str:
    return f'<w:ins w:id="101" w:author={quoteattr(author)} {_DATE}>{run(text)}</w:ins>'


def deletion(text: str, author: str = "张三", *, tag: str = "delText") -> str:
    """A tracked deletion; Word writes w:delText, some converters write a plain w:t inside w:del."""
    return (
        f'<w:del w:id="102" w:author={quoteattr(author)} {_DATE}>'
        f'<w:r><w:{tag} xml:space="preserve">{escape(text)}</w:{tag}></w:r></w:del>'
    )


def move_from(text: str, author: str = "张三") -> str:
    return f'<w:moveFrom w:id="103" w:author={quoteattr(author)} {_DATE}>{run(text)}</w:moveFrom>'


def move_to(text: str, author: str = "张三") -> str:
    return f'<w:moveTo w:id="104" w:author={quoteattr(author)} {_DATE}>{run(text)}</w:moveTo>'


def format_change(text: str, author: str = "张三") -> str:
    """A run whose bold formatting is a tracked change (no text changed)."""
    return (
        f'<w:r><w:rPr><w:b/><w:rPrChange w:id="105" w:author={quoteattr(author)} {_DATE}><w:rPr/></w:rPrChange>'
        f'</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def table(rows: Sequence[Sequence[str]], *, deleted_rows: Sequence[int] = ()) -> str:
    """A table of one-paragraph cells; rows listed in ``deleted_rows`` are tracked deletions."""
    out = []
    for index, cells in enumerate(rows):
        deleted = index in deleted_rows
        trpr = f'<w:trPr><w:del w:id="106" w:author="张三" {_DATE}/></w:trPr>' if deleted else ""
        tcs = "".join(f"<w:tc>{para(deletion(cell) if deleted else cell)}</w:tc>" for cell in cells)
        out.append(f"<w:tr>{trpr}{tcs}</w:tr>")
    return f"<w:tbl><w:tblPr/>{''.join(out)}</w:tbl>"


def text_box(text: str) -> str:
    """A floating text box as Word writes it: a DrawingML Choice and a VML Fallback with the same text."""
    content = f"<w:txbxContent>{para(text)}</w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def field(instruction: str, result: str) -> str:
    """A complex field: its instruction is never shown, its result is."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{escape(instruction)}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(result)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def hyperlink(text: str) -> str:
    return f'<w:hyperlink w:anchor="top">{run(text)}</w:hyperlink>'


def tab_and_break(before: str, after_tab: str, after_break: str) -> str:
    return (
        f"<w:r><w:t>{escape(before)}</w:t><w:tab/><w:t>{escape(after_tab)}</w:t>"
        f"<w:br/><w:t>{escape(after_break)}</w:t></w:r>"
    )


def content_control(*blocks: str) -> str:
    return f'<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent>{"".join(blocks)}</w:sdtContent></w:sdt>'


def hidden_character_style(style_id: str = "Secret") -> str:
    """A character style that hides its text, for ``styles_extra``."""
    return (
        f'<w:style w:type="character" w:styleId="{style_id}"><w:name w:val="{style_id}"/>'
        "<w:rPr><w:vanish/></w:rPr></w:style>"
    )


def based_on_style(style_id: str, parent: str) -> str:
    return (
        f'<w:style w:type="character" w:styleId="{style_id}"><w:name w:val="{style_id}"/>'
        f'<w:basedOn w:val="{parent}"/></w:style>'
    )


# --- the package ---------------------------------------------------------------------------------


def make_docx(
    body: Sequence[str] = (),
    *,
    header: Sequence[str] | None = None,
    footer: Sequence[str] | None = None,
    title: str = "",
    author: str = "",
    last_modified_by: str = "",
    company: str = "",
    manager: str = "",
    comments: Sequence[tuple[str, str]] = (),
    footnotes: Sequence[str] = (),
    styles_extra: str = "",
    embeddings: Mapping[str, bytes] | None = None,
    attached_template: str | None = None,
) -> bytes:
    """A .docx whose body is ``body`` (block snippets); everything identifying is empty unless given."""
    document = Document()
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = "placeholder"
    if footer is not None:
        section.footer.paragraphs[0].text = "placeholder"
    props = document.core_properties
    props.author = author
    props.last_modified_by = last_modified_by
    props.title = title
    props.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    parts = read_parts(buffer.getvalue())

    parts["word/document.xml"] = _replace_blocks(parts["word/document.xml"], body)
    for kind, blocks in (("header", header), ("footer", footer)):
        if blocks is not None:
            name = _target(parts, "word/_rels/document.xml.rels", kind)
            parts[name] = _replace_blocks(parts[name], blocks)
    parts["docProps/app.xml"] = _set_app(parts["docProps/app.xml"], Company=company, Manager=manager)
    if styles_extra:
        parts["word/styles.xml"] = parts["word/styles.xml"].replace(
            b"</w:styles>", styles_extra.encode() + b"</w:styles>"
        )
    if comments:
        items = "".join(
            f'<w:comment w:id="{i}" w:author={quoteattr(who)} w:initials="X" {_DATE}>{para(text)}</w:comment>'
            for i, (who, text) in enumerate(comments)
        )
        _add_part(parts, "comments.xml", f'<w:comments xmlns:w="{W}">{items}</w:comments>', "comments")
    if footnotes:
        items = (
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote>"
            + "".join(f'<w:footnote w:id="{i + 1}">{para(text)}</w:footnote>' for i, text in enumerate(footnotes))
        )
        _add_part(parts, "footnotes.xml", f'<w:footnotes xmlns:w="{W}">{items}</w:footnotes>', "footnotes")
    for name, blob in (embeddings or {}).items():
        parts[f"word/embeddings/{name}"] = blob
    if attached_template is not None:
        parts["word/settings.xml"] = parts["word/settings.xml"].replace(
            b"<w:zoom ", b'<w:attachedTemplate r:id="rIdTemplate"/><w:zoom ', 1
        )
        parts["word/_rels/settings.xml.rels"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rIdTemplate" Type="{REL_TYPE}attachedTemplate" '
            f'Target={quoteattr(attached_template)} TargetMode="External"/></Relationships>'
        ).encode()
    return zip_parts(parts)


def read_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_parts(parts: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def with_part(data: bytes, name: str, blob: bytes | None) -> bytes:
    """The same package with one part replaced (or removed when ``blob`` is None)."""
    parts = read_parts(data)
    if blob is None:
        parts.pop(name, None)
    else:
        parts[name] = blob
    return zip_parts(parts)


def mark_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" flag bit on every central-directory entry (zipfile cannot write it)."""
    out = bytearray(data)
    index = out.find(b"PK\x01\x02")
    while index != -1:
        out[index + 8] |= 0x01
        index = out.find(b"PK\x01\x02", index + 4)
    return bytes(out)


def _replace_blocks(xml: bytes, blocks: Sequence[str]) -> bytes:
    """Replace a story's blocks (document body, header or footer), keeping the section properties."""
    root = etree.fromstring(xml)
    container = root.find(f"{{{W}}}body") if root.tag == f"{{{W}}}document" else root
    assert container is not None
    keep = container.find(f"{{{W}}}sectPr")
    for child in list(container):
        if child is not keep:
            container.remove(child)
    snippet = etree.fromstring(f"<w:body {_DECLARATIONS}>{''.join(blocks)}</w:body>".encode())
    for child in list(snippet):
        if keep is not None:
            keep.addprevious(child)
        else:
            container.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _target(parts: Mapping[str, bytes], rels_name: str, kind: str) -> str:
    rels = etree.fromstring(parts[rels_name])
    for rel in rels.iterfind(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type") == REL_TYPE + kind:
            return "word/" + rel.get("Target", "")
    raise KeyError(kind)


def _set_app(xml: bytes, **values: str) -> bytes:
    root = etree.fromstring(xml)
    for name, value in values.items():
        element = root.find(f"{{{EP}}}{name}")
        if element is None:
            element = etree.SubElement(root, f"{{{EP}}}{name}")
        element.text = value or None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_part(parts: dict[str, bytes], name: str, xml: str, kind: str) -> None:
    """Add word/<name> with its relationship from the document and its content type."""
    parts[f"word/{name}"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml).encode()
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=f"rId{kind}", Type=REL_TYPE + kind, Target=name)
    parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    types = etree.fromstring(parts["[Content_Types].xml"])
    etree.SubElement(types, f"{{{CT}}}Override", PartName=f"/word/{name}", ContentType=f"{CONTENT_TYPE}{kind}+xml")
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
