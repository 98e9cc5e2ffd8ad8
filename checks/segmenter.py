"""Chinese word segmentation with POS tags, loaded once per process.

The cut is ``jieba.posseg``'s (dictionary DAG, then its HMM for unknown runs), driven here with
jieba's public tokenizer methods so that the HMM decoder is the linear-time one in
``checks.pos_hmm``: the same tokens and tags, several times faster.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from math import inf, log, nan
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from checks.build_cache import BuildCache
from checks.pos_hmm import PosHmm

if TYPE_CHECKING:
    import jieba

# jieba.posseg's block patterns (the cut must split where jieba splits; tests compare with jieba).
_HAN_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._]+)")
_SPACE = re.compile("(\r\n|\\s)")
_HAN_RUN = re.compile("([\u4e00-\u9fd5]+)")
_LATIN_OR_NUMBER = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
_NUMBER = re.compile("[\\.0-9]+")
_LATIN = re.compile("[a-zA-Z0-9]+")
JIEBA_DICTIONARY = Path(importlib.util.find_spec("jieba").origin).resolve().parent / "dict.txt"


def jieba_tokenizer() -> jieba.Tokenizer:
    """A fresh jieba tokenizer (jieba is imported here: a start that loads its tables never needs it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


@dataclass(frozen=True)
class SegmenterTables:
    """jieba's prefix dictionary and POS tags with the user dictionaries merged: what a start loads."""

    freq: dict[str, int]
    total: int
    tags: dict[str, str]


def build_tables(user_dicts: Iterable[Path]) -> SegmenterTables:
    import jieba.posseg

    tokenizer = jieba_tokenizer()
    tokenizer.initialize()
    for path in user_dicts:
        tokenizer.load_userdict(str(path))
    pos = jieba.posseg.POSTokenizer(tokenizer)
    pos.makesure_userdict_loaded()
    return SegmenterTables(tokenizer.FREQ, tokenizer.total, pos.word_tag_tab)


class Token(NamedTuple):
    """A word of the cut with its POS tag: a named tuple, so that a long text's hundreds of thousands are
    made in C (``tokens`` builds them from zipped lists without running any Python per token)."""

    word: str
    pos: str
    start: int  # offset in the normalized text

    @property
    def end(self) -> int:
        return self.start + len(self.word)


_new_token = partial(tuple.__new__, Token)


class Segmenter:
    """A private jieba tokenizer, so user dictionaries never leak between configurations."""

    def __init__(self, user_dicts: Iterable[Path] = (), cache: BuildCache | None = None) -> None:
        cache = cache or BuildCache(None)
        user_dicts = list(user_dicts)
        tables = cache.get("segmenter", [JIEBA_DICTIONARY, *user_dicts], lambda: build_tables(user_dicts))
        self._freq, self._total, self._tags = tables.freq, tables.total, tables.tags
        self._jieba: jieba.Tokenizer | None = None  # only to add words: a start that loads needs no jieba
        # fragment -> log(freq / total), or NaN for a prefix of words that is no word (frequency 0),
        # filled as fragments are met (only dictionary entries, so it never outgrows the dictionary)
        self._logp: dict[str, float] = {}
        self._alone_logp: dict[str, float] = {}  # a character no word starts with, scored alone
        self._logp_total = tables.total
        self._hmm = cache.get("pos-hmm", [], PosHmm)

    def tokens(self, text: str) -> list[Token]:
        cut = _Cut()
        self._cut(text, cut)
        starts = itertools.accumulate(map(len, cut.words), initial=0)
        return list(map(_new_token, zip(cut.words, cut.tags, starts, strict=False)))  # one start too many

    def dictionary_tag(self, word: str, min_freq: int = 5) -> str | None:
        """The POS tag of a common dictionary word, or None for rare or unknown strings (most names)."""
        if self._freq.get(word, 0) < min_freq:
            return None
        return self._tags.get(word, "x")

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """``jieba.Tokenizer.add_word`` on this segmenter's dictionary (its tag as jieba's POS tokenizer keeps it)."""
        if self._jieba is None:
            self._jieba = jieba_tokenizer()
            self._jieba.FREQ = self._freq  # the same dict: jieba's additions land in ours
            self._jieba.initialized = True
        self._jieba.total = self._total
        self._jieba.add_word(word, freq, tag)
        self._total = self._jieba.total
        self._tags.update(self._jieba.user_word_tag_tab)
        self._jieba.user_word_tag_tab = {}
        self._logp.clear()
        self._alone_logp.clear()

    def _cut(self, text: str, cut: _Cut) -> None:
        """``jieba.posseg.POSTokenizer.cut(text, HMM=True)``, pair for pair, added to ``cut``.

        Words and tags go to two flat lists (no chain of generators to resume and no pair to allocate
        for every token: a long text makes hundreds of thousands). ``_HAN_BLOCK.split`` alternates
        the text between its blocks (odd places) and what lies between them (even places, maybe empty).
        Between blocks there is no ASCII letter, digit or dot (they all belong to blocks), so jieba tags
        every piece there "x", and its pieces are single characters but for each "\\r\\n", kept whole.
        """
        words, tags = cut.words, cut.tags
        parts = _HAN_BLOCK.split(text)
        for index, part in enumerate(parts):
            if index % 2:
                self._cut_block(part, cut)
            elif "\r\n" in part:
                for piece in _SPACE.split(part):
                    if piece == "\r\n":
                        words.append(piece)
                        tags.append("x")
                    else:
                        words.extend(piece)
                        tags.extend("x" * len(piece))
            else:
                words.extend(part)
                tags.extend("x" * len(part))

    def _route(self, block: str) -> list[int]:
        """For each position, the last index of the word the dictionary cut takes there.

        ``jieba.Tokenizer.get_DAG`` and ``calc`` in one backward pass, with each word's log
        probability computed once per process: the same sums in the same order, so the same cut
        (ties go to the longer word, as jieba's ``max`` over (score, end) tuples does). A prefix
        that is no word scores NaN, which no comparison takes.
        """
        logp, freq = self._word_logp(), self._freq
        n = len(block)
        best = [0.0] * (n + 1)
        last = [0] * n
        for k in range(n - 1, -1, -1):
            top, top_end, i, frag = -inf, -1, k, block[k]
            while True:
                p = logp.get(frag)
                if p is None:
                    if frag not in freq:  # no dictionary entry starts so
                        break
                    p = self._learn(frag)
                score = p + best[i + 1]
                if score >= top:
                    top, top_end = score, i
                i += 1
                if i == n:
                    break
                frag = block[k : i + 1]
            if top_end < 0:  # no dictionary word starts here: the character alone
                top, top_end = self._alone(block[k]) + best[k + 1], k
            best[k], last[k] = top, top_end
        return last

    def _word_logp(self) -> dict[str, float]:
        """fragment -> log(freq / total) (NaN for a prefix that is no word), cleared when a word is added."""
        if self._logp_total != self._total:  # a word was added: every probability changed
            self._logp.clear()
            self._alone_logp.clear()
            self._logp_total = self._total
        return self._logp

    def _learn(self, frag: str) -> float:
        """The log probability of a dictionary fragment met for the first time."""
        f = self._freq[frag]
        p = self._logp[frag] = log(f) - log(self._logp_total) if f else nan
        return p

    def _alone(self, char: str) -> float:
        """The log probability of a character no dictionary word starts with, cut alone."""
        p = self._alone_logp.get(char)
        if p is None:
            p = self._alone_logp[char] = log(self._freq.get(char) or 1) - log(self._logp_total)
        return p

    def _cut_block(self, block: str, cut: _Cut) -> None:
        """jieba's ``__cut_DAG``: the dictionary's words, and each run of single characters between them
        to ``_cut_run`` (a lone character is its own word, tagged from the dictionary)."""
        words, tags, tag_of = cut.words, cut.tags, self._tags.get
        n = len(block)
        if n == 1:
            words.append(block)
            tags.append(tag_of(block, "x"))
            return
        route = self._route(block)
        x = run_start = 0
        while x < n:
            y = route[x] + 1
            if y - x > 1:
                if run_start + 1 == x:
                    ch = block[run_start]
                    words.append(ch)
                    tags.append(tag_of(ch, "x"))
                elif run_start < x:
                    self._cut_run(block[run_start:x], cut)
                word = block[x:y]
                words.append(word)
                tags.append(tag_of(word, "x"))
                run_start = y
            x = y
        if run_start < n:
            self._cut_run(block[run_start:], cut)

    def _cut_run(self, run: str, cut: _Cut) -> None:
        """A run of single-character dictionary words: the HMM guesses words unless the run is a word.

        ``_HAN_RUN.split`` alternates the run between what is not Chinese (even places, maybe empty)
        and its Chinese stretches (odd places).
        """
        tag_of = self._tags.get
        if len(run) == 1 or self._freq.get(run):
            cut.words.extend(run)
            cut.tags.extend(map(tag_of, run, itertools.repeat("x")))
            return
        for index, part in enumerate(_HAN_RUN.split(run)):
            if index % 2:
                guessed = cut.hmm.get(part)
                if guessed is None:
                    guessed = cut.hmm[part] = self._guess(part)
                cut.words.extend(guessed[0])
                cut.tags.extend(guessed[1])
                continue
            for piece in _LATIN_OR_NUMBER.split(part):
                if piece:
                    cut.words.append(piece)
                    cut.tags.append("m" if _NUMBER.match(piece) else "eng" if _LATIN.match(piece) else "x")

    def _guess(self, chars: str) -> tuple[list[str], list[str]]:
        """The HMM's words for a run of Chinese characters and their tags (the dictionary's where it gives none)."""
        guessed = self._hmm.words(chars)
        tag_of = self._tags.get
        return [word for word, _ in guessed], [tag or tag_of(word, "x") for word, tag in guessed]


class _Cut:
    """What one text's cut has produced so far: words and their tags, and the HMM's answer for each run
    of unknown characters met (a text repeats its names and numbers: each run is decoded once per text)."""

    __slots__ = ("hmm", "tags", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.tags: list[str] = []
        self.hmm: dict[str, tuple[list[str], list[str]]] = {}
