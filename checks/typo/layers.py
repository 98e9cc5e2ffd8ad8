"""The rule layers of the typo check besides the curated list and the statistical corrector, loaded once.

Order of precedence (an earlier layer's hit hides its characters from the later ones): curated misspellings,
style-guide usage rules, real-word pairs decided by the model, fixed expressions, the character model, then
non-words for what the model left (a non-word the model already mends keeps the model's one-character finding,
with its score and explanation).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checks.typo.idioms import IdiomIndex, IdiomLayer
from checks.typo.model import IDIOMS_FILE, TypoModel, read_names
from checks.typo.nonwords import NonWordLayer
from checks.typo.pairs import PairLayer, read_pairs
from checks.typo.usage import UsageRules
from checks.typo.words import WordLookup

USAGE_FILE = "usage_rules.yaml"
PAIRS_FILE = "model_pairs.tsv"
LAYERS = ("misspelling", "usage", "pair", "idiom", "char", "nonword")


@dataclass(frozen=True)
class TypoLayers:
    usage: UsageRules
    pairs: PairLayer
    idioms: IdiomLayer
    nonwords: NonWordLayer


def load_layers(folder: Path, model: TypoModel, words: WordLookup) -> TypoLayers:
    return TypoLayers(
        usage=UsageRules.load(folder / USAGE_FILE),
        pairs=PairLayer(read_pairs(folder / PAIRS_FILE), model.lm),
        idioms=IdiomLayer(IdiomIndex(read_names(folder / IDIOMS_FILE)), model.lm, model.confusion, words.bucket),
        nonwords=NonWordLayer(model.lm, model.confusion, words),
    )
