"""False alarms of the term checks (term.political, term.banned, term.outdated) on correct official prose.

Usage::

    python -m bench.terms_false_alarms [--corpus-dir DIR] [--news-limit N] [--examples N] [--max-rate R]

Reads only documents that nothing shipped was built from: the held-out split of scripts/build_term_attestation.py
(laws with crc32(source) % 20 == 0, the government work reports of 1999, 2005, 2009, 2013 and 2017, the report to
the 17th congress) and the 2025 stories of the 新闻联播 transcripts (licence: measuring only; read here at run
time, nothing derived from them is kept). Each document is checked at its own date. Every block/warn finding of
a term category counts as a false alarm (the texts are published, edited official prose); the rate is per
10,000 characters. ``--max-rate`` turns the report into a gate. ``--news-years 2022,2023,2024,2025`` reads every
year of the transcripts, ``--only .collocate.,.swap.`` counts one family of rules. Without the corpus folder it says
so and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path

from bench.false_alarms import doc_date, strip_footer
from scripts.build_term_attestation import heldout

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "corpus"
TERM = ("term.political", "term.banned", "term.outdated")


def recent_reports(path: Path) -> list[tuple[str, str, dt.date | None]]:
    """State Council work reports of 2018 on (kept apart from everything built; 2023–2025 are the source of some
    formulations, so they are reported on their own line)."""
    docs: list[tuple[str, str, dt.date | None]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            year = int(row.get("year") or 0)
            if year >= 2018:
                tag = "gwr_2018_22" if year <= 2022 else "gwr_2023_25"
                docs.append((tag, strip_footer(row.get("content") or ""), dt.date(year, 3, 5)))
    return docs


def documents(
    corpus: Path, news_limit: int, news_years: tuple[str, ...] = ("2025",)
) -> list[tuple[str, str, dt.date | None]]:
    docs: list[tuple[str, str, dt.date | None]] = []
    for name, key, tag in (
        ("laws_regulations_2000_2025.jsonl", "text", "laws"),
        ("government_work_reports_1954_2017.jsonl", "content", "gov_reports"),
        ("cpc_congress_reports_1_to_17.jsonl", "content", "cpc_reports"),
    ):
        with (corpus / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if not heldout(name, row):
                    continue
                text = strip_footer(row.get(key) or "")
                docs.append((tag, text, doc_date(tag, row, text)))
    taken = 0
    with (corpus / "xinwenlianbo_2022_2025.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            year = str(row.get("date", ""))[:4]
            if year not in news_years or taken >= news_limit:
                continue
            taken += len(row["text"])
            docs.append((f"news_{year}", row["text"], doc_date("news", row, row["text"])))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.terms_false_alarms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--news-limit", type=int, default=1_000_000, help="characters of 2025 news to read")
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--max-rate", type=float)
    parser.add_argument("--news-years", default="2025", help="comma-separated years of 新闻联播 to read (2022-2025)")
    parser.add_argument("--only", help="count only findings whose rule contains this text (e.g. .collocate.)")
    parser.add_argument(
        "--recent-reports", type=Path, help="JSON Lines of work reports with year and content (2018 on are read)"
    )
    args = parser.parse_args(argv)
    if not (args.corpus_dir / "laws_regulations_2000_2025.jsonl").is_file():
        print(f"corpus folder not found ({args.corpus_dir}); nothing measured")
        return 0
    from checks import DraftInput, EngineConfig, build_engine
    from checks.terms.factories import FACTORIES

    engine = build_engine(EngineConfig(enabled=tuple(FACTORIES)))
    chars: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    examples: list[str] = []
    started = time.perf_counter()
    docs = documents(args.corpus_dir, args.news_limit, tuple(args.news_years.split(",")))
    if args.recent_reports is not None:
        docs += recent_reports(args.recent_reports)
    for tag, text, date in docs:
        chars[tag] += len(text)
        for i in range(0, len(text), 50_000):  # the service's text limit is larger; chunks keep memory flat
            part = text[i : i + 50_000]
            result = engine.check(DraftInput(body=part, doc_date=date))
            for f in result.findings:
                wanted = args.only is None or any(part in f.rule for part in args.only.split(","))
                if f.category in TERM and f.severity.value in ("block", "warn") and wanted:
                    alarms[tag] += 1
                    rules[f.rule] += 1
                    if len(examples) < args.examples:
                        ctx = part[max(0, f.start - 15) : f.end + 15].replace("\n", " ")
                        examples.append(f"  {tag:<11} {date} {f.rule}: …{ctx}…")
    elapsed = time.perf_counter() - started
    total_chars, total = sum(chars.values()), sum(alarms.values())
    print(f"term checks on held-out official prose ({total_chars:,} characters, {elapsed:.0f} s)\n")
    print(f"{'corpus':<12}{'chars':>12}{'alarms':>8}{'per 10k':>9}")
    for tag in chars:
        print(f"{tag:<12}{chars[tag]:>12,}{alarms[tag]:>8}{alarms[tag] * 10_000 / chars[tag]:>9.3f}")
    rate = total * 10_000 / max(1, total_chars)
    print(f"{'[all]':<12}{total_chars:>12,}{total:>8}{rate:>9.3f}\n")
    for rule, n in rules.most_common():
        print(f"  {n:>4}  {rule}")
    print("\n".join(examples))
    if args.max_rate is not None and rate > args.max_rate:
        print(f"\nrate {rate:.3f} > {args.max_rate}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
