"""Layer 2, non-words: two adjacent characters that formal prose never puts together and no dictionary word
holds, one confusable character away from a common word the language model prefers there (装璜, 松驰, 题纲,
幅射).

Every pair of adjacent characters of the 17 M-character training prose is in the model (its bigrams are not
pruned), so an unseen pair is strong evidence of a slip — or of a name, a rare term, a new coinage. The layer
therefore asks more than the statistical corrector does: the change must turn the pair into part of a
dictionary word at least as common as ``MIN_BUCKET``, the pair must not sit inside any dictionary word as
written, and the model must gain ``MIN_GAIN`` from the change. Characters in the do-not-touch layer (names,
places, titles) are never candidates.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from checks.segmenter import Token
from checks.typo.confusion import ConfusionSet
from checks.typo.disjoint import keep_disjoint
from checks.typo.lm import CharLM
from checks.typo.ngram_evidence import change_gains
from checks.typo.ngram_hash import suffix_hashes
from checks.typo.symbols import encode
from checks.typo.words import MAX_WORD, WordLookup

MIN_BUCKET = 3  # the intended word: dictionary frequency ≥ 50 (words.FREQ_THRESHOLDS)
# Natural log: the change makes the context this much more probable. Chosen on the dev set: the planted non-words
# keep ~91 % of their hits while the false findings there go to zero; modern coinages the 2017-and-older training
# prose never saw (纠治, 走深走实) sit mostly below it.
MIN_GAIN = 12.0
# A pair written twice or more in one text is meant (a coinage, an abbreviation such as 哥方): slips do not repeat.
MAX_REPEATS = 1


@dataclass(frozen=True, slots=True)
class NonWordHit:
    start: int  # the intended word's span
    end: int
    pos: int  # the changed character
    wrong: str
    right: str
    word: str  # the intended word
    gain: float


def pair_counts(text: str, at: np.ndarray) -> np.ndarray:
    """How many times the two characters at each offset of ``at`` occur side by side in ``text`` (at any offset,
    overlapping occurrences counted: 王王王 holds 王王 twice), for all offsets at once."""
    if not len(at) or len(text) < 2:
        return np.zeros(len(at), dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    pairs = (codes[:-1] << 21) | codes[1:]  # code points fit in 21 bits
    values, counts = np.unique(pairs, return_counts=True)
    return counts[np.searchsorted(values, pairs[at])]


class NonWordLayer:
    def __init__(self, lm: CharLM, confusion: ConfusionSet, words: WordLookup) -> None:
        self.lm = lm
        self.confusion = confusion
        self.words = words

    def unseen_pairs(self, text: str, touchable: np.ndarray) -> np.ndarray:
        """Offsets i where text[i:i+2] is two touchable characters the model never saw side by side."""
        if len(text) < 2:
            return np.zeros(0, dtype=np.int64)
        both = np.flatnonzero(touchable[:-1] & touchable[1:])
        if not len(both):
            return both
        codes = encode(text)
        pairs = np.ascontiguousarray(np.column_stack([codes[both], codes[both + 1]]))
        return both[~self.lm.lookup(suffix_hashes(pairs)[1]).found]

    def word_over(self, text: str, lo: int, hi: int) -> tuple[int, int, int]:
        """The most common dictionary word (2–MAX_WORD chars) of ``text`` covering lo..hi−1: (bucket, start, end)."""
        best = (0, lo, hi)
        n = len(text)
        for length in range(MAX_WORD, hi - lo - 1, -1):
            for a in range(max(0, hi - length), min(lo, n - length) + 1):
                level = self.words.bucket(text[a : a + length])
                if level > best[0]:
                    best = (level, a, a + length)
        return best

    def find(
        self, text: str, touchable: np.ndarray, tokens: Sequence[Token], min_gain: float = MIN_GAIN
    ) -> list[NonWordHit]:
        unseen = self.unseen_pairs(text, touchable)
        repeats = pair_counts(text, unseen)
        spots = [
            i
            for i, count in zip(unseen.tolist(), repeats.tolist(), strict=True)
            # inside a dictionary word as written: a rare word, not a slip; written twice: meant
            if count <= MAX_REPEATS and not self.word_over(text, i, i + 2)[0]
        ]
        best: dict[int, NonWordHit] = {}
        for i, hit in self._candidates(text, spots, touchable, min_gain):
            if i not in best or hit.gain > best[i].gain:
                best[i] = hit
        ends = [t.start + len(t.word) for t in tokens] if best else []  # Token.end, without a property call each
        kept = [best[i] for i in sorted(best) if not self.breaks_word(best[i], tokens, ends)]
        return keep_disjoint(kept, lambda h: (h.start, h.end))

    def breaks_word(self, hit: NonWordHit, tokens: Sequence[Token], ends: Sequence[int] | None = None) -> bool:
        """Would the intended word cut through a dictionary word of the text (约定|俗成 → 定时)? Then the
        text re-brackets rather than mends: 并死因 is 并 + 死因, not a slip for 病死.

        ``ends``: the tokens' ends (tokens are in text order and do not overlap), to start at the first token
        that reaches into the hit instead of at the first token of the text."""
        first = bisect_right(ends, hit.start) if ends is not None else 0
        for k in range(first, len(tokens)):
            t = tokens[k]
            if t.start >= hit.end:
                break
            if t.end <= hit.start or len(t.word) < 2:
                continue
            inside = hit.start <= t.start and t.end <= hit.end
            around = t.start <= hit.start and hit.end <= t.end
            if not (inside or around) and self.words.bucket(t.word) >= 1:
                return True
        return False

    def _candidates(
        self, text: str, spots: list[int], touchable: np.ndarray, min_gain: float
    ) -> list[tuple[int, NonWordHit]]:
        """(pair offset, hit) for every change at an unseen pair that passes; the model is asked twice in all
        (are the new pairs attested; how much does each survivor gain), not once per pair."""
        proposals = []
        for i in spots:
            for pos in (i, i + 1):
                if not touchable[pos]:
                    continue
                other = text[i + 1] if pos == i else text[i]
                for conf in self.confusion.candidates(text[pos]):
                    pair = conf.right + other if pos == i else other + conf.right
                    proposals.append((i, pos, conf.right, pair))
        if not proposals:
            return []
        joined = "".join(p for *_, p in proposals).encode("utf-32-le")
        codes = np.frombuffer(joined, dtype=np.uint32).astype(np.uint64).reshape(-1, 2)  # CJK: symbol = code point
        seen = self.lm.lookup(suffix_hashes(codes)[1]).found
        survivors = []
        for (i, pos, right, _), ok in zip(proposals, seen.tolist(), strict=True):
            if not ok:
                continue
            lo = max(0, i - MAX_WORD + 2)  # every word of ≤ MAX_WORD characters over i, i+1 lies in lo … i+MAX_WORD
            local = text[lo:pos] + right + text[pos + 1 : i + MAX_WORD]
            level, start, end = self.word_over(local, i - lo, i - lo + 2)
            if level >= MIN_BUCKET:
                survivors.append((i, pos, right, lo + start, lo + end, local[start:end]))
        gains = change_gains(self.lm, text, [(pos, right) for _, pos, right, *_ in survivors])
        return [
            (i, NonWordHit(start, end, pos, text[pos], right, word, gain))
            for (i, pos, right, start, end, word), gain in zip(survivors, gains.tolist(), strict=True)
            if gain >= min_gain
        ]
