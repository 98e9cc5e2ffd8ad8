"""Derive the shipped name and place dictionaries from the project's shared data folder.

Run: python scripts/build_dictionaries.py [SHARED_DATA_DIR]
Writes dictionaries/surnames.txt and dictionaries/jieba_places.txt. The product reads
only these outputs, never the shared folder.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dictionaries"
_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("居民委员会", ""),
    ("社区居委会", "社区"),
    ("居委会", ""),
    ("村民委员会", "村"),
    ("村委会", "村"),
)
_SKIP = {"市辖区", "辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def bare_place_name(name: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def build_surnames(data: Path) -> list[str]:
    rows = []
    for line in (data / "lexicon" / "surnames_namemoe.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        surname, tf = line.split("\t")[:2]
        rows.append((surname.strip(), float(tf)))
    return [s for s, _ in sorted(rows, key=lambda r: -r[1]) if re.fullmatch(r"[\u4e00-\u9fff]{1,2}", s)]


def build_places(data: Path) -> list[tuple[str, int]]:
    """Place names with a rough level, for jieba (tag ns) so they segment as one word."""
    names: dict[str, int] = {}
    files = [
        "china_divisions_2023_levels1-4.csv",
        "guangdong_divisions_2021_levels1-5.csv",
        "hk_mo_tw_2021.csv",
    ]
    for file in files:
        with (data / "places" / file).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = bare_place_name(row["name"].strip())
                if name in _SKIP or len(name) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", name):
                    continue
                level = int(row["level"])
                names[name] = min(level, names.get(name, 9))
    return sorted(names.items(), key=lambda item: (item[1], item[0]))


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    surnames = build_surnames(data)
    header = (
        "# format: one surname per line, most frequent first\n"
        "# source: wainshine/Chinese-Names-Corpus (Apache-2.0), Chinese_Family_Name(1k).xlsx,"
        " via shared/data/lexicon/surnames_namemoe.tsv\n"
        "# built by scripts/build_dictionaries.py\n"
    )
    (OUT / "surnames.txt").write_text(header + "\n".join(surnames) + "\n", encoding="utf-8")
    places = build_places(data)
    lines = [f"{name} {2000 - 300 * level if level < 5 else 50} ns" for name, level in places]
    # jieba's user-dictionary loader reads every line, so the provenance lives in SOURCES.md.
    (OUT / "jieba_places.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"surnames: {len(surnames)}, places: {len(places)}")


if __name__ == "__main__":
    main()
