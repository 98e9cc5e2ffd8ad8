"""Chromium as the oracle for what a reader's browser builds from a draft's HTML.

Each body is parsed the way a CMS page embeds rich text: ``div.innerHTML = body`` in a live
document (fragment parsing, scripting on), then the resulting DOM is written out structurally —
element namespace and name, attributes sorted (the editor bookkeeping attribute ``data-block-key``
left out, as in the canonical form), text and comment nodes — so two DOMs compare equal exactly
when Chromium built the same tree. The parser that makes the content hash (html5lib) is never used here.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# A page where nothing a body carries can run: parsing still happens with scripting on.
QUIET_PAGE = '<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'"><body>'

DOM_OF = """
(bodies) => {
  const walk = (node) => Array.from(node.childNodes, (child) => {
    if (child.nodeType === Node.ELEMENT_NODE) {
      const attributes = Array.from(child.attributes)
        .filter((a) => a.name !== "data-block-key")
        .map((a) => [a.namespaceURI || "", a.name, a.value])
        .sort((x, y) => (x[0] + "\\u0000" + x[1] < y[0] + "\\u0000" + y[1] ? -1 : 1));
      const inner = child.localName === "template" && child.content ? child.content : child;
      return ["element", child.namespaceURI, child.localName, attributes, walk(inner)];
    }
    if (child.nodeType === Node.TEXT_NODE) return ["text", child.data];
    if (child.nodeType === Node.COMMENT_NODE) return ["comment", child.data];
    return ["other", child.nodeType];
  });
  return bodies.map((body) => {
    const div = document.createElement("div");
    div.innerHTML = body;
    return JSON.stringify(walk(div));
  });
}
"""

HANDLERS_IN = """
(bodies) => bodies.map((body) => {
  const div = document.createElement("div");
  div.innerHTML = body;
  const found = [];
  for (const element of div.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith("on")) found.push(element.localName + " " + attribute.name);
    }
  }
  return found;
})
"""


def quiet_page(page: Page) -> Page:
    page.set_content(QUIET_PAGE)
    return page


def chromium_doms(page: Page, bodies: list[str]) -> list[str]:
    """Chromium's DOM of each body, written out structurally (one page, one round trip for all)."""
    result: Any = page.evaluate(DOM_OF, bodies)
    return list(result)


def chromium_handlers(page: Page, bodies: list[str]) -> list[list[str]]:
    """For each body, the elements Chromium built with an event-handler attribute."""
    result: Any = page.evaluate(HANDLERS_IN, bodies)
    return [list(found) for found in result]
