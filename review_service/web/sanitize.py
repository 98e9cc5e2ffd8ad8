"""Sanitized rendering of HTML drafts for reviewers: structure and links, never scripts or handlers."""

from __future__ import annotations

import nh3

TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "pre", "code", "table", "thead", "tbody", "tr", "th", "td",
    "a", "img", "span", "div", "hr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"colspan", "rowspan"},
              "th": {"colspan", "rowspan"}}  # fmt: skip


def sanitize_html(body: str) -> str:
    """Only http(s)/mailto links survive; nh3 drops <script>, event handlers and javascript: URLs."""
    return nh3.clean(
        body,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
