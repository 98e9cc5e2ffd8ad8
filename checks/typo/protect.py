"""The do-not-touch layer: characters no statistical correction may change.

A language model knows nothing of a 公示 list's names, a township's name or a document title, and
"correcting" them is the worst kind of false alarm. This layer runs before any correction and marks
personal names, place and organisation names, titles in 《》 and title-like quotations, and numerals.
Digits, Latin letters, URLs and e-mail addresses are never candidates in the first place (only CJK
characters are).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import numpy as np

from checks.segmenter import Token
from checks.typo.protect_patterns import (
    AFTER_ASCII,
    AFTER_TITLE,
    CODE_INFIX,
    COUNTRY_PAIR,
    COUNTRY_SIDE,
    HONORIFIC,
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
    mask = np.zeros(len(text), dtype=bool)

    def mark(start: int, end: int) -> None:
        mask[max(0, start) : min(len(text), end)] = True

    for start, end in title_spans(text):
        mark(start, end)
    for start, end in allow_list.spans(text):
        mark(start, end)
    for pattern in (LIST_ITEM, HONORIFIC, AFTER_TITLE):
        for match in pattern.finditer(text):
            if _name_like(match.group(1), surnames, common_word):
                mark(*match.span(1))
    for pattern in (COUNTRY_PAIR, COUNTRY_SIDE, NUMBER, MEASURE, CODE_INFIX, AFTER_ASCII):
        for match in pattern.finditer(text):
            mark(*match.span())
    return mask


def token_mask(
    text: str, tokens: Sequence[Token], surnames: frozenset[str], known_word: Callable[[str], bool]
) -> np.ndarray:
    """Words the segmenter takes for proper nouns, and one-character organisation suffixes. A mistyped idiom is
    often cut into such a "name" (毫不东摇 → 东摇/nr), so the fixed-expression layer does without this part."""
    mask = np.zeros(len(text), dtype=bool)
    for token in tokens:
        if _proper_noun(token, surnames, known_word):
            mask[token.start : token.end] = True
    for before, token in pairwise(tokens):
        # 生态环境部, 低保办, 卫生健康委: a one-character organisation suffix after a noun
        if token.word in ORG_SUFFIXES and len(before.word) >= 2 and before.pos[:1] in "njlv":
            mask[token.start : token.end] = True
    return mask
