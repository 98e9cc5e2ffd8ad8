"""Read a Word .docx: the text a reader sees, and what the file hides that can leak secrets.

Pure (bytes in, text and findings out; no network, no database), like everything in ``checks``.
The package XML is parsed directly because python-docx's API hides tracked changes and hidden runs,
which are exactly what a pre-publication review must see.

Visible text is what Word shows with all revisions accepted: inserted text is in, deleted and
moved-away text is out, hidden runs are out. Its lines are the body's paragraphs (table cells row
by row, text boxes after the paragraph that anchors them), then footnotes, endnotes, headers and
footers, because those are published too. Offsets of later findings point into this text.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from checks.docx.zipsafe import ZipLimitError, open_listing
from checks.finding import Finding, Severity

# Transitional and Strict OOXML spell the WordprocessingML namespace differently.
W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
R_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
EP_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
)
MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"

DEFAULT_MAX_UNCOMPRESSED = 50_000_000
QUOTE_LIMIT = 80  # characters of quoted hidden content in one explanation
MAX_SAMPLES = 5

# A password-protected .docx is not a zip but an OLE2 compound file holding an "EncryptedPackage" stream.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# Elements that record a tracked change (content or formatting) with its author.
REVISION_TAGS = frozenset(
    {
        "ins",
        "del",
        "moveFrom",
        "moveTo",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblPrExChange",
        "tblGridChange",
        "trPrChange",
        "tcPrChange",
        "numberingChange",
        "cellIns",
        "cellDel",
        "cellMerge",
    }
)
# Inline elements whose content never shows: removed content, field instructions, properties.
SKIPPED_INLINE = frozenset(
    {"pPr", "rPr", "del", "moveFrom", "instrText", "delInstrText", "delText", "sdtPr", "sdtEndPr", "fldData"}
)
SPECIAL_NOTE_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})
FALSE_VALUES = frozenset({"0", "false", "off"})

CATEGORY_REVISIONS = "secret.docx_revisions"
CATEGORY_COMMENTS = "secret.docx_comments"
CATEGORY_HIDDEN_TEXT = "secret.docx_hidden_text"
CATEGORY_EMBEDDED = "secret.docx_embedded"
CATEGORY_PROPERTIES = "metadata.docx_properties"
DOCX_CATEGORIES = (
    CATEGORY_REVISIONS,
    CATEGORY_COMMENTS,
    CATEGORY_HIDDEN_TEXT,
    CATEGORY_EMBEDDED,
    CATEGORY_PROPERTIES,
)


class DocxError(ValueError):
    """A file that cannot be read as a .docx; ``code`` is stable for the API's error JSON."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message = message
        self.message_en = message_en


def _invalid(detail: str) -> DocxError:
    return DocxError("docx_invalid", "文件不是有效的 Word .docx 文档，请用 Word 另存为 .docx 后重新上传", detail)


def _too_large() -> DocxError:
    return DocxError(
        "docx_too_large",
        "文档解压后过大，无法处理",
        "the document is too large once uncompressed",
    )


def _encrypted() -> DocxError:
    return DocxError(
        "docx_encrypted",
        "文档已加密（设有打开密码），请取消密码保护后重新上传",
        "the document is password-protected",
    )


@dataclass(frozen=True, slots=True)
class DocxContent:
    """What the check engine needs from a .docx: its visible text, title and hidden-content findings."""

    text: str
    title: str | None
    hidden_findings: tuple[Finding, ...]


