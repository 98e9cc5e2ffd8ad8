"""Quality and speed of the typo check: SIGHAN-2015 test, false alarms on clean prose, characters per second.

Usage::

    python -m bench.typo_sighan [--shared DIR] [--gov-chars N] [--news-chars N] [--examples N] [--no-curve]

- SIGHAN-2015 test (pycorrector's ``sighan2015_test.tsv``, src<TAB>tgt): sentence-level detection and correction
  precision/recall/F1, the strict way (checks.typo.evaluation), at the shipped threshold, plus the curve over
  thresholds. REPORTING ONLY: the threshold was chosen by scripts/build_typo_model.py on SIGHAN training data
  and held-out dev prose (see dictionaries/typo/scorer.json, ``note``).
- False alarms per 10,000 characters (every typo finding on correct text counts) on the held-out *test* split of
  the laws and reports (listed in dictionaries/typo/heldout.tsv, never in the model) and on 新闻联播 transcripts
  (measurement only: nothing shipped is derived from them), with examples.
- Characters per second of the typo check alone on one core (Documents built beforehand), and the load time.

Without the shared data folder the corpus parts are skipped with a message (the SIGHAN test ships with
pycorrector's data).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.catalog import user_dictionaries
from checks.document import Document, DraftInput, build_document
from checks.engine import EngineConfig, Resources
from checks.pycorrector_data import PycorrectorDataMissing, pycorrector_file
from checks.segmenter import Segmenter
from checks.typo import tuning
from checks.typo.check import TypoCheck
from checks.typo.evaluation import Changes, sentence_metrics
from checks.typo.factories import build_typo_check

REPO_ROOT = Path(__file__).resolve().parent.parent
DICTIONARIES = REPO_ROOT / "dictionaries"
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data"
CORPUS_FILES = {
    "laws": ("laws_regulations_2000_2025.jsonl", "source", "text"),
    "government_work_reports_1954_2017": ("government_work_reports_1954_2017.jsonl", "title", "content"),
    "cpc_congress_reports_1_to_17": ("cpc_congress_reports_1_to_17.jsonl", "title", "content"),
}
NEWS_FILE = "xinwenlianbo_2022_2025.jsonl"
CURVE = tuple(round(-1.0 + 0.25 * i, 2) for i in range(17))


@dataclass(frozen=True)
class Prose:
    name: str
    texts: list[str]


def changes_of(check: TypoCheck, doc: Document) -> Changes:
    """Character changes the check proposes (a curated word finding changes each differing character)."""
    out: Changes = {}
    for f in check.run(doc):
        if f.suggestion is None:
            continue
        for k, (old, new) in enumerate(zip(doc.source[f.start : f.end], f.suggestion, strict=False)):
            if old != new:
                out[f.start + k] = new
    return out


def sighan_test() -> list[tuple[str, str]]:
    rows = []
    for line in pycorrector_file("sighan2015_test.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            src, tgt = line.split("\t")[:2]
            rows.append((src.strip(), tgt.strip()))
    return rows


def heldout_test(shared: Path, limit: int) -> Prose:
    """The test split of heldout.tsv (documents kept out of the model), up to ``limit`` characters."""
    wanted: dict[str, set[str]] = {}
    for line in (DICTIONARIES / "typo" / "heldout.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        split, corpus, key, _ = line.split("\t")
        if split == "test":
            wanted.setdefault(corpus, set()).add(key)
    texts: list[str] = []
    for corpus, (file, key_field, text_field) in CORPUS_FILES.items():
        with (shared / "corpus" / file).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row[key_field] in wanted.get(corpus, ()):
                    texts.append(row[text_field])
    return Prose("held-out government prose (test split)", _limit(texts, limit))


def news(shared: Path, limit: int) -> Prose:
    rows = [json.loads(line) for line in (shared / "corpus" / NEWS_FILE).open(encoding="utf-8")]
    total = sum(len(r["text"]) for r in rows)
    stride = max(1, math.ceil(total / limit))
    return Prose(f"新闻联播 2022–2025 (every {stride}th story; measurement only)", [r["text"] for r in rows[::stride]])


def _limit(texts: list[str], limit: int) -> list[str]:
    out, taken = [], 0
    for text in texts:
        if taken >= limit:
            break
        out.append(text)
        taken += len(text)
    return out


def model_size() -> int:
    return sum(p.stat().st_size for p in (DICTIONARIES / "typo").iterdir() if p.is_file())


def report_sighan(check: TypoCheck, segmenter: Segmenter, curve: bool) -> None:
    pairs = sighan_test()
    draft = DraftInput(body="")
    rows = []
    for src, tgt in pairs:
        rows.append((src, tgt, changes_of(check, build_document("body", src, draft, segmenter))))
    scorer, register = check.model.scorer, check.model.register
    everyday = sum(bool(register.everyday(src).any()) for src, _ in pairs) if register is not None else 0
    print(
        f"\nSIGHAN-2015 test ({len(pairs)} sentences), shipped threshold {scorer.threshold} "
        f"({scorer.everyday_threshold} in everyday writing; {everyday} sentences judged everyday):"
    )
    print("  " + sentence_metrics(rows).line())
    if not curve:
        return
    items = tuning.collect(check, segmenter, pairs, loose_bound=check.model.scorer.suspicious_below)
    scores = [check.model.scorer.score(it.cands.features) for it in items]
    print("  precision/recall over the threshold (reporting only; the threshold was not chosen here):")
    for point in tuning.curve(check, items, scores, sorted({*CURVE, check.model.scorer.threshold})):
        mark = "  <- shipped" if point.threshold == check.model.scorer.threshold else ""
        print(f"  T={point.threshold:5.2f} {point.sighan.line()}{mark}")


def report_prose(check: TypoCheck, segmenter: Segmenter, prose: Prose, examples: int, curve: bool) -> None:
    draft = DraftInput(body="")
    docs = [build_document("body", t, draft, segmenter) for t in prose.texts]
    chars = sum(len(d.text) for d in docs)
    started = time.perf_counter()
    findings = [(d, f) for d in docs for f in check.run(d)]
    elapsed = time.perf_counter() - started
    print(f"\n{prose.name}: {len(docs)} documents, {chars:,} characters")
    print(f"  typo findings: {len(findings)} = {len(findings) / max(chars, 1) * 10_000:.2f} per 10,000 characters")
    print(f"  speed: {chars / elapsed:,.0f} characters/s (typo check alone, one process)")
    for doc, f in findings[:examples]:
        context = doc.source[max(0, f.start - 12) : f.end + 12].replace("\n", " ")
        print(f"    {doc.source[f.start : f.end]}→{f.suggestion}  …{context}…  [{f.rule}]")
    if curve:
        items = tuning.collect(check, segmenter, [(d.text, None) for d in docs], check.model.scorer.suspicious_below)
        scores = [check.model.scorer.score(it.cands.features) for it in items]
        points = tuning.curve(check, items, scores, CURVE)
        print("  false alarms per 10,000 characters over the threshold:")
        print("  " + "  ".join(f"T={p.threshold:.2f}: {p.false_alarms_per_10k:.2f}" for p in points))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--gov-chars", type=int, default=1_200_000, help="characters of held-out government prose")
    parser.add_argument("--news-chars", type=int, default=600_000, help="characters of 新闻联播 to sample")
    parser.add_argument("--examples", type=int, default=15, help="false-alarm examples to print per corpus")
    parser.add_argument("--no-curve", action="store_true", help="skip the threshold curve")
    parser.add_argument("--no-sighan", action="store_true", help="skip the SIGHAN-2015 test")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    segmenter = Segmenter(user_dictionaries(DICTIONARIES))
    loaded = time.perf_counter()
    check = build_typo_check(Resources(EngineConfig(dictionaries_dir=DICTIONARIES), segmenter))
    ready = time.perf_counter()
    print(f"typo model: {model_size() / 1e6:.1f} MB in dictionaries/typo, {check.model.lm.entries:,} n-gram entries")
    print(f"load: typo factory {ready - loaded:.2f} s (jieba, shared by all checks: {loaded - started:.2f} s)")
    print(f"operating point: {check.model.scorer.note}")
    try:
        if not args.no_sighan:
            report_sighan(check, segmenter, curve=not args.no_curve)
    except PycorrectorDataMissing as exc:
        print(f"\nSIGHAN-2015 test skipped: {exc}")
    if not (args.shared / "corpus").is_dir():
        print(f"\nshared data folder not found at {args.shared}: false-alarm measurements skipped")
        return 0
    curve = not args.no_curve
    report_prose(check, segmenter, heldout_test(args.shared, args.gov_chars), args.examples, curve)
    report_prose(check, segmenter, news(args.shared, args.news_chars), args.examples, curve)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
