"""Everything the typo check loads, once per process, from ``dictionaries/typo``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checks.build_cache import BuildCache
from checks.typo.confusion import ConfusionSet
from checks.typo.lm import CharLM
from checks.typo.misspellings import MisspellingList
from checks.typo.protect import AllowList
from checks.typo.protect_patterns import NUMERALS
from checks.typo.register import REGISTER_FILE, RegisterModel
from checks.typo.scorer import Scorer

LM_FILE = "lm.npz"
CONFUSION_FILE = "confusion.tsv"
MISSPELLINGS_FILE = "misspellings.tsv"
PROTECTED_FILE = "protected.txt"
IDIOMS_FILE = "idioms.txt"
SCORER_FILE = "scorer.json"


@dataclass(frozen=True)
class TypoModel:
    lm: CharLM
    confusion: ConfusionSet
    misspellings: MisspellingList
    allow_list: AllowList
    scorer: Scorer
    register: RegisterModel | None = None  # None: every paragraph is judged formal


def read_names(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def load_model(folder: Path, *, confusion_counts: str = "all", cache: BuildCache | None = None) -> TypoModel:
    """The model in ``folder``; with a cache, a start loads the laid-out tables instead of building them."""
    if cache is None:
        return build_model(folder, confusion_counts=confusion_counts)
    inputs = sorted(p for p in folder.iterdir() if p.is_file())
    return cache.get(f"typo-{confusion_counts}", inputs, lambda: build_model(folder, confusion_counts=confusion_counts))


def build_model(folder: Path, *, confusion_counts: str = "all") -> TypoModel:
    return TypoModel(
        lm=CharLM.load(folder / LM_FILE),
        confusion=ConfusionSet.load(folder / CONFUSION_FILE, counts=confusion_counts, closed=NUMERALS),
        misspellings=MisspellingList.load(folder / MISSPELLINGS_FILE),
        allow_list=AllowList(read_names(folder / PROTECTED_FILE) + read_names(folder / IDIOMS_FILE)),
        scorer=Scorer.load(folder / SCORER_FILE),
        register=RegisterModel.load(folder / REGISTER_FILE),
    )
