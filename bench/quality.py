"""Quality report of the check engine on the labelled dev set.

Usage::

    python -m bench.quality [--devset PATH] [--json OUT] [--case ID ...] [--min-f1 GROUP=VALUE ...]

For every case of the dev set (see tests/data/README.md) the engine is run once and its findings are
matched to the expected items:

- same category and same field;
- body/title items: the expected span is located in the field's text (any occurrence counts) and the
  finding's ``[start, end)`` must overlap one of its occurrences;
- metadata-level items (field ``metadata``, span ``""``): category and field are enough, and
  multiplicity counts (three missing fields expected, three findings -> three true positives).

Each expected item matches at most one finding and vice versa (maximum bipartite matching per case).
Only the categories in ``SCOPE`` are scored; findings of other categories (typo, term.*, metadata.invalid,
metadata.docx_* ...) are ignored. The report is informational: the exit status is 0 unless ``--min-f1``
thresholds are given and missed (then 1).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset.jsonl"

SCOPE: tuple[str, ...] = (
    "pii.id_card",
    "pii.phone",
    "pii.bank_card",
    "pii.email",
    "pii.passport",
    "pii.plate",
    "pii.person_name",
    "pii.address",
    "secret.marking",
    "secret.disclosure",
    "format.doc_number",
    "format.punctuation",
    "format.number_date",
    "metadata.missing",
)
GROUPS: dict[str, tuple[str, ...]] = {
    prefix: tuple(c for c in SCOPE if c.startswith(prefix + ".")) for prefix in ("pii", "secret", "format", "metadata")
}
TEXT_FIELDS = ("title", "body", "summary")


# ----------------------------------------------------------------------------- data


def load_devset(path: Path) -> list[dict[str, Any]]:
    cases = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                cases.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{lineno}: invalid JSON: {exc}") from exc
    return cases


def field_text(case: dict[str, Any], name: str) -> str:
    if name == "body":
        return case["text"]
    return case.get(name) or ""


def occurrences(haystack: str, needle: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    if not needle:
        return out
    pos = haystack.find(needle)
    while pos != -1:
        out.append((pos, pos + len(needle)))
        pos = haystack.find(needle, pos + 1)
    return out


@dataclass(frozen=True)
class Pred:
    """An in-scope finding, reduced to what matching and the report need."""

    category: str
    field: str
    start: int
    end: int
    rule: str
    message: str


def build_draft(case: dict[str, Any]) -> Any:
    from checks import Channel, DocType, DraftInput, Metadata

    return DraftInput(
        body=case["text"],
        title=case.get("title"),
        is_html=case.get("format") == "html",
        channel=Channel(case.get("channel", "website")),
        doc_type=DocType(case.get("doc_type", "other")),
        metadata=Metadata(**(case.get("metadata") or {})),
    )


def predict(engine: Any, case: dict[str, Any], *, alarms_only: bool = False) -> list[Pred]:
    """Findings in scope; ``alarms_only`` leaves out ``info`` hints (an office's free mailbox is not an alarm)."""
    result = engine.check(build_draft(case))
    return [
        Pred(f.category, f.field, int(f.start), int(f.end), str(f.rule), str(f.message))
        for f in result.findings
        if f.category in SCOPE and not (alarms_only and f.severity.value == "info")
    ]


# ----------------------------------------------------------------------------- matching


def compatible(case: dict[str, Any], item: dict[str, Any], pred: Pred) -> bool:
    if item["category"] != pred.category or item["field"] != pred.field:
        return False
    if item["field"] == "metadata":
        return True
    p_start, p_end = pred.start, max(pred.end, pred.start + 1)
    return any(s < p_end and p_start < e for s, e in occurrences(field_text(case, item["field"]), item["span"]))


def max_matching(adjacency: Sequence[Sequence[int]], n_right: int) -> dict[int, int]:
    """Kuhn's augmenting-path matching; returns {left index: right index}."""
    match_right: list[int | None] = [None] * n_right

    def augment(left: int, seen: list[bool]) -> bool:
        for right in adjacency[left]:
            if seen[right]:
                continue
            seen[right] = True
            owner = match_right[right]
            if owner is None or augment(owner, seen):
                match_right[right] = left
                return True
        return False

    for left in range(len(adjacency)):
        augment(left, [False] * n_right)
    return {left: right for right, left in enumerate(match_right) if left is not None}


@dataclass
class CaseResult:
    case_id: str
    hard_negative: bool
    tp: list[tuple[dict[str, Any], Pred]] = field(default_factory=list)
    fp: list[Pred] = field(default_factory=list)
    fn: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def match_case(case: dict[str, Any], preds: Sequence[Pred]) -> CaseResult:
    expected = [item for item in case.get("expected", []) if item["category"] in SCOPE]
    adjacency = [[j for j, p in enumerate(preds) if compatible(case, item, p)] for item in expected]
    pairs = max_matching(adjacency, len(preds))
    matched_preds = set(pairs.values())
    res = CaseResult(case["id"], bool(case.get("hard_negative")))
    res.tp = [(expected[i], preds[j]) for i, j in sorted(pairs.items())]
    res.fn = [item for i, item in enumerate(expected) if i not in pairs]
    res.fp = [p for j, p in enumerate(preds) if j not in matched_preds]
    return res


# ----------------------------------------------------------------------------- scoring


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        if self.tp + self.fp + self.fn == 0:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def score(results: Iterable[CaseResult]) -> dict[str, Score]:
    per: dict[str, Score] = {c: Score() for c in SCOPE}
    for res in results:
        for item, _ in res.tp:
            per[item["category"]].tp += 1
        for pred in res.fp:
            per[pred.category].fp += 1
        for item in res.fn:
            per[item["category"]].fn += 1
    return per


def group_scores(per: dict[str, Score]) -> dict[str, Score]:
    out: dict[str, Score] = {}
    for name, members in GROUPS.items():
        total = Score()
        for c in members:
            total.add(per[c])
        out[name] = total
    total = Score()
    for c in SCOPE:
        total.add(per[c])
    out["all"] = total
    return out


# ----------------------------------------------------------------------------- report


def excerpt(case: dict[str, Any], pred: Pred) -> str:
    if pred.field not in TEXT_FIELDS:
        return f"({pred.field}) {pred.rule}"
    text = field_text(case, pred.field)
    return text[pred.start : pred.end]


def one_line(text: str, limit: int = 60) -> str:
    text = text.replace("\r", "").replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fmt_ratio(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def table_rows(per: dict[str, Score], groups: dict[str, Score]) -> list[str]:
    head = f"{'category':<22}{'TP':>5}{'FP':>5}{'FN':>5}   {'P':>5}   {'R':>5}  {'F1':>5}"
    lines = [head, "-" * len(head)]

    def row(name: str, s: Score) -> str:
        return (
            f"{name:<22}{s.tp:>5}{s.fp:>5}{s.fn:>5}   {fmt_ratio(s.precision)}   "
            f"{fmt_ratio(s.recall)}  {fmt_ratio(s.f1)}"
        )

    for group, members in GROUPS.items():
        for c in members:
            lines.append(row(c, per[c]))
        lines.append(row(f"  [{group}.*]", groups[group]))
    lines.append("-" * len(head))
    lines.append(row("[all]", groups["all"]))
    return lines


def build_report(devset: Path, cases: Sequence[dict[str, Any]], results: Sequence[CaseResult]) -> dict[str, Any]:
    by_id = {c["id"]: c for c in cases}
    per = score(results)
    groups = group_scores(per)
    hn = [r for r in results if r.hard_negative]
    return {
        "devset": str(devset),
        "cases": len(cases),
        "hard_negative_cases": len(hn),
        "per_category": {c: s.as_dict() for c, s in per.items()},
        "groups": {g: s.as_dict() for g, s in groups.items()},
        "hard_negatives": {
            "findings": sum(len(r.fp) for r in hn),
            "cases_with_findings": sum(1 for r in hn if r.fp),
        },
        "false_positives": [
            {
                "case": r.case_id,
                "category": p.category,
                "field": p.field,
                "start": p.start,
                "end": p.end,
                "text": excerpt(by_id[r.case_id], p),
                "rule": p.rule,
                "hard_negative": r.hard_negative,
            }
            for r in results
            for p in r.fp
        ],
        "false_negatives": [
            {"case": r.case_id, "category": item["category"], "field": item["field"], "span": item["span"]}
            for r in results
            for item in r.fn
        ],
        "errors": [{"case": r.case_id, "error": r.error} for r in results if r.error],
    }


def print_report(report: dict[str, Any], per: dict[str, Score], groups: dict[str, Score]) -> None:
    out = sys.stdout
    print(f"dev set: {report['devset']}  ({report['cases']} cases, {report['hard_negative_cases']} hard negatives)")
    print()
    for line in table_rows(per, groups):
        print(line)
    print()
    hn = report["hard_negatives"]
    print(
        f"hard negatives: {hn['findings']} in-scope finding(s) on "
        f"{hn['cases_with_findings']}/{report['hard_negative_cases']} case(s)"
    )
    if report["errors"]:
        print()
        print(f"ERRORS ({len(report['errors'])}): the engine raised; these cases count as no findings")
        for err in report["errors"]:
            print(f"  {err['case']}: {err['error']}")
    print()
    print(f"FALSE POSITIVES ({len(report['false_positives'])})")
    for fp in report["false_positives"]:
        mark = " [hard negative]" if fp["hard_negative"] else ""
        where = f"{fp['field']}[{fp['start']}:{fp['end']}]"
        print(f"  {fp['case']:<10} {fp['category']:<20} {where:<16} {one_line(fp['text'])!r}  rule={fp['rule']}{mark}")
    print()
    print(f"FALSE NEGATIVES ({len(report['false_negatives'])})")
    for fn in report["false_negatives"]:
        span = repr(one_line(fn["span"])) if fn["field"] != "metadata" else "(metadata)"
        print(f"  {fn['case']:<10} {fn['category']:<20} {fn['field']:<8} {span}")
    out.flush()


# ----------------------------------------------------------------------------- thresholds


def parse_threshold(raw: str) -> tuple[str, float]:
    name, sep, value = raw.partition("=")
    name = name.strip().removesuffix(".*")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected GROUP=VALUE, got {raw!r}")
    if name not in GROUPS and name != "all" and name not in SCOPE:
        known = ", ".join([*GROUPS, "all", *SCOPE])
        raise argparse.ArgumentTypeError(f"unknown group or category {name!r} (one of: {known})")
    try:
        threshold = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not 0.0 <= threshold <= 1.0:
        raise argparse.ArgumentTypeError(f"F1 threshold must be within [0, 1], got {threshold}")
    return name, threshold


def missed_thresholds(
    thresholds: Sequence[tuple[str, float]], per: dict[str, Score], groups: dict[str, Score]
) -> list[str]:
    missed = []
    for name, threshold in thresholds:
        s = groups.get(name) or per[name]
        f1 = s.f1 or 0.0
        if f1 < threshold:
            missed.append(f"{name}: F1 {f1:.3f} < {threshold:.3f}")
    return missed


# ----------------------------------------------------------------------------- main


def run(engine: Any, cases: Sequence[dict[str, Any]], *, alarms_only: bool = False) -> list[CaseResult]:
    results = []
    for case in cases:
        try:
            preds = predict(engine, case, alarms_only=alarms_only)
        except Exception as exc:  # a report, not a test: keep going and show the error
            res = match_case(case, [])
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            res.error = f"{type(exc).__name__}: {exc} ({frame.filename}:{frame.lineno})"
            results.append(res)
            continue
        results.append(match_case(case, preds))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET, help="JSONL dev set (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the full report as JSON to OUT")
    parser.add_argument("--case", action="append", default=[], metavar="ID", help="only these case ids (repeatable)")
    parser.add_argument(
        "--min-f1",
        action="append",
        default=[],
        type=parse_threshold,
        metavar="GROUP=VALUE",
        help="fail (exit 1) if the F1 of GROUP (pii, secret, format, metadata, all or a category) is below VALUE",
    )
    parser.add_argument(
        "--alarms-only", action="store_true", help="score block and warn findings only (info hints are not alarms)"
    )
    args = parser.parse_args(argv)

    cases = load_devset(args.devset)
    if args.case:
        wanted = set(args.case)
        unknown = wanted - {c["id"] for c in cases}
        if unknown:
            parser.error(f"unknown case id(s): {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c["id"] in wanted]

    from checks import build_engine

    engine = build_engine()
    results = run(engine, cases, alarms_only=args.alarms_only)
    report = build_report(args.devset, cases, results)
    per = score(results)
    groups = group_scores(per)
    print_report(report, per, groups)

    missed = missed_thresholds(args.min_f1, per, groups)
    report["thresholds"] = {
        "required": [{"group": name, "min_f1": value} for name, value in args.min_f1],
        "missed": missed,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if missed:
        print()
        print("F1 THRESHOLDS MISSED:")
        for line in missed:
            print(f"  {line}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
