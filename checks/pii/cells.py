"""Personal data in table cells that hold only a number (ID, phone, bank card), checked cell by cell.

A spreadsheet of 10,000 rows is mostly such cells. Running the analyzer over the sheet's text
segments every digit run and walks a context window for each of them; a cell holding one number
says everything through its value, its column's header and the rest of its row. So each distinct
value goes through the same pattern recognizers once (identical values share the work), a
candidate's score is raised when one of its recognizer's context words is among the words of the
column header or of the row's other cells (the text check looks at the words around a match, which
in a row are the neighbouring cells), and the decision is ``PiiCheck.decide`` on the sheet's text:
the same vetoes (咨询电话, an office's name before it), whose-contact rules and row boost.

Being header-aware is the one intended difference from reading the sheet as text: a column headed
家庭电话 makes a landline personal on every row, and one headed 办公电话/咨询电话/编号 vetoes its
numbers on every row, not only where the header happens to be near.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from presidio_analyzer import EntityRecognizer, PatternRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

from checks.finding import Finding
from checks.pii.check import CANDIDATE_THRESHOLD, PiiCheck, vetoed
from checks.pii.nlp_engine import LANGUAGE

# ASCII digits with the separators numbers are written with; no letter but the ID's check X, no Chinese.
_NUMBER_CELL = re.compile(r"[0-9Xx+\-() ]+")
NUMBER_ENTITIES = frozenset({"CN_ID_CARD", "CN_PHONE", "CN_BANK_CARD"})
MIN_DIGITS = 7  # shorter numbers (序号, 金额, 年份) are no personal data of any kind checked here
MAX_CHARS = 40
VALUE_SEPARATOR = "\t"  # no number pattern matches across it (their separators are spaces, dashes, newlines)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_number_cell(value: str) -> bool:
    """A cell the cell-wise check can decide alone: one number of ID, phone or card length, no words."""
    return (
        len(value) <= MAX_CHARS
        and _NUMBER_CELL.fullmatch(value) is not None
        and sum(ch.isdigit() for ch in value) >= MIN_DIGITS
    )


@dataclass(frozen=True, slots=True)
class NumberCell:
    start: int  # the cell's text in the sheet text: [start, end)
    end: int
    header: str  # the column's header ("" when the sheet has none)
    row: tuple[str, ...] = field(default=())  # the texts of the row's other cells that may hold words


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int  # within the cell's text
    end: int
    recognizer_id: str
    result: RecognizerResult  # a template: copied for each cell it is found in


class CellChecker:
    """Checks number cells with the PII check's own recognizers and decision; caches per distinct text."""

    def __init__(self, check: PiiCheck) -> None:
        self.check = check
        analyzer = check.analyzer
        self.recognizers = [
            r
            for r in analyzer.registry.get_recognizers(language=LANGUAGE, all_fields=True)
            # names, addresses and plates need Chinese text, e-mails an @, passports a letter: none fits
            if isinstance(r, PatternRecognizer) and set(r.supported_entities) & NUMBER_ENTITIES
        ]
        self._by_id = {r.id: r for r in self.recognizers}
        enhancer = analyzer.context_aware_enhancer
        self.boost = enhancer.context_similarity_factor
        self.floor = enhancer.min_score_with_context_similarity
        self._latin_context = any(not _CJK.search(c) for r in self.recognizers for c in r.context)
        self._candidates: dict[str, tuple[_Candidate, ...]] = {}
        self._words: dict[str, tuple[str, ...]] = {}

    def findings(self, text: str, cells: Sequence[NumberCell]) -> list[Finding]:
        """Findings (field "body"; the caller places them) for ``cells`` of ``text``."""
        self._find_candidates({text[cell.start : cell.end] for cell in cells})
        results: list[RecognizerResult] = []
        for cell in cells:
            results.extend(self._results(text, cell))
        kept, _ = self.check.decide(text, results, public_names=False)  # no e-mail fits a number cell
        return [self.check.hit(r, text[r.start : r.end]).in_field("body", self.check.category(r)) for r in kept]

    def _results(self, text: str, cell: NumberCell) -> list[RecognizerResult]:
        candidates = self._candidates.get(text[cell.start : cell.end], ())
        if not candidates:
            return []
        words: list[str] | None = None
        out = []
        for candidate in candidates:
            if vetoed(candidate.result.entity_type, cell.header):
                continue  # the column says what the numbers are: 咨询电话, 证书编号 …
            result = _copy(candidate.result, cell.start + candidate.start, cell.start + candidate.end)
            recognizer = self._by_id.get(candidate.recognizer_id)
            if recognizer is not None and recognizer.context:
                if words is None:
                    # A header is one label (家庭电话), whatever the segmenter makes of it.
                    words = [
                        cell.header.lower(),
                        *(w for part in (cell.header, *cell.row) for w in self._keywords(part)),
                    ]
                self._enhance(result, recognizer.context, words)
            if result.score >= CANDIDATE_THRESHOLD:
                out.append(result)
        return EntityRecognizer.remove_duplicates(out) if len(out) > 1 else out

    def _find_candidates(self, values: set[str]) -> None:
        """Each distinct value through each recognizer: one Presidio pass per recognizer over all of them.

        The values are joined by a tab, which no number pattern crosses, and each match is given back
        to the value it lies in.
        """
        values = sorted(v for v in values if v not in self._candidates)
        if not values:
            return
        starts, position = [], 0
        for value in values:
            starts.append(position)
            position += len(value) + 1
        joined = VALUE_SEPARATOR.join(values)
        found: dict[int, list[_Candidate]] = {}
        for recognizer in self.recognizers:
            for result in recognizer.analyze(joined, recognizer.supported_entities, None) or ():
                index = bisect_right(starts, result.start) - 1
                offset = starts[index]
                if result.end > offset + len(values[index]):
                    continue  # cannot happen: no pattern crosses the separator
                metadata = dict(result.recognition_metadata or {})
                metadata.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, recognizer.id)
                metadata.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, recognizer.name)
                result.recognition_metadata = metadata
                found.setdefault(index, []).append(
                    _Candidate(result.start - offset, result.end - offset, recognizer.id, result)
                )
        for index, value in enumerate(values):
            self._candidates[value] = tuple(found.get(index, ()))

    def _keywords(self, part: str) -> tuple[str, ...]:
        if not self._latin_context and not _CJK.search(part):
            return ()  # every context word is Chinese: a part without Chinese cannot hold one
        cached = self._words.get(part)
        if cached is None:
            artifacts = self.check.nlp_engine.process_text(part, LANGUAGE)
            cached = self._words[part] = tuple(w.lower() for w in artifacts.keywords) if artifacts else ()
        return cached

    def _enhance(self, result: RecognizerResult, context: Sequence[str], words: Sequence[str]) -> None:
        """The context rule of checks.pii.context: a context word inside one of the words raises the score."""
        supportive = next((c for c in context if any(c.lower() in word for word in words)), "")
        if not supportive:
            return
        result.score = min(ContextAwareEnhancer.MAX_SCORE, max(result.score + self.boost, self.floor))
        if result.analysis_explanation is not None:
            result.analysis_explanation.set_supportive_context_word(supportive)
            result.analysis_explanation.set_improved_score(result.score)


def _copy(template: RecognizerResult, start: int, end: int) -> RecognizerResult:
    return RecognizerResult(
        template.entity_type,
        start,
        end,
        template.score,
        copy.copy(template.analysis_explanation),
        dict(template.recognition_metadata or {}),
    )
