"""Small text helpers shared by the format checks: what counts as Chinese, and what to leave alone."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN = re.compile(f"[{_HAN_CLASS}]")
# Chinese punctuation that may sit right before or after a mark in Chinese prose.
CJK_PUNCT = frozenset("，。、；：！？“”‘’（）《》〈〉【】〔〕「」『』…—～·")

# URLs, e-mail addresses and Windows paths: their ASCII punctuation is not prose punctuation.
# An e-mail's local part starts where a run of its characters starts (the lookbehind): tried from
# every character of a long run without "@", the pattern took time quadratic in the run.
_VERBATIM = re.compile(
    r"(?:https?|ftp)://[^\s\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20“”‘’（）《》]+"
    r"|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s\u3000-\u303f\u4e00-\u9fff“”‘’（）《》]*)?"
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|[A-Za-z]:\\[^\s\u4e00-\u9fff]*"
    r"|`[^`\n]+`"
)


def is_han(ch: str) -> bool:
    """A Chinese character (CJK unified ideographs and extensions); ``ch`` is one character or ''."""
    return (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\uf900" <= ch <= "\ufaff"
        or "\U00020000" <= ch <= "\U0002fa1f"
    )


def is_chinese(ch: str) -> bool:
    """A Chinese character or Chinese punctuation mark."""
    return is_han(ch) or ch in CJK_PUNCT


# Each kind of verbatim span holds one of these, and none holds a line break.
_VERBATIM_MARKS = re.compile(r"://|www\.|@|:\\|`")


def verbatim_spans(text: str) -> list[tuple[int, int]]:
    """Spans that are copied verbatim (URLs, e-mail, paths, inline code), not prose.

    Only lines holding a mark of one are scanned: tried at every character of a long text, the pattern
    cost more than the checks that ask for it. No span crosses a line, so each line's scan finds the same.
    """
    spans: list[tuple[int, int]] = []
    line_end = -1
    for mark in _VERBATIM_MARKS.finditer(text):
        if mark.start() < line_end:
            continue  # this line is scanned already
        line_start = text.rfind("\n", 0, mark.start()) + 1
        line_end = text.find("\n", mark.end())
        if line_end < 0:
            line_end = len(text)
        spans += [m.span() for m in _VERBATIM.finditer(text, line_start, line_end)]
    return spans


# Where a match may begin, for patterns that open with a look-behind ruling out a digit before their first
# digit (or a numeral before a Chinese year): the first digit of each run of digits, or 一/二.
DIGIT_RUN = re.compile(r"\d+")
DIGIT_RUN_OR_YEAR = re.compile(r"\d+|[一二]")
YEAR_FIRST = re.compile("[一二]")


def finditer_at(pattern: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match begins where a match of ``starts`` begins.

    A pattern opening with a look-behind is tried at every offset of the text; here it is tried only where
    it may begin (the first digit of a run of digits). ``pattern`` must not match the empty string.
    """
    end = 0
    for start in starts.finditer(text):
        if start.start() < end:
            continue  # inside the match just found, where finditer does not look either
        match = pattern.match(text, start.start())
        if match is not None:
            yield match
            end = match.end()


class HanIndex:
    """Where a text's Chinese characters are, asked "any between these offsets?" in logarithmic time.

    Scanning the span for every question (a bracket pair's contents, nested many deep) took time
    quadratic in the text; the positions are found once, on the first question.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._positions: list[int] | None = None

    def any_between(self, start: int, end: int) -> bool:
        if self._positions is None:
            self._positions = [m.start() for m in _HAN.finditer(self._text)]
        i = bisect_left(self._positions, start)
        return i < len(self._positions) and self._positions[i] < end


class SpanSet:
    """The union of half-open spans, asked "is this offset inside one?" in logarithmic time."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted(spans):
            if e <= s:
                continue
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        self._starts, self._ends = starts, ends

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def inside(pos: int, spans: SpanSet | list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies in one of ``spans``; pass a SpanSet when asking for many offsets."""
    if isinstance(spans, SpanSet):
        return pos in spans
    return any(s <= pos < e for s, e in spans)