def read_docx(data: bytes, *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED) -> DocxContent:
    """Read a .docx from bytes; raise DocxError for anything that is not a readable, unencrypted .docx."""
    package = _Package(data, max_uncompressed)
    main_name = package.main_document()
    root = package.xml(main_name)
    w = _namespace(root)
    if w not in W_NAMESPACES or _local(root) != "document":
        raise _invalid(f"{main_name} is not a WordprocessingML document")
    body = root.find(f"{{{w}}}body")
    if body is None:
        raise _invalid(f"{main_name} has no body")

    relations = package.relationships(main_name)
    reader = _StoryReader(w, _Styles.load(package, relations, w))
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
                    extra.extend(_trimmed(reader.blocks(note)))
    for name in _header_footer_parts(root, relations, w):
        part = package.xml_or_none(name)
        if part is not None:
            reader.scan_revisions(part)
            extra.extend(_trimmed(reader.blocks(part)))

    findings: list[Finding] = []
    if reader.revisions:
        findings.append(_revisions_finding(reader))
    comments = _comments(package, relations, w)
    if comments:
        findings.append(_comments_finding(comments))
    if reader.hidden:
        findings.append(_hidden_finding(reader.hidden))
    embedded = package.embedded_objects()
    if embedded:
        findings.append(_embedded_finding(embedded))
    title, properties = _properties(package, relations, w)
    if properties:
        findings.append(_properties_finding(properties))
    return DocxContent(text="\n".join(lines + extra), title=title, hidden_findings=tuple(findings))


# --- the zip package -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Relation:
    kind: str  # last segment of the relationship type, e.g. "header"
    target: str  # part name inside the zip, or the raw target when external
    external: bool


@dataclass(frozen=True, slots=True)
class _Relations:
    by_id: dict[str, _Relation]

    def targets(self, kind: str) -> list[str]:
        return [rel.target for rel in self.by_id.values() if rel.kind == kind and not rel.external]


class _Package:
    """A zip opened defensively: declared and actually inflated sizes both count against one budget."""

    def __init__(self, data: bytes, max_uncompressed: int) -> None:
        if bytes(data[:8]) == OLE2_MAGIC:
            if ENCRYPTED_PACKAGE in data:
                raise _encrypted()
            raise _invalid("an OLE2 compound file (a legacy .doc?), not a .docx")
        try:
            self._zip, infos = open_listing(data)
        except ZipLimitError as exc:
            raise _invalid(exc.detail) from exc
        if sum(info.file_size for info in infos) > max_uncompressed:
            raise _too_large()
        if any(info.flag_bits & 0x1 for info in infos):
            raise _encrypted()
        # OPC part names are case-insensitive; the last entry of a duplicated name wins, as in zipfile.
        self._infos = {info.filename.lower(): info for info in infos}
        self._budget = max_uncompressed

    def has(self, name: str) -> bool:
        return name.lower() in self._infos

    def names(self) -> list[str]:
        return [info.filename for info in self._infos.values()]

    def read(self, name: str) -> bytes | None:
        info = self._infos.get(name.lower())
        if info is None:
            return None
        try:
            with self._zip.open(info) as handle:
                blob = handle.read(self._budget + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            OSError,
            ValueError,
        ) as exc:
            raise _invalid(f"cannot inflate {name} ({exc})") from exc
        if len(blob) > self._budget:
            raise _too_large()
        self._budget -= len(blob)
        return blob

    def xml_or_none(self, name: str) -> etree._Element | None:
        blob = self.read(name)
        return None if blob is None else _parse(blob, name)

    def xml(self, name: str) -> etree._Element:
        root = self.xml_or_none(name)
        if root is None:
            raise _invalid(f"missing part {name}")
        return root

    def relationships(self, part: str) -> _Relations:
        """The relationships of ``part`` ("" for the package), with targets resolved to part names."""
        directory, base = posixpath.split(part)
        rels = self.xml_or_none(posixpath.join(directory, "_rels", f"{base}.rels"))
        by_id: dict[str, _Relation] = {}
        if rels is None:
            return _Relations(by_id)
        for rel in rels.iterfind(f"{{{PKG_REL_NS}}}Relationship"):
            kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            external = rel.get("TargetMode") == "External"
            resolved = unquote(target) if external else _resolve(directory, target)
            if resolved is not None:
                by_id[rel.get("Id") or ""] = _Relation(kind, resolved, external)
        return _Relations(by_id)

    def main_document(self) -> str:
        for name in self.relationships("").targets("officeDocument"):
            if self.has(name):
                return name
        if self.has("word/document.xml"):
            return "word/document.xml"
        raise _invalid("no word/document.xml")

    def embedded_objects(self) -> list[str]:
        """OLE objects, embedded packages (e.g. a chart's whole workbook) and macros: not shown, but shipped."""
        return sorted(
            name
            for name in self.names()
            if (name.lower().startswith("word/embeddings/") and not name.endswith("/"))
            or name.lower() == "word/vbaproject.bin"
        )


