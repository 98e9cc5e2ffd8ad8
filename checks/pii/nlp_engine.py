"""A jieba-backed Presidio NlpEngine, so Chinese context words can move scores.

Presidio ships no Chinese model and its default engine would load (or download) spaCy
models. Tokens come from the Document that is already segmented; lemma = token.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from operator import attrgetter

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from checks.segmenter import Segmenter, Token

LANGUAGE = "zh"
_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉【】〔〕…—·,.;:?!()[]{}<>\"'/\\|-_=+*&^%$#@~` \n\t")
_PUNCT_CHARS = "".join(sorted(_PUNCT))  # a word made only of these is punctuation (str.strip leaves nothing)
_word, _start, _pos = attrgetter("word"), attrgetter("start"), attrgetter("pos")
_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "为",
        "对",
        "将",
        "把",
        "被",
        "由",
        "从",
        "向",
        "于",
        "等",
        "之",
        "其",
        "该",
        "此",
        "这",
        "那",
    ]
)


class JiebaNlpArtifacts(NlpArtifacts):
    """Presidio artifacts plus the POS tags the person-name recognizer needs."""

    def __init__(self, tokens: Sequence[Token], nlp_engine: NlpEngine) -> None:
        words = list(map(_word, tokens))
        super().__init__(
            entities=[],
            tokens=words,
            tokens_indices=list(map(_start, tokens)),
            lemmas=words,
            nlp_engine=nlp_engine,
            language=LANGUAGE,
        )
        self.pos = list(map(_pos, tokens))

    @staticmethod
    def set_keywords(nlp_engine: NlpEngine | None, lemmas: Sequence[str], language: str) -> list[str]:
        """Presidio's keywords (lemmas that are neither stopwords nor punctuation, lower-cased, split at
        ":"), the same list built from each distinct lemma once: a long text repeats its words, and
        Presidio's passes and method calls per token were a third of the PII check's time."""
        if not nlp_engine:
            return []
        if type(nlp_engine) is not JiebaNlpEngine:  # another engine: its own stopwords and punctuation
            return NlpArtifacts.set_keywords(nlp_engine, list(lemmas), language)
        pieces = {lemma: _keyword_pieces(lemma) for lemma in set(lemmas)}
        return list(chain.from_iterable(map(pieces.__getitem__, lemmas)))


def _keyword_pieces(lemma: str) -> tuple[str, ...]:
    """What one lemma adds to Presidio's keywords: nothing for a stopword or punctuation."""
    if lemma in _STOPWORDS or (lemma and not lemma.strip(_PUNCT_CHARS)) or lemma in ("-PRON-", "be"):
        return ()
    lowered = lemma.lower()
    return tuple(lowered.split(":")) if ":" in lowered else (lowered,)


class JiebaNlpEngine(NlpEngine):
    def __init__(self, segmenter: Segmenter) -> None:
        self._segmenter = segmenter

    def load(self) -> None:  # the segmenter is loaded when it is built
        return None

    def is_loaded(self) -> bool:
        return True

    def artifacts(self, tokens: Sequence[Token]) -> JiebaNlpArtifacts:
        return JiebaNlpArtifacts(tokens, self)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return self.artifacts(self._segmenter.tokens(text))

    def process_batch(
        self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1, **kwargs: object
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        return word in _STOPWORDS

    def is_punct(self, word: str, language: str) -> bool:
        return bool(word) and all(ch in _PUNCT for ch in word)

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return [LANGUAGE]
