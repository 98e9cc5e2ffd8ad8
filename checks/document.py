"""The Document every check reads: built once per text, never re-segmented."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from checks.clock import beijing_today, resolve_doc_date
from checks.metadata import Channel, DocType, Metadata
from checks.normalize import NormalizedText, normalize, normalize_html_field
from checks.segmenter import Segmenter, Token

_SENTENCE_END = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class DraftInput:
    """What a caller submits for checking: content fields plus descriptive metadata."""

    body: str
    title: str | None = None
    summary: str | None = None
    is_html: bool = False
    channel: Channel = Channel.WEBSITE
    doc_type: DocType = DocType.OTHER
    doc_date: dt.date | None = None
    metadata: Metadata = field(default_factory=Metadata)

    def dated(self, today: Callable[[], dt.date]) -> DraftInput:
        """This draft with its date resolved (given → 成文日期 → 发布日期 → ``today``): what a check reads."""
        return replace(self, doc_date=resolve_doc_date(self.doc_date, self.metadata, today=today))


@dataclass(frozen=True, slots=True)
class Document:
    """One content field (body, title or summary) of a draft, prepared for checking."""

    field: str
    source: str
    normalized: NormalizedText
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    draft: DraftInput
    doc_date: dt.date  # the date the text speaks from, resolved once per draft (DraftInput.dated)

    @property
    def text(self) -> str:
        return self.normalized.text

    @property
    def channel(self) -> Channel:
        return self.draft.channel

    @property
    def doc_type(self) -> DocType:
        return self.draft.doc_type

    @property
    def metadata(self) -> Metadata:
        return self.draft.metadata

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        return self.normalized.to_source(start, end)

    def source_text(self, start: int, end: int) -> str:
        """The caller's text for a normalized span."""
        s, e = self.to_source(start, end)
        return self.source[s:e]

    def sentence_at(self, offset: int) -> Sentence | None:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None


def split_sentences(text: str) -> tuple[Sentence, ...]:
    out = []
    for match in _SENTENCE_END.finditer(text):
        if match.end() > match.start() and match.group(0).strip():
            out.append(Sentence(match.start(), match.end(), match.group(0)))
    return tuple(out)


# Text of an HTML body a reader reaches besides the page text: comments in the page source, and the
# title/alt/aria-label attributes and link targets (tooltips, screen readers, where a link leads).
HTML_SIDE_FIELDS = ("comment", "attribute")


def build_documents(
    draft: DraftInput, segmenter: Segmenter, *, today: Callable[[], dt.date] = beijing_today
) -> list[Document]:
    """Every field of a draft that reaches the public, each its own Document (offsets into its source).

    ``today`` is needed only when the draft carries no date of its own (see ``DraftInput.dated``).
    """
    if draft.doc_date is None:
        draft = draft.dated(today)
    documents = [build_document("body", draft.body, draft, segmenter)]
    if draft.is_html:
        for side in HTML_SIDE_FIELDS:
            normalized = normalize_html_field(draft.body, side)
            if normalized.text.strip():
                documents.append(_document(side, draft.body, normalized, draft, segmenter))
    if draft.title:
        documents.append(build_document("title", draft.title, draft, segmenter))
    if draft.summary:
        documents.append(build_document("summary", draft.summary, draft, segmenter))
    return documents


def build_document(
    field_name: str,
    source: str,
    draft: DraftInput,
    segmenter: Segmenter,
    *,
    today: Callable[[], dt.date] = beijing_today,
) -> Document:
    if draft.doc_date is None:
        draft = draft.dated(today)
    normalized = normalize(source, is_html=draft.is_html and field_name == "body")
    return _document(field_name, source, normalized, draft, segmenter)


def _document(
    field_name: str, source: str, normalized: NormalizedText, draft: DraftInput, segmenter: Segmenter
) -> Document:
    return Document(
        field=field_name,
        source=source,
        normalized=normalized,
        tokens=tuple(segmenter.tokens(normalized.text)),
        sentences=split_sentences(normalized.text),
        draft=draft,
        doc_date=_resolved(draft),
    )


def _resolved(draft: DraftInput) -> dt.date:
    if draft.doc_date is None:  # build_document(s) date the draft first
        raise ValueError("the draft's date must be resolved before its Documents are built")
    return draft.doc_date
