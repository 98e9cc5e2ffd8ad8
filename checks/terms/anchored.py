"""A regular expression searched only near the literal text that every one of its matches holds.

Tried at every offset of a long text, a pattern that opens with an optional group or a look-behind costs
milliseconds even where its anchor (中全会, 届全国) never occurs; the windows around the anchor's
occurrences hold every match, so scanning them finds the same matches in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class AnchoredPattern:
    """``pattern``'s every match holds ``anchor`` and is at most ``width`` characters long.

    The pattern must not look ahead (a window's end hides what follows it); looking behind is fine.
    """

    pattern: re.Pattern[str]
    anchor: str
    width: int

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of ``pattern.finditer(text)``."""
        for start, end in self._windows(text):
            yield from self.pattern.finditer(text, start, end)

    def _windows(self, text: str) -> Iterator[tuple[int, int]]:
        """Disjoint, ordered spans that hold every match: ``width`` characters either side of each anchor."""
        reach_before = self.width - len(self.anchor)
        current: tuple[int, int] | None = None
        at = text.find(self.anchor)
        while at >= 0:
            start, end = max(0, at - reach_before), min(len(text), at + self.width)
            if current is not None and start <= current[1]:
                current = (current[0], end)
            else:
                if current is not None:
                    yield current
                current = (start, end)
            at = text.find(self.anchor, at + 1)
        if current is not None:
            yield current
