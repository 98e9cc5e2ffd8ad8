"""Spans of text that are known to be right: protected formulations written correctly, allowed names.

No term rule may fire inside them: 住房和城乡建设部 is not the outdated 建设部, and 碣石 or 甲子 (towns
of 陆丰) are never "corrected".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

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
        self._longest = max(map(len, words), default=0)

    def spans(self, ctx: DocContext) -> list[Span]:
        if self._empty:
            return []
        return [(end - n + 1, end + 1, is_name) for end, (n, is_name) in self._automaton.iter(ctx.text)]

    def inside_longer(self, text: str) -> Callable[[int, int], bool]:
        """A test whether [start, end) lies inside a longer span of ``spans`` of ``text``.

        Each question reads only the stretch a longer span could cover (the longest word on either side):
        the checks that ask about a few matches need not find every span of a long text.
        """

        def inside(start: int, end: int) -> bool:
            if self._empty or end - start >= self._longest:
                return False
            lo, hi = max(0, end - self._longest), min(len(text), start + self._longest)
            for last, (n, _) in self._automaton.iter(text, lo, hi):
                if last + 1 - n <= start and end <= last + 1 and n > end - start:
                    return True
            return False

        return inside
