"""台湾、香港、澳门 listed among 国家 without 国家和地区 (a sovereignty error, term.political).

Xinhua's style rules: Hong Kong and Macao are special administrative regions and Taiwan a province of
China; where several country and region names are listed together the list must say 国家和地区.
The rule looks for an enumeration of country names and regions closed by (等)(N个)国家 and reports
国家 when the enumeration holds a region and no correct form (国家和地区) follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from checks.terms.context import DocContext
from checks.terms.schema import Source, SovereigntyFile


@dataclass(frozen=True, slots=True)
class SovereigntyHit:
    start: int
    end: int
    regions: tuple[str, ...]
    listed: str


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class SovereigntyRule:
    def __init__(self, data: SovereigntyFile, countries: Iterable[str], source: Source) -> None:
        self.data = data
        self.source = source
        self.regions = tuple(dict.fromkeys(data.regions))  # in the data's order: a finding's wording is stable
        countries = list(countries)
        items = _alternation([*countries, *data.regions])
        sep = f"[{re.escape(data.separators)}]"
        count = r"(?:[0-9]+|[一二三四五六七八九十几多两]+)个"
        # two or more names, or one name with 等: "维护香港国家安全" is not a list
        listing = rf"(?P<list>(?:{items})(?:{sep}(?:{items}))+)(?:等)?|(?P<one>{items})等"
        self._pattern = re.compile(
            rf"(?:{listing})(?:{count})?(?P<noun>{_alternation(data.nouns)})(?!{_alternation(data.compounds)})"
        )
        self._correct = tuple(data.correct_forms)
        # A match is made of these characters only (names, separators, counts, 等, the noun), so it lies
        # inside one run of them; runs without the noun are never searched, and the pattern (tried at every
        # offset of a long text) runs only where it can match. The lookahead reads up to ``_reach`` more.
        alphabet = {ch for w in (*countries, *data.regions, *data.nouns) for ch in w}
        alphabet |= set(data.separators) | set("0123456789一二三四五六七八九十几多两个等")
        self._runs = re.compile(f"[{re.escape(''.join(sorted(alphabet)))}]+")
        self._nouns = re.compile(_alternation(data.nouns)) if data.nouns else None
        self._reach = max(map(len, data.compounds), default=0)

    def find(self, ctx: DocContext) -> Iterator[SovereigntyHit]:
        text = ctx.text
        for match in self._matches(text):
            start = match.start("noun")
            if any(text.startswith(form, start) for form in self._correct):
                continue
            listed = match.group("list") or match.group("one")
            regions = tuple(r for r in self.regions if r in listed)
            if not regions:
                continue
            yield SovereigntyHit(start, match.end("noun"), regions, listed)

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        """``self._pattern.finditer(text)``, searched run by run (the same matches, in the same order)."""
        for start, end in self._runs_with_noun(text):
            for match in self._pattern.finditer(text, start, min(len(text), end + self._reach)):
                if match.start() >= end:
                    break
                yield match

    def _runs_with_noun(self, text: str) -> Iterator[tuple[int, int]]:
        """The runs of name characters that hold a noun (国家), in order, each once.

        Found from the nouns outwards (a noun's characters are name characters, so each noun lies in one
        run): a long text has tens of thousands of runs and only some hundreds of nouns.
        """
        if self._nouns is None:
            return
        backwards = text[::-1]  # the run's start is where the same run read backwards from the noun ends
        last_end = -1
        for noun in self._nouns.finditer(text):
            if noun.start() < last_end:
                continue  # in the run just given
            ahead = self._runs.match(text, noun.start())
            behind = self._runs.match(backwards, len(text) - noun.start())
            start = noun.start() - (behind.end() - behind.start() if behind else 0)
            last_end = ahead.end() if ahead else noun.start()
            yield start, last_end
