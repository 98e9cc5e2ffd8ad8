"""The one HTML model: an HTML draft parsed once, the way a browser parses it.

Everything the service says about an HTML body comes from this single parse, so the text the
checks read, the active-content verdict and the hashed canonical form can never disagree with
each other or with the reader's browser (an ad-hoc parser once read ``<!-->`` differently from
Chromium and let an event handler through all six stages):

- the parser is html5lib, an implementation of the WHATWG parsing algorithm, run in fragment
  mode with a ``<div>`` as context and scripting on — what ``div.innerHTML = body`` builds;
- ``pieces``, ``comments`` and ``attributes`` are the located text a reader can reach (page text;
  comment text in the page source; ``title``/``alt``/``aria-label`` and link targets), each piece
  with its span in the caller's string;
- ``refusals`` lists the parse errors after which a browser's tree differs from what the source
  seems to say (a duplicate attribute, a tag cut off at the end, a misclosed or nested comment);
- ``active`` names the first thing that could run or restyle the public page;
- ``canonical`` is an unambiguous serialization of the tree, the body part of the content hash.

The Python client ships a byte-for-byte copy (scripts/sync_client_canonical.py), so this module
imports nothing from the service.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import html5lib
from html5lib._tokenizer import HTMLTokenizer
from html5lib.constants import tokenTypes

HTML_NS = "http://www.w3.org/1999/xhtml"
FOREIGN_PREFIXES = {"http://www.w3.org/2000/svg": "svg", "http://www.w3.org/1998/Math/MathML": "math"}
VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Editor bookkeeping that never reaches a reader and changes on every save (Draftail's block ids).
BOOKKEEPING_ATTRIBUTES = frozenset({"data-block-key"})

# Elements whose boundaries separate lines of visible text (table cells become tabs).
BLOCK_TAGS = frozenset(
    "p div br li ul ol tr td th table h1 h2 h3 h4 h5 h6 section article header footer blockquote pre hr "
    "dd dt dl figure figcaption caption tbody thead tfoot main nav aside address details summary".split()
)
CELL_TAGS = frozenset(("td", "th"))
CODE_TAGS = frozenset(("script", "style"))  # their text is code, not prose
# Attributes whose text reaches a reader: tooltips, screen readers, the link a reader follows.
TEXT_ATTRIBUTES = ("title", "alt", "aria-label", "href")

# The elements a draft may use: rich text, and only elements that html5lib 1.1 and current browsers
# parse alike (Chromium closes a <p> before <search> or <dialog>, html5lib does not; a custom
# element may be upgraded by the site's scripts). Anything else is refused as unsupported-element.
ALLOWED_ELEMENTS = frozenset(
    "a abbr address article aside audio b bdi bdo big blockquote body br caption center cite code col colgroup "
    "data dd del details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 head header hgroup hr "
    "html i img ins kbd label li main mark nav o:p ol p picture pre q s samp section small source span strike "
    "strong sub summary sup table tbody td tfoot th thead time tr track tt u ul var video wbr".split()
)
DENIED_ELEMENTS = frozenset(
    "script iframe frame frameset object embed applet base form meta link svg math template style noscript "
    "portal input button textarea select xmp plaintext noembed noframes".split()
)
URL_ATTRIBUTES = frozenset(
    "href src action formaction xlink:href data poster background lowsrc dynsrc codebase cite longdesc "
    "usemap ping manifest".split()
)
DENIED_ATTRIBUTES = frozenset(("srcset", "imagesrcset", "is"))
SAFE_SCHEMES = frozenset(("http", "https", "mailto", "tel"))
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.S)
_CSS_DENIED = ("url(", "expression(", "image(", "image-set(", "-moz-binding", "behavior", "@import", "javascript:")

# html5lib's names for the WHATWG parse error eof-in-tag (a tag cut off by the end of input: a browser drops it).
_EOF_IN_TAG = frozenset(
    "eof-in-tag-name expected-attribute-name-but-got-eof eof-in-attribute-name expected-end-of-tag-but-got-eof "
    "expected-attribute-value-but-got-eof eof-in-attribute-value-double-quote eof-in-attribute-value-single-quote "
    "eof-in-attribute-value-no-quotes unexpected-EOF-after-solidus-in-tag unexpected-EOF-after-attribute-value".split()
)
_EOF_IN_COMMENT = frozenset(
    "eof-in-comment eof-in-comment-end-dash eof-in-comment-double-dash eof-in-comment-end-bang-state "
    "eof-in-comment-end-space-state".split()
)
REFUSED_PARSE_ERRORS = (
    "unsupported-element",
    "duplicate-attribute",
    "eof-in-tag",
    "eof-in-comment",
    "abrupt-closing-of-empty-comment",
    "incorrectly-closed-comment",
    "nested-comment",
)
_CHARACTERS = tokenTypes["Characters"]
_SPACES = tokenTypes["SpaceCharacters"]
_START = tokenTypes["StartTag"]
_END = tokenTypes["EndTag"]
_COMMENT = tokenTypes["Comment"]
_PARSE_ERROR = tokenTypes["ParseError"]
_ATTRIBUTE = re.compile(
    r"""([^\s/>][^\s/>=]*)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>]*)))?""",
)
# minidom, not etree: html5lib's etree builder loses elements a table fosters out (<table><a>…).
_TREE = html5lib.getTreeBuilder("dom")
_WALKER = html5lib.getTreeWalker("dom")


@dataclass(frozen=True, slots=True)
class Piece:
    """Text a reader can reach, and the span of the caller's string it comes from.

    ``exact`` means the text is spelled character for character in that span (else an entity,
    a line break or a tag stands for it, and every character maps to the whole span).
    """

    text: str
    start: int
    end: int
    exact: bool


@dataclass(frozen=True, slots=True)
class Refusal:
    """A WHATWG parse error after which the browser's tree differs from what the source seems to say,
    or an element outside ``ALLOWED_ELEMENTS`` (``unsupported-element``, named in ``element``)."""

    code: str
    offset: int
    element: str = ""


@dataclass(frozen=True, slots=True)
class ActiveContent:
    """The first element that could run script or restyle the public page, and why."""

    element: str
    detail: str
    offset: int

    def describe(self) -> str:
        return f"<{self.element}{' ' + self.detail if self.detail else ''}>"


@dataclass(frozen=True, slots=True)
class HtmlModel:
    source: str
    canonical: str
    pieces: tuple[Piece, ...]
    comments: tuple[Piece, ...]
    attributes: tuple[Piece, ...]
    refusals: tuple[Refusal, ...]
    active: ActiveContent | None


def parse_html(source: str) -> HtmlModel:
    """The model of an HTML body; one parse per distinct body and process (a draft is read several times)."""
    return _parse(source)


@lru_cache(maxsize=16)
def _parse(source: str) -> HtmlModel:
    text, to_source = _preprocess(source)
    recorder = _Recorder(text, to_source)
    parser = _LocatingParser(recorder, tree=_TREE, namespaceHTMLElements=True)
    fragment = parser.parseFragment(text, container="div", scripting=True)
    return HtmlModel(
        source=source,
        canonical="".join(_serialize(fragment)),
        pieces=tuple(recorder.pieces),
        comments=tuple(recorder.comments),
        attributes=tuple(recorder.attributes),
        refusals=tuple(recorder.refusals),
        active=recorder.active,
    )


def _preprocess(source: str) -> tuple[str, list[int] | None]:
    """The input stream's newline normalization done up front, remembering where each character came from."""
    if "\r" not in source:
        return source, None
    text: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(source):
        ch = source[i]
        text.append("\n" if ch == "\r" else ch)
        origin.append(i)
        i += 2 if source.startswith("\r\n", i) else 1
    origin.append(len(source))
    return "".join(text), origin


