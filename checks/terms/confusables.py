"""Which characters are easily written for one another: same sound, similar shape, or a numeral.

A one-character difference from a protected formulation is only reported when the two characters are
confusable; that keeps ordinary words that share characters with a formulation quiet. The sound and
shape tables are pycorrector's data files, read by path (pycorrector itself is never imported), plus
the groups in dictionaries/terms/confusables.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from checks.pycorrector_data import pycorrector_file
from checks.terms.schema import ConfusablesFile

NUMERALS = frozenset("〇零一二两三四五六七八九十百千0123456789")
SAME_PINYIN = "same_pinyin.txt"
SAME_STROKE = "same_stroke.txt"


@dataclass(frozen=True)
class Confusables:
    """Confusion sets for the characters of interest only (the protected texts)."""

    sound: dict[str, frozenset[str]]
    shape: dict[str, frozenset[str]]

    def kind(self, expected: str, written: str) -> str | None:
        """'同音字' / '形近字' / '数字' when ``written`` is a plausible slip for ``expected``."""
        if written in self.sound.get(expected, ()):
            return "同音或近音字"
        if written in self.shape.get(expected, ()):
            return "形近字"
        if expected in NUMERALS and written in NUMERALS:
            return "数字"
        return None


def _read_lines(path: Path) -> Iterable[list[str]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            yield line.rstrip("\n").split("\t")


def load_confusables(wanted: Iterable[str], extra: ConfusablesFile | None) -> Confusables:
    """Build symmetric confusion sets restricted to the characters in ``wanted``."""
    chars = frozenset(wanted)
    sound: dict[str, set[str]] = defaultdict(set)
    shape: dict[str, set[str]] = defaultdict(set)

    def link(table: dict[str, set[str]], group: Iterable[str]) -> None:
        members = [c for c in group if len(c) == 1]
        for c in members:
            if c in chars:
                table[c].update(m for m in members if m != c)

    for cols in _read_lines(pycorrector_file(SAME_PINYIN)):
        head, rest = cols[0].strip(), "".join(cols[1:])
        for other in rest:
            link(sound, (head, other))
    for cols in _read_lines(pycorrector_file(SAME_STROKE)):
        link(shape, [c.strip() for c in cols if c.strip()])
    for group in extra.groups if extra else ():
        link(sound if group.kind == "sound" else shape, group.chars)
    return Confusables(
        sound={c: frozenset(s) for c, s in sound.items()},
        shape={c: frozenset(s) for c, s in shape.items()},
    )
