"""Factories of the typo check, by check name."""

from __future__ import annotations

from checks.resources import CheckFactory, Resources
from checks.typo.check import TypoCheck
from checks.typo.layers import load_layers
from checks.typo.model import load_model
from checks.typo.words import WordLookup


def load_surnames(resources: Resources) -> frozenset[str]:
    path = resources.config.dictionaries_dir / "surnames.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def build_typo_check(resources: Resources) -> TypoCheck:
    folder = resources.config.dictionaries_dir / "typo"
    model = load_model(folder, cache=resources.cache)
    words = WordLookup(resources.segmenter.dictionary_tag)
    return TypoCheck(model, words, load_surnames(resources), load_layers(folder, model, words))


FACTORIES: dict[str, CheckFactory] = {"typo": build_typo_check}
