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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from checks.typo.register_tables import CODE_POINTS, RatioTables, pair_key

REGISTER_FILE = "register.json"


@dataclass(frozen=True)
class RegisterModel:
    ratios: dict[str, float]  # character or bigram → log(frequency in everyday / in formal prose), clipped
    cutoff: float  # a paragraph whose mean ratio reaches this is everyday writing
    min_chars: int  # paragraphs with fewer distinct rated characters are too short (or too repetitive) to judge
    note: str = ""
    _tables: RatioTables = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tables", RatioTables(self.ratios))  # built with the model, kept in its cache

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
        (quoted errors, book titles: someone else's words) do not count towards the judgement.

        ``score`` of every line at once: the ratios are looked up for the whole text in arrays, and only each
        judged line's sums run in Python (the same additions in the same order, so the same floats)."""
        if not text:
            return np.zeros(0, dtype=bool)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        seen = codes if ignore is None else np.where(ignore[: len(text)], ord(" "), codes)  # as score reads it
        newline = codes == ord("\n")
        line = np.cumsum(newline) - newline  # the line each character lies in (a line break ends its line)
        lines = int(line[-1]) + 1
        tables = self._tables
        rated = tables.chars(seen) & ~newline
        judged = _distinct_per_line(line[rated], seen[rated], lines) >= self.min_chars
        chars, char_line = tables.ratio[seen[rated]], line[rated]
        pair_at = np.flatnonzero(~newline[:-1] & ~newline[1:])
        pair_found, pairs = tables.pairs(pair_key(seen[pair_at], seen[pair_at + 1]))
        pair_line = line[pair_at][pair_found]
        bounds = np.arange(lines + 1)
        char_cut = np.searchsorted(char_line, bounds).tolist()
        pair_cut = np.searchsorted(pair_line, bounds).tolist()
        char_values, pair_values = chars.tolist(), pairs.tolist()
        everyday = np.zeros(lines, dtype=bool)
        for k in np.flatnonzero(judged).tolist():
            c = char_values[char_cut[k] : char_cut[k + 1]]
            p = pair_values[pair_cut[k] : pair_cut[k + 1]]
            everyday[k] = (sum(c) + sum(p)) / (len(c) + len(p)) >= self.cutoff
        return everyday[line] & ~newline


def _distinct_per_line(line: np.ndarray, codes: np.ndarray, lines: int) -> np.ndarray:
    """How many distinct code points each line holds."""
    keys = np.sort(pair_key(line, codes))
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return np.bincount(keys[first] // CODE_POINTS, minlength=lines)


def bigrams(text: str) -> list[str]:
    """Adjacent character pairs (a ratio exists only for pairs of CJK characters)."""
    return [text[i : i + 2] for i in range(len(text) - 1)]
