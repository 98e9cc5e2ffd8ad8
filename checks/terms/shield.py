"""Spans of text that are known to be right: protected formulations written correctly, allowed names.

No term rule may fire inside them: 住房和城乡建设部 is not the outdated 建设部, and 碣石 or 甲子 (towns
of 陆丰) are never "corrected".
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from checks.terms.context import DocContext

Span = tuple[int, int, bool]  # start, end, is an allowed name


class Shield:
    def __init__(self, protected: Iterable[str], allowed: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        names = set(allowed)
        words = set(protected) | names
        for word in words:
            self._automaton.add_word(word, (len(word), word in names))
        if words:
            self._automaton.make_automaton()
        self._empty = not words

    def spans(self, ctx: DocContext) -> list[Span]:
        if self._empty:
            return []
        return [(end - n + 1, end + 1, is_name) for end, (n, is_name) in self._automaton.iter(ctx.text)]