def _resolve(directory: str, target: str) -> str | None:
    target = unquote(target.split("#", 1)[0])
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(directory, target)
    path = posixpath.normpath(path) if path else path
    if not path or path == "." or path.startswith("../"):
        return None
    return path


def _parse(blob: bytes, name: str) -> etree._Element:
    """Parse untrusted XML: no DTD, no entities, no network (OOXML never needs them)."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(blob, parser)
    except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
        raise _invalid(f"{name} is not well-formed XML ({exc})") from exc
    if root is None:
        raise _invalid(f"{name} is empty")
    if root.getroottree().docinfo.doctype:
        raise _invalid(f"{name} declares a DTD, which OOXML forbids")
    return root


def _namespace(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _toggle(el: etree._Element | None, w: str) -> bool | None:
    """An on/off property: None when absent, true unless w:val says 0/false/off."""
    if el is None:
        return None
    return (el.get(f"{{{w}}}val") or "true").lower() not in FALSE_VALUES


def _trimmed(lines: list[str]) -> list[str]:
    """Drop blank lines at the ends of a header, footer or note (they carry nothing)."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


# --- styles: hidden text can come from a style, not only from a run ----------------------------


@dataclass(frozen=True, slots=True)
class _Styles:
    hidden_ids: frozenset[str] = frozenset()
    default_paragraph_hidden: bool = False

    @classmethod
    def load(cls, package: _Package, relations: _Relations, w: str) -> _Styles:
        for name in relations.targets("styles"):
            root = package.xml_or_none(name)
            if root is not None:
                return cls.from_xml(root, w)
        return cls()

    @classmethod
    def from_xml(cls, root: etree._Element, w: str) -> _Styles:
        doc_default = bool(_toggle(root.find(f"{{{w}}}docDefaults/{{{w}}}rPrDefault/{{{w}}}rPr/{{{w}}}vanish"), w))
        own: dict[str, bool | None] = {}
        based_on: dict[str, str] = {}
        default_paragraph: str | None = None
        for style in root.iterfind(f"{{{w}}}style"):
            style_id = style.get(f"{{{w}}}styleId")
            if not style_id:
                continue
            own[style_id] = _toggle(style.find(f"{{{w}}}rPr/{{{w}}}vanish"), w)
            parent = style.find(f"{{{w}}}basedOn")
            if parent is not None and parent.get(f"{{{w}}}val"):
                based_on[style_id] = parent.get(f"{{{w}}}val") or ""
            is_default = (style.get(f"{{{w}}}default") or "").lower() in {"1", "true", "on"}
            if is_default and style.get(f"{{{w}}}type") == "paragraph":
                default_paragraph = style_id

        def hidden(style_id: str | None) -> bool:
            seen: set[str] = set()
            while style_id and style_id not in seen:
                seen.add(style_id)
                value = own.get(style_id)
                if value is not None:
                    return value
                style_id = based_on.get(style_id)
            return doc_default

        return cls(
            hidden_ids=frozenset(style_id for style_id in own if hidden(style_id)),
            default_paragraph_hidden=hidden(default_paragraph) if default_paragraph else doc_default,
        )


# --- stories: body, notes, headers, footers, comments ---------------------------------------------


