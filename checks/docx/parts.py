"""The other parts of a .docx that matter before publishing: comments, headers and footers, properties."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from checks.docx.ooxml import CP_NS, DC_NS, EP_NAMESPACES, R_NAMESPACES, namespace_of
from checks.docx.package import Package, Relations
from checks.docx.story import StoryReader
from checks.docx.styles import Styles


@dataclass(frozen=True, slots=True)
class Comment:
    author: str
    text: str


def comments(package: Package, relations: Relations, w: str) -> list[Comment]:
    names = relations.targets("comments") or (["word/comments.xml"] if package.has("word/comments.xml") else [])
    found: list[Comment] = []
    for name in names:
        root = package.xml_or_none(name)
        if root is None:
            continue
        reader = StoryReader(w, Styles())
        for comment in root.iterfind(f"{{{w}}}comment"):
            text = " ".join(line for line in reader.blocks(comment) if line.strip())
            # Hidden runs inside a comment are still part of what the comment discloses.
            text = " ".join([text, *reader.hidden]).strip()
            reader.hidden.clear()
            found.append(Comment((comment.get(f"{{{w}}}author") or "").strip(), text))
    return found


def header_footer_parts(root: etree._Element, relations: Relations, w: str) -> list[str]:
    """Headers then footers, in the order the sections reference them (each part once)."""
    parts: list[str] = []
    for kind in ("header", "footer"):
        for reference in root.iter(f"{{{w}}}{kind}Reference"):
            rel_id = next((reference.get(f"{{{r}}}id") for r in R_NAMESPACES if reference.get(f"{{{r}}}id")), None)
            rel = relations.by_id.get(rel_id or "")
            if rel is not None and not rel.external and rel.kind == kind and rel.target not in parts:
                parts.append(rel.target)
    return parts


def properties(package: Package, relations: Relations, w: str) -> tuple[str | None, list[tuple[str, str]]]:
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
        title = text_of(core.find(f"{{{DC_NS}}}title")) or None
        found.append(("作者", text_of(core.find(f"{{{DC_NS}}}creator"))))
        found.append(("最后修改者", text_of(core.find(f"{{{CP_NS}}}lastModifiedBy"))))
    app = package.xml_or_none(app_name)
    if app is not None:
        ep = namespace_of(app) if namespace_of(app) in EP_NAMESPACES else EP_NAMESPACES[0]
        found.append(("单位", text_of(app.find(f"{{{ep}}}Company"))))
        found.append(("经理", text_of(app.find(f"{{{ep}}}Manager"))))
    found.append(("附加模板", attached_template(package, relations, w)))
    return title, [(label, value) for label, value in found if value]


def attached_template(package: Package, relations: Relations, w: str) -> str:
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


def text_of(el: etree._Element | None) -> str:
    return "" if el is None else "".join(el.itertext()).strip()
