"""Layer 3b, real-word pairs decided by the character model: 权利/权力, 必须/必需, 报道/报到 … where no written rule
of ``usage_rules.yaml`` speaks, the sentence itself decides.

Both words of such a pair are words, so a dictionary cannot tell the slip; the usage rules catch the contexts a
style guide names (截至 before a date), but most uses sit in contexts no rule lists (依法享有的权力, 必需全面贯彻).
Here the written word is reported when the model of formal prose finds the other word of its pair far more
probable in that very sentence (``MIN_GAIN`` nats over the characters the change touches). Only pairs whose
members mean different things are listed (``model_pairs.tsv``, each with its dictionary entry): for near-synonyms
the model's preference is frequency, not error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import numpy as np

from checks.typo.disjoint import keep_disjoint
from checks.typo.lm import CharLM
from checks.typo.ngram_evidence import REACH, change_gains

# Natural log over the changed word and the REACH characters after it. Chosen on the dev planted-error set and the
# dev split of the held-out prose (the lowest value with no false finding on either; see README, 文字关).
MIN_GAIN = 4.0


class PairListError(ValueError):
    pass


_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


@dataclass(frozen=True, slots=True)
class WordPair:
    wrong: str
    right: str
    source: str
    why: str
    unless: re.Pattern[str] | None = None  # the sentence says the written word is meant (机关 … 行使权力)

    def ruled_out(self, text: str, start: int, end: int) -> bool:
        """Does the sentence around text[start:end] match ``unless``? (Bounded: at most 200 characters a side.)"""
        if self.unless is None:
            return False
        left = text[max(0, start - 200) : start]
        right = text[end : end + 200]
        cut = _SENTENCE_END.search(right)
        pieces = _SENTENCE_END.split(left)
        sentence = pieces[-1] + text[start:end] + (right[: cut.start()] if cut else right)
        return self.unless.search(sentence) is not None


@dataclass(frozen=True, slots=True)
class PairHit:
    start: int
    end: int
    pair: WordPair
    gain: float


def read_pairs(path: Path) -> list[WordPair]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (4, 5) or not all(fields) or len(fields[0]) != len(fields[1]) or len(fields[0]) < 2:
            raise PairListError(f"{path.name}:{number}: expected wrong<TAB>right<TAB>source<TAB>why[<TAB>unless], "
                                "two words of the same length (two characters or more)")  # fmt: skip
        try:
            unless = re.compile(fields[4]) if len(fields) == 5 else None
        except re.error as exc:
            raise PairListError(f"{path.name}:{number}: unless is not a valid regular expression: {exc}") from exc
        pairs.append(WordPair(*fields[:4], unless))
    return pairs


class PairLayer:
    def __init__(self, pairs: Sequence[WordPair], lm: CharLM, min_gain: float = MIN_GAIN) -> None:
        self.pairs = tuple(pairs)
        self.lm = lm
        self.min_gain = min_gain
        self._automaton = ahocorasick.Automaton()
        by_word: dict[str, list[WordPair]] = {}
        for pair in self.pairs:
            by_word.setdefault(pair.wrong, []).append(pair)
        for word, group in by_word.items():
            self._automaton.add_word(word, tuple(group))
        if by_word:
            self._automaton.make_automaton()

    def find(self, text: str, touchable: np.ndarray) -> list[PairHit]:
        """Listed words the model wants as their partner, non-overlapping (the largest gain first)."""
        if not self.pairs:
            return []
        items: list[tuple[int, WordPair]] = []
        for last, group in self._automaton.iter(text):
            start = last + 1 - len(group[0].wrong)
            if touchable[start : last + 1].all():
                items.extend((start, pair) for pair in group if not pair.ruled_out(text, start, last + 1))
        if not items:
            return []
        # the gain reads REACH characters each side: a context met before is not asked again (repeated lines)
        keys = [(pair.right, text[max(0, s - REACH) : s + len(pair.wrong) + REACH], min(s, REACH)) for s, pair in items]
        distinct: dict[tuple[str, str, int], int] = {}
        for k, key in enumerate(keys):
            distinct.setdefault(key, k)
        asked = list(distinct.values())
        gains = change_gains(self.lm, text, [(items[k][0], items[k][1].right) for k in asked])
        gain_of = {keys[k]: float(g) for k, g in zip(asked, gains.tolist(), strict=True)}
        hits = [
            PairHit(start, start + len(pair.wrong), pair, gain_of[key])
            for (start, pair), key in zip(items, keys, strict=True)
            if gain_of[key] >= self.min_gain
        ]
        hits.sort(key=lambda h: -h.gain)
        return sorted(keep_disjoint(hits, lambda h: (h.start, h.end)), key=lambda h: h.start)