class _LocatingParser(html5lib.HTMLParser):
    """html5lib's parser, fed by a tokenizer that reports each token with its source span."""

    def __init__(self, recorder: _Recorder, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recorder = recorder

    def reset(self) -> None:
        if not isinstance(self.tokenizer, _LocatingTokenizer):
            self.tokenizer = _LocatingTokenizer(self.recorder, parser=self)
        super().reset()


class _LocatingTokenizer(HTMLTokenizer):
    def __init__(self, recorder: _Recorder, parser: _LocatingParser) -> None:
        super().__init__(recorder.text, parser=parser)
        self.recorder = recorder
        self.parser_ref = parser
        # One chunk holding the whole input: the stream's chunk offset is then the absolute offset.
        self.stream._defaultChunkSize = len(recorder.text) + 1
        self.stream.readChunk()

    def _offset(self) -> int:
        stream = self.stream
        return stream.chunkOffset if stream.chunk else len(self.recorder.text)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self.tokenQueue: deque[dict[str, Any]] = deque()
        start = self._offset()
        running = True
        while running:
            running = self.state()
            end = self._offset()
            while self.stream.errors:
                yield {"type": _PARSE_ERROR, "data": self.stream.errors.pop(0)}
            emitted = False
            while self.tokenQueue:
                token = self.tokenQueue.popleft()
                if token["type"] == _PARSE_ERROR:
                    self.recorder.parse_error(token["data"], start)
                else:
                    self.recorder.token(token, start, end, self.parser_ref)
                    emitted = True
                yield token
            if emitted:
                start = end


class _Recorder:
    """Collects located text, refusals and the active-content verdict from the token stream."""

    def __init__(self, text: str, to_source: list[int] | None) -> None:
        self.text = text
        self.to_source = to_source
        self.pieces: list[Piece] = []
        self.comments: list[Piece] = []
        self.attributes: list[Piece] = []
        self.refusals: list[Refusal] = []
        self.active: ActiveContent | None = None

    def _add(self, into: list[Piece], text: str, start: int, end: int, exact: bool) -> None:
        """Append a piece, in the caller's offsets (a line break that was ``\r\n`` becomes a piece of its own)."""
        to_source = self.to_source
        if end <= start:  # a token that consumed nothing of its own still points at a character
            start, end = max(0, min(start, len(self.text) - 1)), max(1, min(start + 1, len(self.text)))
        if to_source is None:
            into.append(Piece(text, start, end, exact))
        elif not exact or "\n" not in text:
            into.append(Piece(text, to_source[start], to_source[end], exact))
        else:
            for line in re.finditer(r"[^\n]+|\n", text):
                a, b = start + line.start(), start + line.end()
                into.append(Piece(line.group(), to_source[a], to_source[b], line.group() != "\n"))

    def _refuse(self, code: str, offset: int) -> None:
        self.refusals.append(Refusal(code, self.to_source[offset] if self.to_source else offset))

    def parse_error(self, code: str, start: int) -> None:
        if code == "duplicate-attribute":
            self._refuse(code, start)
        elif code in _EOF_IN_TAG:
            self._refuse("eof-in-tag", start)
        elif code in _EOF_IN_COMMENT:
            self._refuse("eof-in-comment", start)

    def token(self, token: dict[str, Any], start: int, end: int, parser: _LocatingParser) -> None:
        kind = token["type"]
        raw = self.text[start:end]
        if kind in (_CHARACTERS, _SPACES):
            current = parser.tree.openElements[-1] if parser.tree.openElements else None
            if current is not None and current.namespace == HTML_NS and current.name in CODE_TAGS:
                return
            self._add(self.pieces, token["data"], start, end, raw == token["data"])
        elif kind == _COMMENT:
            self._comment(token["data"], raw, start, end)
        elif kind in (_START, _END):
            name = token["name"]
            if name in CELL_TAGS:
                self._add(self.pieces, "\t", start, end, False)
            elif name in BLOCK_TAGS:
                self._add(self.pieces, "\n", start, end, False)
            if kind == _START:
                self._start_tag(name, token["data"], raw, start)

    def _comment(self, data: str, raw: str, start: int, end: int) -> None:
        if raw.startswith("<!--"):
            if raw in ("<!-->", "<!--->"):
                self._refuse("abrupt-closing-of-empty-comment", start)
            elif raw.endswith("--!>"):
                self._refuse("incorrectly-closed-comment", start)
            if "<!--" in data:
                self._refuse("nested-comment", start + 4 + data.index("<!--"))
        at = raw.find(data) if data else -1
        if at >= 0:
            self._add(self.comments, data, start + at, start + at + len(data), True)
        elif data:
            self._add(self.comments, data, start, end, False)

    def _start_tag(self, name: str, attributes: dict[Any, str], raw: str, start: int) -> None:
        if name not in ALLOWED_ELEMENTS and name not in DENIED_ELEMENTS:
            self.refusals.append(
                Refusal("unsupported-element", self.to_source[start] if self.to_source else start, name)
            )
        if self.active is None:
            self.active = _active(name, attributes, start)
            if self.active is not None and self.to_source is not None:
                self.active = ActiveContent(self.active.element, self.active.detail, self.to_source[start])
        wanted = [a for a in TEXT_ATTRIBUTES if attributes.get(a)]
        if not wanted:
            return
        located: dict[str, tuple[int, int, str]] = {}
        for match in _ATTRIBUTE.finditer(raw, 1 + len(name)):
            key = match.group(1).lower()
            group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
            if key not in located and group is not None:
                located[key] = (start + match.start(group), start + match.end(group), match.group(group))
        wanted.sort(key=lambda a: located[a][0] if a in located else start)
        for key in wanted:
            value = attributes[key]
            if key in located:
                s, e, spelled = located[key]
                self._add(self.attributes, value, s, e, spelled == value)
            else:
                self._add(self.attributes, value, start, start + len(raw), False)


def _active(name: str, attributes: dict[Any, str], offset: int) -> ActiveContent | None:
    if name in DENIED_ELEMENTS:
        return ActiveContent(name, "", offset)
    for key, value in attributes.items():
        attribute = key if isinstance(key, str) else ":".join(k for k in key[:2] if k)
        attribute = attribute.lower()
        if attribute.startswith("on"):
            return ActiveContent(name, f"{attribute}=", offset)
        if attribute in DENIED_ATTRIBUTES:
            return ActiveContent(name, f"{attribute}=", offset)
        if attribute in URL_ATTRIBUTES and unsafe_url(value):
            return ActiveContent(name, f"{attribute}={value[:40]}", offset)
        if attribute == "style" and unsafe_style(value):
            return ActiveContent(name, f"style={value[:40]}", offset)
        if attribute == "http-equiv":
            return ActiveContent(name, "http-equiv=", offset)
    return None


def unsafe_url(value: str) -> bool:
    """Relative URLs and http(s)/mailto/tel are fine; javascript:, data: and every other scheme are not."""
    cleaned = _URL_IGNORED.sub("", value).lower()
    match = _SCHEME.match(cleaned)
    return bool(match) and match.group(1) not in SAFE_SCHEMES


def unsafe_style(value: str) -> bool:
    """A ``style`` attribute that loads or computes something (CSS escapes and comments undone first)."""

    def unescape(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match.group(2)

    css = _CSS_ESCAPE.sub(unescape, _CSS_COMMENT.sub("", value))
    css = re.sub(r"\s+", "", css).lower()
    return any(word in css for word in _CSS_DENIED)


def _escape(value: str, specials: str) -> str:
    value = value.replace("&", "&amp;")
    for ch in specials:
        value = value.replace(ch, f"&#{ord(ch)};")
    return value


def _name(namespace: str | None, local: str) -> str:
    """An element's name in the canonical form: HTML names bare, SVG/MathML ones ``svg/…``/``math/…``."""
    local = _escape(local, "<>\"'=")
    if namespace in (None, HTML_NS):
        return local
    return f"{FOREIGN_PREFIXES.get(namespace, _escape(namespace, '<>/ '))}/{local}"


def _attribute_name(key: tuple[str | None, str]) -> str:
    namespace, local = key
    local = _escape(local, "<>\"'=")
    return f"{_escape(namespace, '<>/ ')}/{local}" if namespace else local


def _serialize(fragment: Any) -> Iterator[str]:
    """The tree through html5lib's tree walker: every element, attribute, text and comment node."""
    for token in _WALKER(fragment):
        kind = token["type"]
        if kind in ("Characters", "SpaceCharacters"):
            yield _escape(token["data"], "<>")
        elif kind == "Comment":
            yield f"<!--{_escape(token['data'], '<>')}-->"
        elif kind in ("StartTag", "EmptyTag"):
            attributes = sorted(
                (_attribute_name(key), _escape(value, '<>"'))
                for key, value in token["data"].items()
                if key[0] is not None or key[1] not in BOOKKEEPING_ATTRIBUTES
            )
            rendered = "".join(f' {key}="{value}"' for key, value in attributes)
            yield f"<{_name(token['namespace'], token['name'])}{rendered}>"
        elif kind == "EndTag":
            yield f"</{_name(token['namespace'], token['name'])}>"
        else:  # a doctype cannot occur in a fragment; anything else must not pass unseen
            yield f"<!{kind}:{_escape(str(token.get('data', '')), '<>')}>"
