"""Context words near a match raise its score, in time linear in the text.

Presidio's lemma enhancer finds each match's token by scanning the token list from the start
and tests keyword membership against a list, which is quadratic on long lists of numbers.
This enhancer has the same rule (substring match of a recognizer's context word among the n
keywords before and m after the match) with a bisect lookup and a bounded walk.
"""

from __future__ import annotations

from bisect import bisect_right

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

# A walk over punctuation and stopwords ends after this many tokens per wanted keyword.
WALK_FACTOR = 4


class WindowContextEnhancer(ContextAwareEnhancer):
    def __init__(
        self,
        context_prefix_count: int = 8,
        context_suffix_count: int = 2,
        context_similarity_factor: float = 0.35,
        min_score_with_context_similarity: float = 0.4,
    ) -> None:
        super().__init__(
            context_similarity_factor=context_similarity_factor,
            min_score_with_context_similarity=min_score_with_context_similarity,
            context_prefix_count=context_prefix_count,
            context_suffix_count=context_suffix_count,
        )

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        results = list(raw_results)  # fresh results of this analysis: updated in place
        if nlp_artifacts is None or not nlp_artifacts.tokens:
            return results
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        extra = [word.lower() for word in context or ()]
        lemmas = nlp_artifacts.lemmas  # lower-cased where a walk reads them: a few per result
        keywords = set(nlp_artifacts.keywords)  # Presidio keeps these in a list
        starts, tokens = nlp_artifacts.tokens_indices, nlp_artifacts.tokens
        count = len(starts)
        if len(tokens) != count:
            raise ValueError(f"{len(tokens)} tokens but {count} token offsets")

        def end_of(i: int) -> int:
            return starts[i] + len(tokens[i])

        for result in results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context:
                continue
            if metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            index = bisect_right(range(count), result.start, key=end_of)  # the first token ending after it starts
            if index >= count:
                continue
            words = [
                *self._words(lemmas, keywords, index, self.context_prefix_count, -1),
                *self._words(lemmas, keywords, index, self.context_suffix_count, 1),
                *extra,
            ]
            supportive = next(
                (c for c in recognizer.context if any(c.lower() in word for word in words)),
                "",
            )
            if supportive:
                result.score = min(
                    ContextAwareEnhancer.MAX_SCORE,
                    max(result.score + self.context_similarity_factor, self.min_score_with_context_similarity),
                )
                if result.analysis_explanation is not None:
                    result.analysis_explanation.set_supportive_context_word(supportive)
                    result.analysis_explanation.set_improved_score(result.score)
        return results

    @staticmethod
    def _words(lemmas: list[str], keywords: set[str], index: int, count: int, step: int) -> list[str]:
        """Up to ``count`` + 1 keywords (lower-cased lemmas) from ``index`` (inclusive) towards ``step``."""
        words: list[str] = []
        i, walked = index, 0
        limit = WALK_FACTOR * (count + 1)
        while 0 <= i < len(lemmas) and len(words) <= count and walked < limit:
            lemma = lemmas[i].lower()
            if lemma in keywords:
                words.append(lemma)
            i += step
            walked += 1
        return words
