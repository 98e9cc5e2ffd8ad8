"""Build dictionaries/terms/attested.txt: variants of protected formulations that occur in formal prose.

A formulation with a word replaced or dropped (checks/terms/align.py) is reported only when the variant is
*unattested*. This script runs the aligner's candidate search over the official texts that may be used to
build the product — the reports to the CPC congresses 1–20, the State Council government work reports
1954–2017 and the laws and regulations of ``../shared/data/corpus`` — and writes every variant found there,
with its count. Not used: the 新闻联播 transcripts (their licence allows measuring only), and the documents
kept apart to measure false alarms (``heldout`` below, the same split bench/terms_false_alarms.py reads).

Usage: python scripts/build_term_attestation.py [--corpus-dir DIR] [--out PATH]
Deterministic: the same inputs give the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from checks.terms.align import FormulationAligner  # noqa: E402
from checks.terms.factories import known_texts  # noqa: E402
from checks.terms.lexicon import ATTESTED_FILE, load_lexicon  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "corpus"
HELDOUT_REPORT_YEARS = frozenset({1999, 2005, 2009, 2013, 2017})
HELDOUT_CONGRESSES = frozenset({17})
BUILD_FILES = (
    ("cpc_congress_reports_1_to_17.jsonl", "content"),
    ("cpc_congress_reports_18_to_20.jsonl", "content"),
    ("government_work_reports_1954_2017.jsonl", "content"),
    ("laws_regulations_2000_2025.jsonl", "text"),
)


def heldout(name: str, row: dict) -> bool:
    """Documents kept apart for measuring false alarms (never used to build)."""
    if name.startswith("laws"):
        return zlib.crc32(str(row.get("source", "")).encode("utf-8")) % 20 == 0
    if name.startswith("government"):
        return int(row.get("year") or 0) in HELDOUT_REPORT_YEARS
    return int(row.get("congress") or 0) in HELDOUT_CONGRESSES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=REPO / "dictionaries" / "terms" / ATTESTED_FILE)
    args = parser.parse_args()
    lexicon = load_lexicon(REPO / "dictionaries")
    aligner = FormulationAligner(lexicon.protected, (), known_texts(lexicon), lexicon.not_slips)
    counts: Counter[tuple[str, str]] = Counter()
    chars = 0
    for name, key in BUILD_FILES:
        with (args.corpus_dir / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if heldout(name, row):
                    continue
                text = row.get(key) or ""
                chars += len(text)
                for idx, s, e, *_ in aligner.candidates(text):
                    counts[text[s:e], aligner.rules[idx].entry.text] += 1
    header = [
        "# Variants of protected formulations attested in formal prose (checks/terms/align.py never reports them).",
        "# Built by scripts/build_term_attestation.py from the CPC congress reports 1-20, the government work",
        "# reports 1954-2017 and the laws of the shared corpus (official documents, Copyright Law art. 5), minus the",
        f"# documents held out for measuring; {chars} characters read. Format: variant<TAB>canonical<TAB>count.",
    ]
    rows = [f"{v}\t{k}\t{c}" for (v, k), c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    args.out.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} attested variants from {chars} characters -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
