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
from html5lib.treebuilders.base import Node as Base
from html5lib.treebuilders.base import TreeBuilder

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
    "too-complex",
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
# Bounds on the parse, so that no input makes it slower than linear (html5lib's list scans grow with
# the depth of open elements, the list of active formatting elements and the attributes of a tag;
# Chromium itself stops nesting at 512). Input beyond them is refused (``too-complex``).
MAX_DEPTH = 256
MAX_FORMATTING = 256
MAX_ATTRIBUTES = 256
MAX_TOKENS = 60_000  # a 200,000-character page of rich text has a few thousand
MAX_PARSE_ERRORS = 2_000


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
    parser = _LocatingParser(recorder, tree=_TreeBuilder, namespaceHTMLElements=True)
    try:
        fragment = parser.parseFragment(text, container="div", scripting=True)
        canonical = "".join(_serialize(fragment.children))
    except _TooComplex as stop:
        recorder.refusals.append(Refusal("too-complex", stop.offset))
        # No tree: the source itself, after a NUL that no serialized tree contains (the parser drops or
        # replaces every NUL), so this hash is never the hash of a tree.
        canonical = "\x00" + text
    return HtmlModel(
        source=source,
        canonical=canonical,
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
    origin: list[int] = []
    for match in re.finditer(r"\r\n?|[^\r]+", source):
        if match.group().startswith("\r"):
            origin.append(match.start())
        else:
            origin.extend(range(match.start(), match.end()))
    origin.append(len(source))
    return source.replace("\r\n", "\n").replace("\r", "\n"), origin


class _LocatingParser(html5lib.HTMLParser):
    """html5lib's parser, fed by a tokenizer that reports each token with its source span."""

    def __init__(self, recorder: _Recorder, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recorder = recorder

    def parseError(self, errorcode: str = "", datavars: Any = None) -> None:
        """Only counted (the tokenizer records the ones that matter, with offsets): html5lib's own
        (line, column) lookup rescans the input for every error, which made error-dense input quadratic."""
        self.recorder.errors += 1

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
            self._bounded(start)
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

    def _bounded(self, offset: int) -> None:
        tree = self.parser_ref.tree
        token = getattr(self, "currentToken", None)
        if (
            self.recorder.tokens > MAX_TOKENS
            or self.recorder.errors > MAX_PARSE_ERRORS
            or len(tree.openElements) > MAX_DEPTH
            or len(tree.activeFormattingElements) > MAX_FORMATTING
            or (token is not None and len(token.get("data") or ()) > MAX_ATTRIBUTES and token["type"] == _START)
        ):
            raise _TooComplex(self.recorder.to_source[offset] if self.recorder.to_source else offset)


class _TooComplex(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


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
        self.tokens = 0
        self.errors = 0

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
        self.errors += 1
        if code == "duplicate-attribute":
            self._refuse(code, start)
        elif code in _EOF_IN_TAG:
            self._refuse("eof-in-tag", start)
        elif code in _EOF_IN_COMMENT:
            self._refuse("eof-in-comment", start)

    def token(self, token: dict[str, Any], start: int, end: int, parser: _LocatingParser) -> None:
        self.tokens += 1
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


def _serialize(nodes: list[Any]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, _Text):
            yield _escape("".join(node.parts), "<>")
        elif isinstance(node, _Comment):
            yield f"<!--{_escape(node.value, '<>')}-->"
        else:
            attributes = sorted(
                (_attribute_name(_attribute_key(key)), _escape(value, '<>"'))
                for key, value in node.attributes.items()
                if not isinstance(key, str) or key not in BOOKKEEPING_ATTRIBUTES
            )
            rendered = "".join(f' {key}="{value}"' for key, value in attributes)
            name = _name(node.namespace, node.name)
            yield f"<{name}{rendered}>"
            if node.namespace in (None, HTML_NS) and node.name in VOID_ELEMENTS and not node.children:
                continue
            yield from _serialize(node.children)
            yield f"</{name}>"


def _attribute_key(key: Any) -> tuple[str | None, str]:
    """html5lib keys an attribute by its name, or a foreign one by (prefix, local name, namespace)."""
    return (key[2], key[1]) if isinstance(key, tuple) else (None, key)


class _Node(Base):
    """A node of the tree html5lib builds: children in a list, text kept as parts (joined once)."""

    def __init__(self, name: str, namespace: str | None = None) -> None:
        super().__init__(name)
        self.namespace = namespace
        self.nameTuple = (namespace or HTML_NS, name)
        self.children: list[Any] = []
        self.childNodes = self.children

    def appendChild(self, node: Any) -> None:
        node.parent = self
        self.children.append(node)

    def insertText(self, data: str, insertBefore: Any = None) -> None:
        at = len(self.children) if insertBefore is None else self.children.index(insertBefore)
        if at and isinstance(self.children[at - 1], _Text):
            self.children[at - 1].parts.append(data)  # the parser extends the text node before
        else:
            text = _Text(data)
            text.parent = self
            self.children.insert(at, text)

    def insertBefore(self, node: Any, refNode: Any) -> None:
        node.parent = self
        self.children.insert(self.children.index(refNode), node)

    def removeChild(self, node: Any) -> None:
        self.children.remove(node)
        node.parent = None

    def reparentChildren(self, newParent: Any) -> None:
        for child in self.children:
            child.parent = newParent
        newParent.children.extend(self.children)
        self.children.clear()

    def cloneNode(self) -> _Node:
        clone = type(self)(self.name, self.namespace)
        clone.attributes = dict(self.attributes)
        return clone

    def hasContent(self) -> bool:
        return bool(self.children)


class _Text(_Node):
    def __init__(self, data: str) -> None:
        super().__init__("#text")
        self.parts = [data]


class _Comment(_Node):
    def __init__(self, data: str) -> None:
        super().__init__("#comment")
        self.value = data


class _Doctype(_Node):
    def __init__(self, name: str, publicId: str | None = None, systemId: str | None = None) -> None:
        super().__init__(name)


def _document() -> _Node:
    return _Node("#document")


class _TreeBuilder(TreeBuilder):
    """html5lib's tree-builder interface over ``_Node`` (minidom and etree were slow or lost fostered nodes)."""

    documentClass = staticmethod(_document)
    fragmentClass = staticmethod(_document)
    elementClass = _Node
    commentClass = _Comment
    doctypeClass = _Doctype

    def testSerializer(self, node: Any) -> str:
        return "".join(_serialize(node.children))