@dataclass
class _StoryReader:
    """Walks WordprocessingML blocks into visible lines, collecting what is hidden along the way."""

    w: str
    styles: _Styles
    hidden: list[str] = field(default_factory=list)
    revisions: int = 0
    revision_authors: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def blocks(self, container: etree._Element) -> list[str]:
        lines: list[str] = []
        for child in container:
            ns, local = _namespace(child), _local(child)
            if ns == MC_NS and local == "AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    lines.extend(self.blocks(choice))
            elif ns != self.w:
                continue
            elif local == "p":
                self._paragraph(child, lines)
            elif local == "tbl":
                self._table(child, lines)
            elif local == "sdt":
                content = child.find(f"{{{self.w}}}sdtContent")
                if content is not None:
                    lines.extend(self.blocks(content))
            elif local in {"customXml", "ins", "moveTo", "smartTag"}:
                lines.extend(self.blocks(child))
        return lines

    def _wrapped(self, parent: etree._Element, wanted: str) -> Iterator[etree._Element]:
        """Children named ``wanted``, also through content-control and custom-XML wrappers."""
        for child in parent:
            if _namespace(child) != self.w:
                continue
            local = _local(child)
            if local == wanted:
                yield child
            elif local == "sdt":
                content = child.find(f"{{{self.w}}}sdtContent")
                if content is not None:
                    yield from self._wrapped(content, wanted)
            elif local == "customXml":
                yield from self._wrapped(child, wanted)

    def _table(self, table: etree._Element, lines: list[str]) -> None:
        w = self.w
        for row in self._wrapped(table, "tr"):
            if row.find(f"{{{w}}}trPr/{{{w}}}del") is not None:
                continue  # a deleted row; its text is quoted by scan_revisions
            for cell in self._wrapped(row, "tc"):
                lines.extend(self.blocks(cell))

    def _paragraph(self, paragraph: etree._Element, lines: list[str]) -> None:
        w = self.w
        style = paragraph.find(f"{{{w}}}pPr/{{{w}}}pStyle")
        if style is not None:
            paragraph_hidden = style.get(f"{{{w}}}val") in self.styles.hidden_ids
        else:
            paragraph_hidden = self.styles.default_paragraph_hidden
        visible: list[str] = []
        hidden: list[str] = []
        nested: list[str] = []
        self._inline(paragraph, visible, hidden, nested, paragraph_hidden)
        text = "".join(visible)
        hidden_text = "".join(hidden)
        if hidden_text.strip():
            self.hidden.append(hidden_text)
        if text or not hidden_text:
            lines.append(text)  # a paragraph of nothing but hidden text vanishes with it
        lines.extend(nested)

    def _inline(
        self,
        el: etree._Element,
        visible: list[str],
        hidden: list[str],
        nested: list[str],
        paragraph_hidden: bool,
    ) -> None:
        for child in el:
            ns, local = _namespace(child), _local(child)
            if ns == self.w:
                if local in SKIPPED_INLINE:
                    continue
                if local == "r":
                    self._run(child, visible, hidden, nested, paragraph_hidden)
                elif local == "txbxContent":
                    nested.extend(self.blocks(child))
                else:  # hyperlink, ins, moveTo, smartTag, customXml, sdt, sdtContent, fldSimple, dir, bdo…
                    self._inline(child, visible, hidden, nested, paragraph_hidden)
            elif ns == MC_NS and local == "Fallback":
                continue  # repeats the Choice for old readers
            elif ns == MATH_NS and local == "r":
                self._run(child, visible, hidden, nested, paragraph_hidden)
            else:
                self._inline(child, visible, hidden, nested, paragraph_hidden)

    def _run(
        self,
        run: etree._Element,
        visible: list[str],
        hidden: list[str],
        nested: list[str],
        paragraph_hidden: bool,
    ) -> None:
        w = self.w
        out = hidden if self._run_hidden(run, paragraph_hidden) else visible
        for child in run:
            ns, local = _namespace(child), _local(child)
            if local == "t" and ns in (w, MATH_NS):
                out.append(child.text or "")
            elif ns != w:
                self._inline(child, visible, hidden, nested, paragraph_hidden)
            elif local in {"tab", "ptab"}:
                out.append("\t")
            elif local in {"br", "cr"}:
                out.append("\n")
            elif local == "noBreakHyphen":
                out.append("\u2011")
            elif local in {"drawing", "pict", "object"}:
                self._inline(child, visible, hidden, nested, paragraph_hidden)

    def _run_hidden(self, run: etree._Element, paragraph_hidden: bool) -> bool:
        w = self.w
        props = run.find(f"{{{w}}}rPr")
        if props is None:
            return paragraph_hidden
        if _toggle(props.find(f"{{{w}}}specVanish"), w):
            return True
        vanish = _toggle(props.find(f"{{{w}}}vanish"), w)
        if vanish is not None:
            return vanish
        style = props.find(f"{{{w}}}rStyle")
        if style is not None and style.get(f"{{{w}}}val") in self.styles.hidden_ids:
            return True
        return paragraph_hidden

    def scan_revisions(self, root: etree._Element) -> None:
        """Count tracked changes in one part, note their authors and sample the deleted text."""
        w = self.w
        for el in root.iter():
            if _namespace(el) != w or _local(el) not in REVISION_TAGS:
                continue
            self.revisions += 1
            author = (el.get(f"{{{w}}}author") or "").strip()
            if author and author not in self.revision_authors:
                self.revision_authors.append(author)
            if _local(el) == "del":
                text = "".join(t.text or "" for t in el.iter(f"{{{w}}}delText", f"{{{w}}}t"))
                if text.strip():
                    self.deleted.append(text)


