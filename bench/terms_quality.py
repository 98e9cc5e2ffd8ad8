"""Quality report of the term checks (term.political, term.banned, term.outdated) on their dev set.

Usage::

    python -m bench.terms_quality [--devset PATH] [--json OUT] [--case ID ...] [--min-f1 VALUE] [--quiet]

The dev set is tests/data/terms_devset.jsonl: the format of tests/data/devset.jsonl (see
tests/data/README.md) plus ``doc_date`` (the date the text speaks from; outdated names and date-tied
figures are judged against it). Matching is bench/quality.py's: same category and field, the finding
overlaps an occurrence of the expected span, one-to-one (maximum bipartite matching per case). Only the
term categories are scored. Exit status 0 unless ``--min-f1`` is given and the overall F1 is below it.

Cases with an ``error_class`` (tests/data/terms_formulations_devset.jsonl, issue 12: 1 wrong word, 2 incomplete,
3 collocation/order, 4 superseded, 5 congresses/plenums/sessions, 6 leaders) are also scored per class: a
positive's matches and misses count for its class, and so does every false alarm on any case of that class
(its hard negatives included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.quality import Pred, Score, compatible, load_devset, max_matching

DEFAULT_DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "terms_devset.jsonl"
SCOPE: tuple[str, ...] = ("term.political", "term.banned", "term.outdated")


CLASS_NAMES = {
    1: "1 wrong word",
    2: "2 incomplete",
    3: "3 collocation/order",
    4: "4 superseded",
    5: "5 meetings",
    6: "6 leaders",
}


@dataclass
class TermCase:
    case_id: str
    hard_negative: bool
    tp: int = 0
    fp: list[Pred] = field(default_factory=list)
    fn: list[dict[str, Any]] = field(default_factory=list)


def build_engine() -> Any:
    from checks import EngineConfig
    from checks import build_engine as build
    from checks.terms.factories import FACTORIES

    return build(EngineConfig(enabled=tuple(FACTORIES)))


def predict(engine: Any, case: dict[str, Any]) -> list[Pred]:
    from checks import Channel, DocType, DraftInput, Metadata

    draft = DraftInput(
        body=case["text"],
        title=case.get("title"),
        is_html=case.get("format") == "html",
        channel=Channel(case.get("channel", "website")),
        doc_type=DocType(case.get("doc_type", "other")),
        doc_date=dt.date.fromisoformat(case["doc_date"]) if case.get("doc_date") else None,
        metadata=Metadata(**(case.get("metadata") or {})),
    )
    return [
        Pred(f.category, f.field, f.start, f.end, f.rule, f.message)
        for f in engine.check(draft).findings
        if f.category in SCOPE
    ]


def match(case: dict[str, Any], preds: Sequence[Pred]) -> tuple[TermCase, dict[str, Score]]:
    expected = [item for item in case.get("expected", []) if item["category"] in SCOPE]
    pairs = max_matching([[j for j, p in enumerate(preds) if compatible(case, e, p)] for e in expected], len(preds))
    per = {c: Score() for c in SCOPE}
    result = TermCase(case["id"], bool(case.get("hard_negative")), tp=len(pairs))
    for i, item in enumerate(expected):
        if i in pairs:
            per[item["category"]].tp += 1
        else:
            per[item["category"]].fn += 1
            result.fn.append(item)
    matched = set(pairs.values())
    for j, pred in enumerate(preds):
        if j not in matched:
            per[pred.category].fp += 1
            result.fp.append(pred)
    return result, per


def fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.terms_quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--json", type=Path, metavar="OUT")
    parser.add_argument("--case", action="append", default=[], metavar="ID")
    parser.add_argument("--min-f1", type=float, metavar="VALUE", help="exit 1 if the overall F1 is below VALUE")
    parser.add_argument("--quiet", action="store_true", help="no per-case lines")
    args = parser.parse_args(argv)

    cases = load_devset(args.devset)
    if args.case:
        cases = [c for c in cases if c["id"] in set(args.case)]
    engine = build_engine()
    totals = {c: Score() for c in SCOPE}
    by_class: dict[int, Score] = {}
    results: list[tuple[dict[str, Any], TermCase]] = []
    for case in cases:
        result, per = match(case, predict(engine, case))
        for c in SCOPE:
            totals[c].add(per[c])
        if "error_class" in case:
            score = by_class.setdefault(int(case["error_class"]), Score())
            for c in SCOPE:
                score.add(per[c])
        results.append((case, result))
    overall = Score()
    for s in totals.values():
        overall.add(s)

    hn = [r for _, r in results if r.hard_negative]
    print(f"dev set: {args.devset}  ({len(cases)} cases, {len(hn)} hard negatives)\n")
    print(f"{'category':<18}{'TP':>5}{'FP':>5}{'FN':>5}   {'P':>5}   {'R':>5}  {'F1':>5}")
    for name, s in [*totals.items(), ("[all]", overall)]:
        print(f"{name:<18}{s.tp:>5}{s.fp:>5}{s.fn:>5}   {fmt(s.precision)}   {fmt(s.recall)}  {fmt(s.f1)}")
    if by_class:
        print(f"\n{'error class':<22}{'TP':>5}{'FP':>5}{'FN':>5}   {'P':>5}   {'R':>5}  {'F1':>5}")
        for k, s in sorted(by_class.items()):
            name = CLASS_NAMES.get(k, str(k))
            print(f"{name:<22}{s.tp:>5}{s.fp:>5}{s.fn:>5}   {fmt(s.precision)}   {fmt(s.recall)}  {fmt(s.f1)}")
    print(f"\nhard negatives with findings: {sum(1 for r in hn if r.fp)}/{len(hn)}")
    for case, r in [] if args.quiet else results:
        for p in r.fp:
            print(f"  FP {r.case_id:<8} {p.category:<15} {case['text'][p.start : p.end]!r} rule={p.rule}")
        for item in r.fn:
            print(f"  FN {r.case_id:<8} {item['category']:<15} {item['span']!r}")
    if args.json:
        report = {
            "cases": len(cases),
            "hard_negative_cases": len(hn),
            "per_category": {c: s.as_dict() for c, s in totals.items()},
            "all": overall.as_dict(),
            "per_error_class": {str(k): s.as_dict() for k, s in sorted(by_class.items())},
        }
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.flush()
    if args.min_f1 is not None and (overall.f1 or 0.0) < args.min_f1:
        print(f"\nF1 {overall.f1 or 0.0:.3f} < {args.min_f1}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
