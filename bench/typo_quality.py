"""The typo gate layer by layer: planted errors in real sentences, false alarms on formal prose, cost.

Usage::

    python -m bench.typo_quality [--shared DIR] [--split dev|test|both] [--errors N] [--prose-chars N]
                                 [--examples N] [--dump DIR]

- Planted-error sets (``bench.typo_devset``): ``dev`` (tuned on) and ``test`` (held out, reported). Per set:
  detection recall (a finding overlaps the planted slip), correction recall (a finding's suggestion restores
  the original), finding precision (findings on a planted slip / all findings, hard negatives included) — for
  the shipped check and for each layer alone, and what each layer adds to the shipped check.
- False alarms per 10,000 characters on formal prose the model never saw and that is kept for measuring only:
  the reports to the 18th–20th CPC congresses (2012–2022), 新闻联播 2022–2025 (every k-th story) and the test
  split of ``heldout.tsv``; every typo finding there counts, per layer.
- Cost: milliseconds per layer on the 3,000-character draft of ``bench/data`` (median of repeated runs, one
  process; Document built beforehand).

Without the shared data folder only the cost is measured.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.typo_devset import Case, build_cases, write_cases
from checks.catalog import user_dictionaries
from checks.document import DraftInput, build_document
from checks.engine import EngineConfig, Resources
from checks.finding import Finding
from checks.segmenter import Segmenter
from checks.typo.check import TypoCheck
from checks.typo.factories import build_typo_check
from checks.typo.layers import LAYERS

REPO_ROOT = Path(__file__).resolve().parent.parent
DICTIONARIES = REPO_ROOT / "dictionaries"
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data"
DRAFT = REPO_ROOT / "bench" / "data" / "draft_3000.txt"
PER_10K = 10_000


def layer_of(f: Finding) -> str:
    kind = f.rule.split(":", 1)[0].removeprefix("typo.")
    return {"misspelling": "misspelling", "usage": "usage", "pair": "pair", "idiom": "idiom", "nonword": "nonword"}.get(
        kind, "char"
    )


def restores(case: Case, f: Finding) -> bool:
    if f.suggestion is None:
        return False
    fixed = case.text[: f.start] + f.suggestion + case.text[f.end :]
    original = case.text[: case.start] + case.right + case.text[case.end :]
    return fixed == original


@dataclass
class Score:
    cases: int = 0
    errors: int = 0
    detected: int = 0
    corrected: int = 0
    findings: int = 0
    on_error: int = 0
    right_fix: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    found_by_kind: Counter[str] = field(default_factory=Counter)
    by_layer: Counter[str] = field(default_factory=Counter)  # findings on a planted slip, per layer
    false_by_layer: Counter[str] = field(default_factory=Counter)
    false_examples: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def add(self, case: Case, findings: list[Finding]) -> None:
        self.cases += 1
        self.findings += len(findings)
        hit = [f for f in findings if case.has_error and f.start < case.end and case.start < f.end]
        self.on_error += len(hit)
        self.right_fix += sum(restores(case, f) for f in hit)
        for f in findings:
            if f in hit:
                self.by_layer[layer_of(f)] += 1
            else:
                self.false_by_layer[layer_of(f)] += 1
                self.false_examples.append(
                    f"{case.id} {case.text[f.start : f.end]}→{f.suggestion} [{f.rule}] {case.text}"
                )
        if case.has_error:
            self.errors += 1
            self.by_kind[case.kind] += 1
            if hit:
                self.detected += 1
                self.found_by_kind[case.kind] += 1
                self.corrected += any(restores(case, f) for f in hit)
            else:
                self.missed.append(f"{case.id} [{case.kind}] {case.right}→{case.wrong}: {case.text}")

    @property
    def recall(self) -> float:
        return self.detected / self.errors if self.errors else 0.0

    @property
    def precision(self) -> float:
        return self.on_error / self.findings if self.findings else 1.0

    def line(self) -> str:
        cr = self.corrected / self.errors if self.errors else 0.0
        cp = self.right_fix / self.findings if self.findings else 1.0
        return (
            f"detection R={self.recall:.3f} P={self.precision:.3f} | correction R={cr:.3f} P={cp:.3f} "
            f"| {self.findings} findings, {self.findings - self.on_error} false"
        )


def score(check: TypoCheck, segmenter: Segmenter, cases: Sequence[Case]) -> Score:
    out = Score()
    draft = DraftInput(body="")
    for case in cases:
        doc = build_document("body", case.text, draft, segmenter)
        out.add(case, check.run(doc))
    return out


def variant(check: TypoCheck, enabled: Sequence[str]) -> TypoCheck:
    return TypoCheck(check.model, check.words, check.surnames, check.layers, enabled)


def report_cases(check: TypoCheck, segmenter: Segmenter, split: str, cases: list[Case], examples: int) -> None:
    kinds = Counter(c.kind for c in cases)
    print(f"\n== planted errors, {split} ({len(cases)} cases: {dict(kinds)})")
    full = score(check, segmenter, cases)
    print(f"  shipped check: {full.line()}")
    print("  recall per kind of slip: " + ", ".join(
        f"{k} {full.found_by_kind[k]}/{n} = {full.found_by_kind[k] / n:.2f}" for k, n in sorted(full.by_kind.items())
    ))  # fmt: skip
    print("  per layer within the shipped check: findings on a slip / false findings:")
    print("   " + ", ".join(f"{k} {full.by_layer[k]}/{full.false_by_layer[k]}" for k in LAYERS))
    for layer in LAYERS:
        alone = score(variant(check, [layer]), segmenter, cases)
        without = score(variant(check, [k for k in LAYERS if k != layer]), segmenter, cases)
        print(
            f"  {layer:<11} alone: {alone.line()}\n"
            f"  {'':<11} adds to the rest: recall +{full.recall - without.recall:.3f}, "
            f"false findings +{(full.findings - full.on_error) - (without.findings - without.on_error)}"
        )
    for line in full.false_examples[:examples]:
        print(f"    false: {line}")
    for line in full.missed[:examples]:
        print(f"    missed: {line}")


# ----------------------------------------------------------------------------- prose


def measuring_prose(shared: Path, chars: int) -> list[tuple[str, list[str]]]:
    corpus = shared / "corpus"
    out: list[tuple[str, list[str]]] = []
    congress = corpus / "cpc_congress_reports_18_to_20.jsonl"
    if congress.is_file():
        rows = [json.loads(line) for line in congress.open(encoding="utf-8")]
        out.append(("CPC congress reports 18–20 (2012–2022; measuring only)", [r["content"] for r in rows]))
    rows = [json.loads(line) for line in (corpus / "xinwenlianbo_2022_2025.jsonl").open(encoding="utf-8")]
    stride = max(1, math.ceil(sum(len(r["text"]) for r in rows) / chars))
    out.append((f"新闻联播 2022–2025, every {stride}th story (measuring only)", [r["text"] for r in rows[::stride]]))
    from bench.typo_sighan import heldout_test

    out.append(("held-out laws and reports (test split of heldout.tsv)", heldout_test(shared, chars).texts))
    return out


def report_prose(check: TypoCheck, segmenter: Segmenter, name: str, texts: list[str], examples: int) -> None:
    draft = DraftInput(body="")
    chars = 0
    by_layer: Counter[str] = Counter()
    shown: list[str] = []
    for text in texts:
        doc = build_document("body", text, draft, segmenter)
        chars += len(doc.text)
        for f in check.run(doc):
            if f.severity.value not in ("block", "warn"):
                continue
            by_layer[layer_of(f)] += 1
            if len(shown) < examples:
                ctx = doc.text[max(0, f.start - 10) : f.end + 10].replace("\n", " ")
                shown.append(f"{doc.text[f.start : f.end]}→{f.suggestion} …{ctx}… [{f.rule}]")
    total = sum(by_layer.values())
    rate = ", ".join(f"{k} {by_layer[k] / chars * PER_10K:.2f}" for k in LAYERS)
    print(f"\n{name}: {len(texts)} documents, {chars:,} characters")
    print(f"  typo block/warn findings: {total} = {total / max(chars, 1) * PER_10K:.2f} per 10,000 characters ({rate})")
    for line in shown:
        print(f"    {line}")


# ----------------------------------------------------------------------------- cost


def report_cost(check: TypoCheck, segmenter: Segmenter, repeat: int = 15) -> None:
    text = DRAFT.read_text(encoding="utf-8")[:3000]
    doc = build_document("body", text, DraftInput(body=""), segmenter)
    print(f"\ncost on the 3,000-character draft (median of {repeat} runs, one process):")
    for layers in [list(LAYERS), *([k] for k in LAYERS)]:
        c = variant(check, layers)
        c.run(doc)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            c.run(doc)
            times.append(time.perf_counter() - started)
        label = "all layers" if len(layers) > 1 else f"{layers[0]} alone (with the do-not-touch layer)"
        print(f"  {label:<48} {statistics.median(times) * 1000:6.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--errors", type=int, default=600, help="planted errors per set (plus half as many negatives)")
    parser.add_argument("--prose-chars", type=int, default=600_000, help="characters per prose sample")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--dump", type=Path, help="write the generated cases here (never commit them)")
    parser.add_argument("--no-prose", action="store_true")
    args = parser.parse_args(argv)

    segmenter = Segmenter(user_dictionaries(DICTIONARIES))
    started = time.perf_counter()
    check = build_typo_check(Resources(EngineConfig(dictionaries_dir=DICTIONARIES), segmenter))
    print(f"typo check loaded in {time.perf_counter() - started:.2f} s (layers: {', '.join(LAYERS)})")
    report_cost(check, segmenter)
    if not (args.shared / "corpus").is_dir():
        print(f"\nshared data folder not found at {args.shared}: planted-error and prose measurements skipped")
        return 0
    for split in ("dev", "test") if args.split == "both" else (args.split,):
        cases = build_cases(args.shared, split, segmenter, args.errors)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            write_cases(cases, args.dump / f"typo_{split}.jsonl")
        report_cases(check, segmenter, split, cases, args.examples)
    if not args.no_prose:
        for name, texts in measuring_prose(args.shared, args.prose_chars):
            report_prose(check, segmenter, name, texts, args.examples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