@dataclass(frozen=True, slots=True)
class _Comment:
    author: str
    text: str


def _comments(package: _Package, relations: _Relations, w: str) -> list[_Comment]:
    names = relations.targets("comments") or (["word/comments.xml"] if package.has("word/comments.xml") else [])
    found: list[_Comment] = []
    for name in names:
        root = package.xml_or_none(name)
        if root is None:
            continue
        reader = _StoryReader(w, _Styles())
        for comment in root.iterfind(f"{{{w}}}comment"):
            text = " ".join(line for line in reader.blocks(comment) if line.strip())
            # Hidden runs inside a comment are still part of what the comment discloses.
            text = " ".join([text, *reader.hidden]).strip()
            reader.hidden.clear()
            found.append(_Comment((comment.get(f"{{{w}}}author") or "").strip(), text))
    return found


def _header_footer_parts(root: etree._Element, relations: _Relations, w: str) -> list[str]:
    """Headers then footers, in the order the sections reference them (each part once)."""
    parts: list[str] = []
    for kind in ("header", "footer"):
        for reference in root.iter(f"{{{w}}}{kind}Reference"):
            rel_id = next((reference.get(f"{{{r}}}id") for r in R_NAMESPACES if reference.get(f"{{{r}}}id")), None)
            rel = relations.by_id.get(rel_id or "")
            if rel is not None and not rel.external and rel.kind == kind and rel.target not in parts:
                parts.append(rel.target)
    return parts


