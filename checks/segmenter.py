"""Chinese word segmentation with POS tags, loaded once per process."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba
import jieba.posseg

jieba.setLogLevel(logging.WARNING)


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

    def tokens(self, text: str) -> list[Token]:
        out: list[Token] = []
        pos = 0
        for pair in self._pos.cut(text):
            out.append(Token(pair.word, pair.flag, pos))
            pos += len(pair.word)
        return out

    def dictionary_tag(self, word: str, min_freq: int = 5) -> str | None:
        """The POS tag of a common dictionary word, or None for rare or unknown strings (most names)."""
        if self._tokenizer.FREQ.get(word, 0) < min_freq:
            return None
        return self._pos.word_tag_tab.get(word, "x")

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self._tokenizer.add_word(word, freq, tag)
