"""Word evidence for a character change: does the change make or break a dictionary word?

Real typos in edited prose usually leave a non-word (布署, 贯切) that the change turns into a
common word (部署, 贯彻); swapping a character inside a common word (或者, 部署) is almost always a
false alarm. The jieba dictionary the Document was segmented with answers both questions.
"""

from __future__ import annotations

from collections.abc import Callable

# Frequency buckets of the jieba dictionary: 0 = no word (or rarer than the first threshold).
FREQ_THRESHOLDS = (1, 5, 50, 500, 5000)
MAX_WORD = 4

DictionaryTag = Callable[[str, int], str | None]


class WordLookup:
    def __init__(self, dictionary_tag: DictionaryTag) -> None:
        self._tag = dictionary_tag
        self._cache: dict[str, int] = {}

    def bucket(self, word: str) -> int:
        """0 for a non-word, else how common the word is (1 … len(FREQ_THRESHOLDS))."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        level = 0
        for threshold in FREQ_THRESHOLDS:
            if self._tag(word, threshold) is None:
                break
            level += 1
        if len(self._cache) < 200_000:
            self._cache[word] = level
        return level

    def best_cover(self, text: str, i: int, ch: str) -> int:
        """How common the most common dictionary word (2–4 chars) covering ``i`` is once ``text[i]`` is ``ch``."""
        return self.best_word(text, i, ch)[0]

    def best_word(self, text: str, i: int, ch: str) -> tuple[int, str]:
        """The bucket and the text of that word ('' when none); longer words win ties."""
        best, word = 0, ""
        n = len(text)
        for length in range(MAX_WORD, 1, -1):
            for a in range(max(0, i - length + 1), min(i, n - length) + 1):
                candidate = text[a:i] + ch + text[i + 1 : a + length]
                level = self.bucket(candidate)
                if level > best:
                    best, word = level, candidate
        return best, word
