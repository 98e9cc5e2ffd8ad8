"""False alarms of the check engine on real, correct government prose.

Usage::

    python -m bench.false_alarms [--corpus-dir DIR] [--limit-chars N] [--corpus NAME ...]
                                 [--checks PREFIX ...] [--examples N] [--workers N] [--json OUT]
                                 [--dump OUT] [--max-rate R]

Runs the full engine (``checks.build_engine()``, website channel, plain text) over published,
edited texts whose wording is correct by construction and counts the ``block``/``warn`` findings per
10,000 characters, per category and per corpus. The product's target is at most 1 such finding per
10,000 characters over all categories. Every finding here is a candidate false alarm, not a proven one:
the laws corpus was scraped and carries some genuinely wrong punctuation, so read the examples.

Corpora (JSON Lines under ``--corpus-dir``, default ``../shared/data/corpus`` next to the repository):

- ``gov_reports``  government_work_reports_1954_2017.jsonl (``content``, ``year``)
- ``cpc_reports``  cpc_congress_reports_1_to_17.jsonl (``content``, ``congress``)
- ``laws``         laws_regulations_2000_2025.jsonl (``text``, ``date``): every k-th document
- ``xinwenlianbo`` xinwenlianbo_2022_2025.jsonl (``text``, ``date``): every k-th story; its licence allows
  measuring only, so nothing the product ships may be derived from it

Wikisource's licence notice at the end of the reports is cut off (it is not part of the document).
Each document is checked with its own date as ``doc_date`` where known (date-aware checks must not flag
what was right at the time). ``--limit-chars`` caps the characters taken from each corpus (in whole
documents); for the large ones the stride k is chosen so the sample spreads over the whole file
(deterministic: the same arguments give the same sample). ``--checks`` restricts the run to some check
families (e.g. ``--checks format --checks secret``) when measuring one family. The corpus folder is not
part of the repository: when it is absent the script says so and exits 0. ``--max-rate`` turns the
report into a gate (exit 1 above the rate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = REPO_ROOT.parent / "shared" / "data" / "corpus"
DEFAULT_LIMIT_CHARS = 1_500_000
PER_10K = 10_000
REPORTED = ("block", "warn")
CONTEXT = 24


@dataclass(frozen=True)
class Corpus:
    name: str
    file: str
    text_key: str
    sampled: bool  # every k-th document (large corpora) or all of them
    measure_only: bool = False


CORPORA: tuple[Corpus, ...] = (
    Corpus("gov_reports", "government_work_reports_1954_2017.jsonl", "content", sampled=False),
    Corpus("cpc_reports", "cpc_congress_reports_1_to_17.jsonl", "content", sampled=False),
    Corpus("laws", "laws_regulations_2000_2025.jsonl", "text", sampled=True),
    Corpus("xinwenlianbo", "xinwenlianbo_2022_2025.jsonl", "text", sampled=True, measure_only=True),
)
CORPUS_NAMES = tuple(c.name for c in CORPORA)

# Opening dates of the CPC national congresses (the report is dated the day it was delivered, or near it).
CONGRESS_DATES = {
    1: dt.date(1921, 7, 23),
    2: dt.date(1922, 7, 16),
    3: dt.date(1923, 6, 12),
    4: dt.date(1925, 1, 11),
    5: dt.date(1927, 4, 27),
    6: dt.date(1928, 6, 18),
    7: dt.date(1945, 4, 23),
    8: dt.date(1956, 9, 15),
    9: dt.date(1969, 4, 1),
    10: dt.date(1973, 8, 24),
    11: dt.date(1977, 8, 12),
    12: dt.date(1982, 9, 1),
    13: dt.date(1987, 10, 25),
    14: dt.date(1992, 10, 12),
    15: dt.date(1997, 9, 12),
    16: dt.date(2002, 11, 8),
    17: dt.date(2007, 10, 15),
}
_HEAD_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# The Wikisource licence notice appended to the reports ("本作品是中华人民共和国的法律、法规…属于公有领域",
# "本作品来自1949年10月1日（含）之后的中国共产党文件…") is not part of the document.
_WIKISOURCE_FOOTER = re.compile(r"\n[ \t\u3000]*本作品(?:是中华人民共和国的|来自\d{4}年)")


def strip_footer(text: str) -> str:
    match = _WIKISOURCE_FOOTER.search(text)
    return text[: match.start()] if match else text


@dataclass(frozen=True)
class Doc:
    corpus: str
    ident: str
    text: str
    date: dt.date | None


# ----------------------------------------------------------------------------- reading


def _iso(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def doc_date(corpus: str, row: dict[str, Any], text: str) -> dt.date | None:
    """The date the document speaks from, where the corpus tells it."""
    if corpus == "gov_reports":
        year = int(row.get("year") or 0)
        # "——2017年3月5日在第十二届全国人民代表大会第五次会议上": the delivery date in the heading
        for match in _HEAD_DATE.finditer(text[:400]):
            if int(match.group(1)) == year:
                try:
                    return dt.date(year, int(match.group(2)), int(match.group(3)))
                except ValueError:
                    break
        return dt.date(year, 3, 5) if year else None
    if corpus == "cpc_reports":
        return CONGRESS_DATES.get(int(row.get("congress") or 0))
    return _iso(row.get("date"))


def read_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sample(corpus: Corpus, rows: list[dict[str, Any]], limit_chars: int) -> tuple[list[Doc], int]:
    """Deterministic sample: every k-th document, k spreading ``limit_chars`` over the file; returns (docs, k)."""
    total = sum(len(r.get(corpus.text_key) or "") for r in rows)
    stride = max(1, math.ceil(total / limit_chars)) if corpus.sampled and limit_chars > 0 else 1
    docs: list[Doc] = []
    taken = 0
    for i in range(0, len(rows), stride):
        row = rows[i]
        text = strip_footer(row.get(corpus.text_key) or "")
        if not text.strip():
            continue
        if limit_chars > 0 and taken >= limit_chars:
            break
        taken += len(text)  # whole documents only: a cut would leave brackets and quotes unpaired
        ident = str(row.get("title") or row.get("source") or f"#{i}")
        docs.append(Doc(corpus.name, ident, text, doc_date(corpus.name, row, text)))
    return docs, stride


# ----------------------------------------------------------------------------- checking

_ENGINE: Any = None
_CHECK_PREFIXES: tuple[str, ...] = ()


def _init_worker(prefixes: tuple[str, ...]) -> None:
    global _CHECK_PREFIXES
    _CHECK_PREFIXES = prefixes


def enabled_checks(prefixes: Sequence[str]) -> tuple[str, ...] | None:
    """Names of the checks whose name starts with one of ``prefixes`` (None: every check)."""
    if not prefixes:
        return None
    from checks.catalog import CHECK_FACTORIES

    return tuple(n for n in CHECK_FACTORIES if any(n == p or n.startswith(p.rstrip(".") + ".") for p in prefixes))


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        from checks import EngineConfig, build_engine

        _ENGINE = build_engine(EngineConfig(enabled=enabled_checks(_CHECK_PREFIXES)))
    return _ENGINE


@dataclass(frozen=True)
class Hit:
    corpus: str
    doc: str
    category: str
    rule: str
    severity: str
    start: int
    end: int
    snippet: str


def check_doc(doc: Doc) -> list[Hit]:
    from checks import Channel, DraftInput

    result = _engine().check(DraftInput(body=doc.text, channel=Channel.WEBSITE, doc_date=doc.date))
    hits = []
    for f in result.findings:
        if f.severity.value not in REPORTED or f.field != "body":
            if f.severity.value in REPORTED:  # a metadata-level finding: no span to show
                hits.append(Hit(doc.corpus, doc.ident, f.category, f.rule, f.severity.value, 0, 0, f"({f.field})"))
            continue
        left = doc.text[max(0, f.start - CONTEXT) : f.start]
        right = doc.text[f.end : f.end + CONTEXT]
        snippet = f"{left}【{doc.text[f.start : f.end]}】{right}".replace("\n", "⏎")
        hits.append(Hit(doc.corpus, doc.ident, f.category, f.rule, f.severity.value, f.start, f.end, snippet))
    return hits


def check_all(docs: Sequence[Doc], workers: int, prefixes: tuple[str, ...] = ()) -> Iterator[list[Hit]]:
    if workers <= 1:
        _init_worker(prefixes)
        for doc in docs:
            yield check_doc(doc)
        return
    # Largest first, so the pool does not end waiting for one long law.
    order = sorted(docs, key=lambda d: -len(d.text))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(prefixes,)) as pool:
        yield from pool.map(check_doc, order, chunksize=4)


# ----------------------------------------------------------------------------- report


@dataclass
class CorpusStats:
    name: str
    docs: int = 0
    chars: int = 0
    stride: int = 1
    measure_only: bool = False
    by_category: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)

    @property
    def findings(self) -> int:
        return sum(self.by_category.values())


def rate(count: int, chars: int) -> float:
    return count * PER_10K / chars if chars else 0.0


def build_report(stats: Sequence[CorpusStats], examples: dict[str, list[Hit]], seconds: float) -> dict[str, Any]:
    total_chars = sum(s.chars for s in stats)
    all_categories: Counter[str] = Counter()
    all_rules: Counter[str] = Counter()
    for s in stats:
        all_categories.update(s.by_category)
        all_rules.update(s.by_rule)
    return {
        "seconds": round(seconds, 1),
        "characters": total_chars,
        "findings": sum(all_categories.values()),
        "rate_per_10k": rate(sum(all_categories.values()), total_chars),
        "per_category": {
            c: {"findings": n, "rate_per_10k": rate(n, total_chars)} for c, n in sorted(all_categories.items())
        },
        "per_rule": dict(all_rules.most_common()),
        "corpora": {
            s.name: {
                "documents": s.docs,
                "characters": s.chars,
                "stride": s.stride,
                "measure_only": s.measure_only,
                "findings": s.findings,
                "rate_per_10k": rate(s.findings, s.chars),
                "per_category": {
                    c: {"findings": n, "rate_per_10k": rate(n, s.chars)} for c, n in sorted(s.by_category.items())
                },
            }
            for s in stats
        },
        "examples": {
            c: [{"corpus": h.corpus, "doc": h.doc, "rule": h.rule, "snippet": h.snippet} for h in hits]
            for c, hits in sorted(examples.items())
        },
    }


def print_report(report: dict[str, Any], stats: Sequence[CorpusStats]) -> None:
    print(
        f"false alarms (block/warn) on correct prose: {report['findings']} finding(s) in "
        f"{report['characters']:,} characters = {report['rate_per_10k']:.2f} per 10,000 "
        f"(target ≤ 1.00)  [{report['seconds']}s]"
    )
    if report.get("checks", ["all"]) != ["all"]:
        print(f"checks run: {', '.join(report['checks'])}")
    print()
    categories = sorted({c for s in stats for c in s.by_category})
    names = [s.name for s in stats]
    head = f"{'per 10,000 chars':<22}" + "".join(f"{n:>14}" for n in names) + f"{'all':>10}"
    print(head)
    print("-" * len(head))
    total_chars = report["characters"]
    for c in categories:
        cells = "".join(f"{rate(s.by_category[c], s.chars):>9.3f}{f'({s.by_category[c]})':>5}" for s in stats)
        count = sum(s.by_category[c] for s in stats)
        print(f"{c:<22}{cells}{rate(count, total_chars):>10.3f}")
    print("-" * len(head))
    cells = "".join(f"{rate(s.findings, s.chars):>14.3f}" for s in stats)
    print(f"{'[all]':<22}{cells}{report['rate_per_10k']:>10.3f}")
    docs = "".join(f"{s.docs:>14,}" for s in stats)
    chars = "".join(f"{s.chars:>14,}" for s in stats)
    strides = "".join(f"{('every ' + str(s.stride)) if s.stride > 1 else 'all':>14}" for s in stats)
    print(f"{'documents':<22}{docs}")
    print(f"{'characters':<22}{chars}")
    print(f"{'sample':<22}{strides}")
    if any(s.measure_only for s in stats):
        print("(xinwenlianbo: measure only — nothing shipped may be derived from it)")
    print()
    print("rules:")
    for rule, n in list(report["per_rule"].items())[:25]:
        print(f"  {n:>6}  {rule}")
    print()
    for c, hits in report["examples"].items():
        print(f"examples: {c}")
        for h in hits:
            print(f"  [{h['corpus']}] {h['rule']}: {h['snippet']}")
    sys.stdout.flush()


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.false_alarms", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        default=DEFAULT_CORPUS_DIR,
        help="folder of the corpus JSONL files (default: ../shared/data/corpus next to the repository)",
    )
    parser.add_argument(
        "--limit-chars",
        type=int,
        default=DEFAULT_LIMIT_CHARS,
        metavar="N",
        help="about N characters from each corpus, in whole documents; 0 for no limit (default: %(default)s)",
    )
    parser.add_argument("--corpus", action="append", choices=CORPUS_NAMES, help="only these corpora (repeatable)")
    parser.add_argument(
        "--checks",
        action="append",
        default=[],
        metavar="PREFIX",
        help="run only the checks whose name starts with PREFIX (repeatable; e.g. format, secret; default: all)",
    )
    parser.add_argument("--examples", type=int, default=5, metavar="N", help="examples per category (default: 5)")
    parser.add_argument("--workers", type=int, default=2, metavar="N", help="worker processes (default: 2)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the report as JSON to OUT")
    parser.add_argument("--dump", type=Path, metavar="OUT", help="write every finding as JSON Lines to OUT")
    parser.add_argument("--max-rate", type=float, metavar="R", help="exit 1 if the overall rate per 10,000 > R")
    args = parser.parse_args(argv)

    corpus_dir: Path = args.corpus_dir
    if not corpus_dir.is_dir():
        print(f"corpus folder not found: {corpus_dir} — nothing to measure (pass --corpus-dir); skipping.")
        return 0
    wanted = [c for c in CORPORA if not args.corpus or c.name in args.corpus]
    present = [c for c in wanted if (corpus_dir / c.file).is_file()]
    for c in wanted:
        if c not in present:
            print(f"skipping {c.name}: {corpus_dir / c.file} not found")
    if not present:
        print("no corpus file found; skipping.")
        return 0

    started = time.perf_counter()
    try:  # fail fast, with one clear line, rather than with a traceback from every worker
        _init_worker(tuple(args.checks))
        _engine()
    except Exception as exc:
        print(f"the check engine failed to build: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    stats: list[CorpusStats] = []
    docs: list[Doc] = []
    for c in present:
        picked, stride = sample(c, read_rows(corpus_dir / c.file), args.limit_chars)
        docs.extend(picked)
        stats.append(CorpusStats(c.name, len(picked), sum(len(d.text) for d in picked), stride, c.measure_only))
    by_name = {s.name: s for s in stats}
    examples: dict[str, list[Hit]] = defaultdict(list)
    seen_rules: dict[str, set[str]] = defaultdict(set)
    collected: list[Hit] = []
    for hits in check_all(docs, args.workers, tuple(args.checks)):
        collected.extend(hits)
    # Examples in document order of the corpora, preferring rules not shown yet, so they are spread out.
    order = {name: i for i, name in enumerate(CORPUS_NAMES)}
    collected.sort(key=lambda h: (order[h.corpus], h.doc, h.start))
    for h in collected:
        s = by_name[h.corpus]
        s.by_category[h.category] += 1
        s.by_rule[h.rule] += 1
    for prefer_new in (True, False):
        for h in collected:
            bucket = examples[h.category]
            if len(bucket) >= args.examples or h in bucket:
                continue
            if prefer_new and (h.rule in seen_rules[h.category] or any(b.corpus == h.corpus for b in bucket)):
                continue
            bucket.append(h)
            seen_rules[h.category].add(h.rule)
    if args.dump:
        args.dump.parent.mkdir(parents=True, exist_ok=True)
        with args.dump.open("w", encoding="utf-8") as fh:
            for h in collected:
                fh.write(json.dumps(h.__dict__, ensure_ascii=False) + "\n")
    report = build_report(stats, examples, time.perf_counter() - started)
    report["checks"] = list(enabled_checks(args.checks) or ["all"])
    print_report(report, stats)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.max_rate is not None and report["rate_per_10k"] > args.max_rate:
        print(f"\nRATE {report['rate_per_10k']:.2f} per 10,000 > {args.max_rate}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