def _properties(package: _Package, relations: _Relations, w: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The core title, and the identifying properties that are set (label, value)."""
    package_rels = package.relationships("")
    core_name = next(iter(package_rels.targets("core-properties")), "docProps/core.xml")
    app_name = next(
        iter(package_rels.targets("extended-properties") + package_rels.targets("extendedProperties")),
        "docProps/app.xml",
    )
    found: list[tuple[str, str]] = []
    title: str | None = None
    core = package.xml_or_none(core_name)
    if core is not None:
        title = _text_of(core.find(f"{{{DC_NS}}}title")) or None
        found.append(("作者", _text_of(core.find(f"{{{DC_NS}}}creator"))))
        found.append(("最后修改者", _text_of(core.find(f"{{{CP_NS}}}lastModifiedBy"))))
    app = package.xml_or_none(app_name)
    if app is not None:
        ep = _namespace(app) if _namespace(app) in EP_NAMESPACES else EP_NAMESPACES[0]
        found.append(("单位", _text_of(app.find(f"{{{ep}}}Company"))))
        found.append(("经理", _text_of(app.find(f"{{{ep}}}Manager"))))
    found.append(("附加模板", _attached_template(package, relations, w)))
    return title, [(label, value) for label, value in found if value]


def _attached_template(package: _Package, relations: _Relations, w: str) -> str:
    """The attached template's path: often a local path that names the author's account or server."""
    for name in relations.targets("settings"):
        settings = package.xml_or_none(name)
        element = None if settings is None else settings.find(f"{{{w}}}attachedTemplate")
        if element is None:
            continue
        rel_id = next((element.get(f"{{{r}}}id") for r in R_NAMESPACES if element.get(f"{{{r}}}id")), "")
        rel = package.relationships(name).by_id.get(rel_id or "")
        if rel is not None:
            return rel.target.strip()
    return ""


def _text_of(el: etree._Element | None) -> str:
    return "" if el is None else "".join(el.itertext()).strip()


# --- findings --------------------------------------------------------------------------------------


def _clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(samples: list[str]) -> str:
    return "「" + _clip("」「".join(_clip(s) for s in samples[:MAX_SAMPLES])) + "」"


def _finding(category: str, severity: Severity, message: str, rule: str, explanation: str) -> Finding:
    return Finding(
        category=category,
        start=0,
        end=0,
        severity=severity,
        message=message,
        suggestion=None,
        rule=rule,
        explanation=explanation,
        field="docx",
    )


def _revisions_finding(reader: _StoryReader) -> Finding:
    parts = [f"修订 {reader.revisions} 处"]
    if reader.revision_authors:
        parts.append("修订者：" + _clip("、".join(reader.revision_authors)))
    if reader.deleted:
        parts.append("已删除内容：" + _quote(reader.deleted))
    return _finding(
        CATEGORY_REVISIONS,
        Severity.BLOCK,
        "文档含有未处理的修订痕迹，已删除的内容仍保存在文件中，发布前请接受或拒绝全部修订",
        "docx.revisions",
        "；".join(parts),
    )


def _comments_finding(comments: list[_Comment]) -> Finding:
    samples = [f"{c.author or '（无作者）'}：{c.text}" for c in comments]
    return _finding(
        CATEGORY_COMMENTS,
        Severity.BLOCK,
        "文档含有批注，发布前请删除全部批注",
        "docx.comments",
        f"批注 {len(comments)} 条：{_quote(samples)}",
    )


def _hidden_finding(samples: list[str]) -> Finding:
    return _finding(
        CATEGORY_HIDDEN_TEXT,
        Severity.BLOCK,
        "文档含有隐藏文字，发布前请删除隐藏文字",
        "docx.hidden_text",
        f"隐藏文字 {len(samples)} 处：{_quote(samples)}",
    )


def _embedded_finding(names: list[str]) -> Finding:
    return _finding(
        CATEGORY_EMBEDDED,
        Severity.WARN,
        "文档含有嵌入对象（如图表数据、OLE 对象或宏），其中可能包含未公开的数据，发布前请确认或删除",
        "docx.embedded",
        f"嵌入对象 {len(names)} 个：{_clip('、'.join(names))}",
    )


def _properties_finding(properties: list[tuple[str, str]]) -> Finding:
    return _finding(
        CATEGORY_PROPERTIES,
        Severity.WARN,
        "文档属性中含有作者、单位等信息，发布前请检查并清除文档属性",
        "docx.properties",
        _clip("；".join(f"{label}：{value}" for label, value in properties), QUOTE_LIMIT * 2),
    )
