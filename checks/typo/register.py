"""How a paragraph is written: edited formal prose or everyday writing, judged from its own characters.

Hasty everyday writing (letters, essays, messages) holds many more slips than edited official prose, and the
character model, built from formal prose, needs less evidence to trust a correction there. Each character and each
pair of adjacent characters carries a log-ratio of its frequency in everyday sentences (the SIGHAN training essays)
to its frequency in formal prose (the laws and reports the model is built from); a paragraph whose mean ratio
reaches ``cutoff`` is everyday writing. Built by scripts/build_typo_model.py as ``register.json``; nothing here
knows any test set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REGISTER_FILE = "register.json"


@dataclass(frozen=True)
class RegisterModel:
    ratios: dict[str, float]  # character or bigram → log(frequency in everyday / in formal prose), clipped
    cutoff: float  # a paragraph whose mean ratio reaches this is everyday writing
    min_chars: int  # paragraphs with fewer distinct rated characters are too short (or too repetitive) to judge
    note: str = ""

    @classmethod
    def load(cls, path: Path) -> RegisterModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({k: float(v) for k, v in data["ratios"].items()}, float(data["cutoff"]), int(data["min_chars"]),
                   data.get("note", ""))  # fmt: skip

    def to_json(self) -> str:
        data = {
            "cutoff": self.cutoff,
            "min_chars": self.min_chars,
            "note": self.note,
            "ratios": {k: round(v, 3) for k, v in sorted(self.ratios.items())},
        }
        return json.dumps(data, ensure_ascii=False, indent=0) + "\n"

    def score(self, paragraph: str) -> float | None:
        """Mean ratio over the rated characters and bigrams; None when too few distinct characters are rated to
        judge (a line of one repeated character is no evidence of how anyone writes)."""
        if len({ch for ch in set(paragraph) if ch in self.ratios}) < self.min_chars:
            return None
        chars = [r for r in map(self.ratios.get, paragraph) if r is not None]
        pairs = [r for r in map(self.ratios.get, bigrams(paragraph)) if r is not None]
        return (sum(chars) + sum(pairs)) / (len(chars) + len(pairs))

    def everyday(self, text: str, ignore: np.ndarray | None = None) -> np.ndarray:
        """Per character: does it lie in a paragraph (a line) of everyday writing? Characters under ``ignore``
        (quoted errors, book titles: someone else's words) do not count towards the judgement."""
        mask = np.zeros(len(text), dtype=bool)
        start = 0
        for line in text.split("\n"):
            end = start + len(line)
            if ignore is not None and ignore[start:end].any():
                line = "".join(" " if ignore[start + k] else ch for k, ch in enumerate(line))
            value = self.score(line)
            if value is not None and value >= self.cutoff:
                mask[start:end] = True
            start = end + 1
        return mask


def bigrams(text: str) -> list[str]:
    """Adjacent character pairs (a ratio exists only for pairs of CJK characters)."""
    return [text[i : i + 2] for i in range(len(text) - 1)]
