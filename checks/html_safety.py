"""Find active content in an HTML draft: what could run script on the public site if published.

A regular expression misses variants browsers accept (``<svg/onload=…>``, ``javascript&colon;``), so
the HTML is tokenized the way a browser would see tags and attributes, with entities decoded
(HTML5 names included) and the control characters browsers ignore in URLs removed.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

DENIED_TAGS = frozenset(
    "script iframe frame frameset object embed applet base form meta link svg math template "
    "style noscript portal input button textarea select".split()
)
URL_ATTRIBUTES = frozenset(
    "href src action formaction xlink:href data poster background srcset lowsrc dynsrc codebase cite".split()
)
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inspect(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inspect(tag, attrs)

    def _inspect(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.problem is not None:
            return
        name = tag.lower()
        if name in DENIED_TAGS:
            self.problem = f"<{name}>"
            return
        for attribute, raw in attrs:
            key = attribute.lower()
            if key.startswith("on"):
                self.problem = f"{key}="
                return
            if key in URL_ATTRIBUTES and raw and _unsafe_url(raw):
                self.problem = f"{key}={raw[:40]}"
                return


def _unsafe_url(raw: str) -> bool:
    """Relative URLs and http(s)/mailto/tel are fine; javascript:, vbscript:, data: and others are not."""
    value = _IGNORED_IN_URLS.sub("", html.unescape(raw)).lower()
    for candidate in value.split(","):  # srcset lists several URLs
        match = _SCHEME.match(candidate.strip())
        if match and f"{match.group(1)}:" not in SAFE_SCHEMES:
            return True
    return False


def active_content(body: str) -> str | None:
    """The first active part found (for the error message), or None when the HTML is inert."""
    finder = _Finder()
    finder.feed(body)
    finder.close()
    if finder.problem is None and re.search(r"<\s*/?\s*(?:script|iframe|style)\b", body, re.I):
        return "<script>"  # inside a comment or a malformed tag, a browser may still see it
    return finder.problem
