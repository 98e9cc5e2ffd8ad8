"""OOXML vocabulary: namespaces, element names and on/off values, and untrusted XML parsed safely."""

from __future__ import annotations

from lxml import etree

from checks.docx.errors import invalid

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

# A password-protected .docx is not a zip but an OLE2 compound file holding an "EncryptedPackage" stream.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

FALSE_VALUES = frozenset({"0", "false", "off"})


def parse_xml(blob: bytes, name: str) -> etree._Element:
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
        raise invalid(f"{name} is not well-formed XML ({exc})") from exc
    if root is None:
        raise invalid(f"{name} is empty")
    if root.getroottree().docinfo.doctype:
        raise invalid(f"{name} declares a DTD, which OOXML forbids")
    return root


def namespace_of(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def local_name(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def toggle(el: etree._Element | None, w: str) -> bool | None:
    """An on/off property: None when absent, true unless w:val says 0/false/off."""
    if el is None:
        return None
    return (el.get(f"{{{w}}}val") or "true").lower() not in FALSE_VALUES
