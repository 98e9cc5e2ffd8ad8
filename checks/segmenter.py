"""Chinese word segmentation with POS tags, loaded once per process.

The cut is ``jieba.posseg``'s (dictionary DAG, then its HMM for unknown runs), driven here with
jieba's public tokenizer methods so that the HMM decoder is the linear-time one in
``checks.pos_hmm``: the same tokens and tags, several times faster.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jieba
import jieba.posseg

from checks.pos_hmm import PosHmm

jieba.setLogLevel(logging.WARNING)

# jieba.posseg's block patterns (the cut must split where jieba splits).
_HAN_BLOCK = jieba.posseg.re_han_internal
_SPACE = jieba.posseg.re_skip_internal
_HAN_RUN = jieba.posseg.re_han_detail
_LATIN_OR_NUMBER = jieba.posseg.re_skip_detail
_NUMBER = jieba.posseg.re_num
_LATIN = jieba.posseg.re_eng


@dataclass(frozen=True, slots=True)
class Token:
    word: str
    pos: str
    start: int  # offset in the normalized text

    @property
    def end(self) -> int:
        return self.start + len(self.word)


class Segmenter:
    """A private jieba tokenizer, so user dictionaries never leak between configurations."""

    def __init__(self, user_dicts: Iterable[Path] = ()) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for path in user_dicts:
            self._tokenizer.load_userdict(str(path))
        self._pos = jieba.posseg.POSTokenizer(self._tokenizer)
        self._hmm = PosHmm()

    def tokens(self, text: str) -> list[Token]:
        out: list[Token] = []
        pos = 0
        for word, tag in self._cut(text):
            out.append(Token(word, tag, pos))
            pos += len(word)
        return out

    def dictionary_tag(self, word: str, min_freq: int = 5) -> str | None:
        """The POS tag of a common dictionary word, or None for rare or unknown strings (most names)."""
        if self._tokenizer.FREQ.get(word, 0) < min_freq:
            return None
        return self._pos.word_tag_tab.get(word, "x")

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self._tokenizer.add_word(word, freq, tag)

    def _cut(self, text: str) -> Iterator[tuple[str, str]]:
        """``jieba.posseg.POSTokenizer.cut(text, HMM=True)``, pair for pair."""
        self._pos.makesure_userdict_loaded()
        for block in _HAN_BLOCK.split(text):
            if not block:
                continue
            if _HAN_BLOCK.match(block):
                yield from self._cut_block(block)
                continue
            for part in _SPACE.split(block):
                if _SPACE.match(part):
                    yield part, "x"
                    continue
                latin = bool(_LATIN.match(part))  # jieba tests the whole part here, not the character
                for ch in part:
                    yield ch, "m" if _NUMBER.match(ch) else "eng" if latin else "x"

    def _cut_block(self, block: str) -> Iterator[tuple[str, str]]:
        tokenizer, tags = self._tokenizer, self._pos.word_tag_tab
        route: dict[int, tuple[float, int]] = {}
        tokenizer.calc(block, tokenizer.get_DAG(block), route)
        x, n, run_start = 0, len(block), 0
        while x < n:
            y = route[x][1] + 1
            if y - x > 1:
                if run_start < x:
                    yield from self._cut_unknown(block[run_start:x])
                yield block[x:y], tags.get(block[x:y], "x")
                run_start = y
            x = y
        if run_start < n:
            yield from self._cut_unknown(block[run_start:])

    def _cut_unknown(self, run: str) -> Iterator[tuple[str, str]]:
        """A run of single-character dictionary words: the HMM guesses words unless the run is a word."""
        tags = self._pos.word_tag_tab
        if len(run) == 1 or self._tokenizer.FREQ.get(run):
            for ch in run:
                yield ch, tags.get(ch, "x")
            return
        for part in _HAN_RUN.split(run):
            if not part:
                continue
            if _HAN_RUN.match(part):
                for word, tag in self._hmm.words(part):
                    yield word, tag or tags.get(word, "x")
                continue
            for piece in _LATIN_OR_NUMBER.split(part):
                if piece:
                    yield piece, "m" if _NUMBER.match(piece) else "eng" if _LATIN.match(piece) else "x"
