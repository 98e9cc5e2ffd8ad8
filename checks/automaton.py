"""Aho–Corasick automata over large word lists, laid out for pyahocorasick's trie and asked only where a
word can be.

pyahocorasick finds a node's child by a linear search through the children in the order they were
added, so a text character that no word starts with is compared with every first character of the list
(some 6,000 for the typo allow list: a microsecond per character of Latin text or digits). Two measures,
neither of which changes what is found:

- words are added grouped by their first character, the most prolific first (a surname such as 王 starts
  thousands of names, a rare character a handful), so the frequent branches are met early;
- a text is searched only in runs of at least ``min_length`` characters that occur in some word: no match
  can cross a character outside every word, and each run is searched as its own string (pyahocorasick
  reads the whole string it is given, so a start/end range would not save the copy).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

import ahocorasick

V = TypeVar("V")


class WordAutomaton(Generic[V]):
    """``iter(text)`` yields what ``ahocorasick.Automaton.iter`` would: (end index, value), in the same order."""

    def __init__(self, items: Iterable[tuple[str, V]]) -> None:
        words: dict[str, V] = {}
        for word, value in items:
            if word:
                words.pop(word, None)
                words[word] = value  # the last value given for a word wins, as add_word's replacement does
        first = Counter(word[0] for word in words)
        self._automaton = ahocorasick.Automaton()
        for word in sorted(words, key=lambda w: (-first[w[0]], w[0])):
            self._automaton.add_word(word, words[word])
        self.size = len(words)
        if words:
            self._automaton.make_automaton()
        alphabet = "".join(sorted({ch for word in words for ch in word}))
        shortest = min(map(len, words), default=1)
        self._runs = re.compile(f"[{re.escape(alphabet)}]{{{shortest},}}") if alphabet else None

    def iter(self, text: str) -> Iterator[tuple[int, V]]:
        if self._runs is None:
            return
        for run in self._runs.finditer(text):
            offset = run.start()
            for end, value in self._automaton.iter(run.group()):
                yield offset + end, value
