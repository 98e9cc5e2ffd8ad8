"""An HTML draft shown as rich text, with its findings marked where they are.

Findings of an HTML body point into the HTML source at characters of its text (checks.html_model's
``pieces``). Marks are spliced into the source only inside text (never inside a tag, and an entity is
marked whole), the result is parsed by the same WHATWG parse the canonical hash uses, serialized from
that tree, and finally cleaned by nh3 with a short allow-list, so no script, handler, style or foreign
URL can reach the page (the page's CSP is a further wall). A body the model refuses is shown without
marks; one with active content is shown only as cleaned by nh3. Audio and video, background images
and link pings, which the reader's browser loads or sends and the hash covers but this page's
allow-list (and content policy) would drop unseen, are shown as a visible note naming each URL.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import nh3

from checks.html_model import Piece, parse_html
from review_service.web.sanitize import sanitize_html

RICH_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small",
    "ul", "ol", "li", "blockquote", "pre", "code", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "colgroup", "col", "a", "img", "span", "div", "hr", "del", "ins", "mark", "q", "cite", "abbr",
    "dl", "dt", "dd", "figure", "figcaption", "section", "article", "header", "footer", "address", "time",
}  # fmt: skip
RICH_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "mark": {"class", "data-finding"},
    "sup": {"class"},
    "abbr": {"title"},
}
SEVERITIES = ("block", "warn", "info")
# What a reader's browser loads or sends that this page's allow-list (and content policy) would drop
# unseen, found in the start tags of the canonical form (its attribute values are always
# double-quoted and escaped, and its text never holds a raw "<").
MEDIA_NAMES = {"video": "视频", "audio": "音频", "source": "媒体源", "track": "字幕轨"}
URL_NOTES = {"src": "", "poster": "封面 ", "background": "背景图 ", "ping": "点击时通知 "}
_START_TAG = re.compile(r'<([a-z][a-z0-9]*)((?: [^\s="<>]+="[^"]*")*)>')
_ATTRIBUTE = re.compile(r' ([^\s="<>]+)="([^"]*)"')


def _show_hidden_loads(canonical: str) -> str:
    """A visible note before each audio/video element, media source, background image and link ping
    (cleaned away below): a reviewer must know what goes out with the text, and from where."""

    def note(match: re.Match[str]) -> str:
        name, attributes = match[1], dict(_ATTRIBUTE.findall(match[2]))
        media = name in MEDIA_NAMES
        shown = ("src", "poster", "background", "ping") if media else ("background", "ping")
        urls = [f"{URL_NOTES[key]}{attributes[key]}" for key in shown if attributes.get(key)]
        if not media and not urls:
            return match[0]
        label = MEDIA_NAMES.get(name, "链接" if name == "a" else "元素")
        return f"<code>〔{label}{'：' + '，'.join(urls) if urls else ''}〕</code>{match[0]}"

    return _START_TAG.sub(note, canonical)


def _clean(tree_html: str) -> str:
    return nh3.clean(
        _show_hidden_loads(tree_html),
        tags=RICH_TAGS,
        attributes=RICH_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


def _text_pieces(source: str, pieces: tuple[Piece, ...]) -> list[Piece]:
    """Pieces that are text in the source (a tag standing for a line break or a cell is not)."""
    return [p for p in pieces if p.exact or not source.startswith("<", p.start)]


def _spans(source: str, findings: list[dict[str, Any]]) -> list[tuple[int, int, int, str]]:
    """(start, end, number, severity) of body findings, numbered as the list beside the text; overlaps
    keep the longer, earlier one (the other is still listed)."""
    wanted = sorted(
        (
            (f["start"], f["end"], number, f["severity"])
            for number, f in enumerate(findings, start=1)
            if f.get("field", "body") == "body" and 0 <= f["start"] < f["end"] <= len(source)
        ),
        key=lambda s: (s[0], -(s[1] - s[0])),
    )
    out, cursor = [], 0
    for span in wanted:
        if span[0] >= cursor:
            out.append(span)
            cursor = span[1]
    return out


def _splice(source: str, pieces: list[Piece], spans: list[tuple[int, int, int, str]]) -> str:
    starts = [p.start for p in pieces]
    inserts: list[tuple[int, int, str]] = []  # (offset, order, markup): closings before openings at one offset
    for start, end, number, severity in spans:
        parts = []
        for piece in pieces[max(0, bisect.bisect_right(starts, start) - 1) :]:
            if piece.start >= end:
                break
            if piece.end <= start:
                continue
            a, b = (max(start, piece.start), min(end, piece.end)) if piece.exact else (piece.start, piece.end)
            if parts and parts[-1][1] == a:  # contiguous text (an entity between two runs): one mark
                parts[-1] = (parts[-1][0], b)
            else:
                parts.append((a, b))
        severity = severity if severity in SEVERITIES else "info"
        for i, (a, b) in enumerate(parts):
            note = f"<sup>{number}</sup>" if i == len(parts) - 1 else ""
            inserts.append((a, 1, f'<mark class="mark sev-{severity}" data-finding="{number}">'))
            inserts.append((b, 0, f"{note}</mark>"))
    out, cursor = [], 0
    for offset, _, markup in sorted(inserts, key=lambda x: (x[0], x[1])):
        out.append(source[cursor:offset])
        out.append(markup)
        cursor = offset
    out.append(source[cursor:])
    return "".join(out)


def marked_html(source: str, findings: list[dict[str, Any]]) -> str:
    """The body rendered for a reviewer: rich text, cleaned, findings marked and numbered."""
    model = parse_html(source)
    if model.active is not None:
        return sanitize_html(source)
    if model.refusals:
        return _clean(model.canonical) if not model.canonical.startswith("\x00") else sanitize_html(source)
    spliced = parse_html(_splice(source, _text_pieces(source, model.pieces), _spans(source, findings)))
    if spliced.refusals or spliced.active is not None or spliced.canonical.startswith("\x00"):
        return _clean(model.canonical)
    return _clean(spliced.canonical)


def editable_html(source: str) -> str | None:
    """The tree of the body, for the rich-text editor to start from; None when the model refuses it
    (then the editor is not offered and the plain field stays).

    Also None when the canonical form, parsed again, is another tree (a comment holding "<" or ">",
    whose escapes a comment does not decode; a <pre> whose text starts with a line break, which a
    parser drops): the editor writes back what it was given, so a proofreader's save would change
    content they never touched."""
    model = parse_html(source)
    if model.active is not None or model.refusals:
        return None
    again = parse_html(model.canonical)
    if again.active is not None or again.refusals or again.canonical != model.canonical:
        return None
    return model.canonical
