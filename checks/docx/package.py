"""The .docx zip package: parts read within a byte budget, relationships resolved to part names.

The package is opened through ``checks.docx.zipsafe``, so a .docx is held to the same limits as
any attachment (entry count, total declared size, compression ratio of each large entry); the
parts actually read also count against the budget, whatever their headers declare.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from checks.docx.errors import DocxError, encrypted, invalid, too_large
from checks.docx.ooxml import ENCRYPTED_PACKAGE, OLE2_MAGIC, PKG_REL_NS, parse_xml
from checks.docx.zipsafe import DEFAULT_MAX_RATIO, ZipLimitError, ZipLimits, open_checked


@dataclass(frozen=True, slots=True)
class Relation:
    kind: str  # last segment of the relationship type, e.g. "header"
    target: str  # part name inside the zip, or the raw target when external
    external: bool


@dataclass(frozen=True, slots=True)
class Relations:
    by_id: dict[str, Relation]

    def targets(self, kind: str) -> list[str]:
        return [rel.target for rel in self.by_id.values() if rel.kind == kind and not rel.external]


class Package:
    """A zip opened defensively: declared and actually inflated sizes both count against one budget."""

    def __init__(self, data: bytes, max_uncompressed: int, max_ratio: int = DEFAULT_MAX_RATIO) -> None:
        if bytes(data[:8]) == OLE2_MAGIC:
            if ENCRYPTED_PACKAGE in data:
                raise encrypted()
            raise invalid("an OLE2 compound file (a legacy .doc?), not a .docx")
        limits = ZipLimits(max_bytes=len(data), max_uncompressed=max_uncompressed, max_ratio=max_ratio)
        try:
            self._zip = open_checked(data, limits)  # entry count, encryption, total size, ratio per entry
        except ZipLimitError as exc:
            raise _refusal(exc) from exc
        infos = self._zip.infolist()
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
            raise invalid(f"cannot inflate {name} ({exc})") from exc
        if len(blob) > self._budget:
            raise too_large()
        self._budget -= len(blob)
        return blob

    def xml_or_none(self, name: str) -> etree._Element | None:
        blob = self.read(name)
        return None if blob is None else parse_xml(blob, name)

    def xml(self, name: str) -> etree._Element:
        root = self.xml_or_none(name)
        if root is None:
            raise invalid(f"missing part {name}")
        return root

    def relationships(self, part: str) -> Relations:
        """The relationships of ``part`` ("" for the package), with targets resolved to part names."""
        directory, base = posixpath.split(part)
        rels = self.xml_or_none(posixpath.join(directory, "_rels", f"{base}.rels"))
        by_id: dict[str, Relation] = {}
        if rels is None:
            return Relations(by_id)
        for rel in rels.iterfind(f"{{{PKG_REL_NS}}}Relationship"):
            kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            external = rel.get("TargetMode") == "External"
            resolved = unquote(target) if external else resolve(directory, target)
            if resolved is not None:
                by_id[rel.get("Id") or ""] = Relation(kind, resolved, external)
        return Relations(by_id)

    def main_document(self) -> str:
        for name in self.relationships("").targets("officeDocument"):
            if self.has(name):
                return name
        if self.has("word/document.xml"):
            return "word/document.xml"
        raise invalid("no word/document.xml")

    def embedded_objects(self) -> list[str]:
        """OLE objects, embedded packages (e.g. a chart's whole workbook) and macros: not shown, but shipped."""
        return sorted(
            name
            for name in self.names()
            if (name.lower().startswith("word/embeddings/") and not name.endswith("/"))
            or name.lower() == "word/vbaproject.bin"
        )


def _refusal(exc: ZipLimitError) -> DocxError:
    """zipsafe's reasons in the reader's stable codes: a bomb by size, ratio or entry count is too large."""
    if exc.reason == "encrypted":
        return encrypted()
    if exc.reason in ("bomb", "too_large"):
        return too_large(exc.detail)
    return invalid(exc.detail)


def resolve(directory: str, target: str) -> str | None:
    target = unquote(target.split("#", 1)[0])
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(directory, target)
    path = posixpath.normpath(path) if path else path
    if not path or path == "." or path.startswith("../"):
        return None
    return path
