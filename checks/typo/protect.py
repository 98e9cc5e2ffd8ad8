"""The do-not-touch layer: characters no statistical correction may change.

A language model knows nothing of a 公示 list's names, a township's name or a document title, and
"correcting" them is the worst kind of false alarm. This layer runs before any correction and marks
personal names, place and organisation names, titles in 《》 and title-like quotations, and numerals.
Digits, Latin letters, URLs and e-mail addresses are never candidates in the first place (only CJK
characters are).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from checks.segmenter import Token
from checks.typo.protect_patterns import (
    AFTER_ASCII,
    AFTER_TITLE,
    CODE_INFIX,
    COUNTRY_PAIR,
    COUNTRY_SIDE,
    HONORIFICS,
    LIST_ITEM,
    MEASURE,
    NUMBER,
    ORG_SUFFIXES,
    PERSON_POS,
    PROPER_POS,
    QUOTED,
    TITLES,
)
from checks.typo.string_index import StringIndex


class AllowList:
    """The shipped allow lists (places, well-known persons, idioms), found anywhere in a text."""

    def __init__(self, names: Iterable[str]) -> None:
        self._index = StringIndex(name for name in names if len(name) >= 2)
        self.size = len(self._index)

    def spans(self, text: str) -> list[tuple[int, int]]:
        if not self.size:
            return []
        return self._index.find(text)


def book_title_spans(text: str) -> list[tuple[int, int]]:
    """《…》 and 〈…〉 titles: never touched, not even by the curated list (a title is quoted as published)."""
    return [m.span() for m in TITLES.finditer(text)]


def title_spans(text: str) -> list[tuple[int, int]]:
    """Book titles plus title-like quotations (the quotation marks themselves are not CJK anyway)."""
    return book_title_spans(text) + [(m.start() + 1, m.end() - 1) for m in QUOTED.finditer(text)]


def _name_like(item: str, surnames: frozenset[str], common_word: Callable[[str], bool]) -> bool:
    return (item[:1] in surnames or item[:2] in surnames) and not common_word(item)


def _proper_noun(token: Token, surnames: frozenset[str], known_word: Callable[[str], bool]) -> bool:
    if len(token.word) < 2 or token.pos not in PROPER_POS:
        return False
    if token.pos == "nrt" or known_word(token.word):
        return True
    return token.pos in PERSON_POS and (token.word[:1] in surnames or token.word[:2] in surnames)


def protected_mask(
    text: str,
    tokens: Sequence[Token],
    allow_list: AllowList,
    surnames: frozenset[str],
    common_word: Callable[[str], bool],
    known_word: Callable[[str], bool],
) -> np.ndarray:
    """True where a character must not be changed by a statistical correction."""
    return listed_mask(text, allow_list, surnames, common_word) | token_mask(text, tokens, surnames, known_word)


def listed_mask(
    text: str, allow_list: AllowList, surnames: frozenset[str], common_word: Callable[[str], bool]
) -> np.ndarray:
    """Titles, quotations, listed names, names after a title or in a list, numbers and codes: what is protected
    without asking the segmenter's guesses."""
    spans = title_spans(text) + allow_list.spans(text)
    names = [m.span(1) for pattern in (LIST_ITEM, AFTER_TITLE) for m in pattern.finditer(text)]
    names += honorific_names(text)
    spans += [(s, e) for s, e in names if _name_like(text[s:e], surnames, common_word)]
    for pattern in (COUNTRY_PAIR, COUNTRY_SIDE, NUMBER, MEASURE, CODE_INFIX, AFTER_ASCII):
        spans += [m.span() for m in pattern.finditer(text)]
    return _covered(len(text), spans)


def honorific_names(text: str) -> list[tuple[int, int]]:
    """``HONORIFIC``'s matches (its group), found from where the honorifics stand instead of trying the pattern at
    every character: the pattern matches 3 Han characters before an honorific, else 2, scanning on from the end
    of each match."""
    before = set()
    for honorific in HONORIFICS:
        at = text.find(honorific)
        while at >= 0:
            before.add(at)
            at = text.find(honorific, at + 1)
    found, free = [], 0  # matches do not overlap: the next starts at or after ``free``
    for start in sorted({at - k for at in before for k in (3, 2) if at - k >= 0}):
        if start < free:
            continue
        for end in (start + 3, start + 2):
            if end in before and all("\u4e00" <= ch <= "\u9fff" for ch in text[start:end]):
                found.append((start, end))
                free = end
                break
    return found


def _covered(size: int, spans: list[tuple[int, int]]) -> np.ndarray:
    """True inside any of ``spans`` (clipped to the text)."""
    if not spans:
        return np.zeros(size, dtype=bool)
    starts, ends = np.clip(np.array(spans, dtype=np.int64), 0, size).T
    keep = starts < ends
    depth = np.bincount(starts[keep], minlength=size + 1) - np.bincount(ends[keep], minlength=size + 1)
    return np.cumsum(depth[:size]) > 0


def token_mask(
    text: str, tokens: Sequence[Token], surnames: frozenset[str], known_word: Callable[[str], bool]
) -> np.ndarray:
    """Words the segmenter takes for proper nouns, and one-character organisation suffixes. A mistyped idiom is
    often cut into such a "name" (毫不东摇 → 东摇/nr), so the fixed-expression layer does without this part."""
    mask = np.zeros(len(text), dtype=bool)
    for token in tokens:
        if token.pos in PROPER_POS and _proper_noun(token, surnames, known_word):  # the tag first: most are not
            mask[token.start : token.end] = True
    for k, token in enumerate(tokens):
        # 生态环境部, 低保办, 卫生健康委: a one-character organisation suffix after a noun
        if k and token.word in ORG_SUFFIXES:
            before = tokens[k - 1]
            if len(before.word) >= 2 and before.pos[:1] in "njlv":
                mask[token.start : token.end] = True
    return mask
