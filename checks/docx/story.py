"""Stories of a .docx (body, notes, headers, footers, comments) walked into the lines a reader sees.

Visible text is what Word shows with all revisions accepted: inserted text is in, deleted and
moved-away text is out, hidden runs are out. What is hidden and what was deleted is collected on
the way, for the findings about what the file hides.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from checks.docx.ooxml import MATH_NS, MC_NS, local_name, namespace_of, toggle
from checks.docx.styles import Styles

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


@dataclass
class StoryReader:
    """Walks WordprocessingML blocks into visible lines, collecting what is hidden along the way."""

    w: str
    styles: Styles
    hidden: list[str] = field(default_factory=list)
    revisions: int = 0
    revision_authors: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def blocks(self, container: etree._Element) -> list[str]:
        lines: list[str] = []
        for child in container:
            ns, local = namespace_of(child), local_name(child)
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
            if namespace_of(child) != self.w:
                continue
            local = local_name(child)
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
            ns, local = namespace_of(child), local_name(child)
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
            ns, local = namespace_of(child), local_name(child)
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
        if toggle(props.find(f"{{{w}}}specVanish"), w):
            return True
        vanish = toggle(props.find(f"{{{w}}}vanish"), w)
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
            if namespace_of(el) != w or local_name(el) not in REVISION_TAGS:
                continue
            self.revisions += 1
            author = (el.get(f"{{{w}}}author") or "").strip()
            if author and author not in self.revision_authors:
                self.revision_authors.append(author)
            if local_name(el) == "del":
                text = "".join(t.text or "" for t in el.iter(f"{{{w}}}delText", f"{{{w}}}t"))
                if text.strip():
                    self.deleted.append(text)


def trimmed(lines: list[str]) -> list[str]:
    """Drop blank lines at the ends of a header, footer or note (they carry nothing)."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]
