"""Styles of a .docx, for what they hide: text can be hidden by a style, not only by a run."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from checks.docx.ooxml import toggle
from checks.docx.package import Package, Relations


@dataclass(frozen=True, slots=True)
class Styles:
    hidden_ids: frozenset[str] = frozenset()
    default_paragraph_hidden: bool = False

    @classmethod
    def load(cls, package: Package, relations: Relations, w: str) -> Styles:
        for name in relations.targets("styles"):
            root = package.xml_or_none(name)
            if root is not None:
                return cls.from_xml(root, w)
        return cls()

    @classmethod
    def from_xml(cls, root: etree._Element, w: str) -> Styles:
        doc_default = bool(toggle(root.find(f"{{{w}}}docDefaults/{{{w}}}rPrDefault/{{{w}}}rPr/{{{w}}}vanish"), w))
        own: dict[str, bool | None] = {}
        based_on: dict[str, str] = {}
        default_paragraph: str | None = None
        for style in root.iterfind(f"{{{w}}}style"):
            style_id = style.get(f"{{{w}}}styleId")
            if not style_id:
                continue
            own[style_id] = toggle(style.find(f"{{{w}}}rPr/{{{w}}}vanish"), w)
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
