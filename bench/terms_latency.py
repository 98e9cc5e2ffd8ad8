"""Cost of the term checks (term.political, term.banned, term.outdated) per 3,000-character report.

Usage::

    python -m bench.terms_latency [--docs N] [--chars N]

Builds an engine with only the term checks and times each term check's ``run`` on N report-sized texts:
consecutive 3,000-character pieces of the 2025 新闻联播 stories when the shared corpus is there (measuring only),
else texts made of the term dev sets' sentences (formulation-dense: a worst case). The document (normalising,
jieba) is built once per text and timed apart: it is the engine's shared cost, not the term checks'. Prints
median, p95 and maximum in milliseconds — the term checks' share of the one /api/v1/check budget (p95 ≤ 100 ms
for 3,000 characters with every gate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def news(corpus: Path, n: int, chars: int) -> list[str]:
    texts: list[str] = []
    buffer = ""
    with (corpus / "xinwenlianbo_2022_2025.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if not str(row.get("date", "")).startswith("2025"):
                continue
            buffer += row["text"]
            while len(buffer) >= chars and len(texts) < n:
                texts.append(buffer[:chars])
                buffer = buffer[chars:]
            if len(texts) >= n:
                break
    return texts


def reports(n: int, chars: int) -> list[str]:
    sentences: list[str] = []
    for name in ("terms_formulations_devset.jsonl", "terms_devset.jsonl"):
        path = DATA / name
        if path.is_file():
            sentences += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    rng = random.Random(12)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < chars:
            text += rng.choice(sentences)
        out.append(text[:chars])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.terms_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--corpus-dir", type=Path, default=DATA.parent.parent.parent / "shared" / "data" / "corpus")
    args = parser.parse_args(argv)
    from checks import DraftInput, EngineConfig, build_engine
    from checks.document import build_document
    from checks.terms.factories import FACTORIES

    started = time.perf_counter()
    engine = build_engine(EngineConfig(enabled=tuple(FACTORIES)))
    built = time.perf_counter() - started
    from_news = (args.corpus_dir / "xinwenlianbo_2022_2025.jsonl").is_file()
    texts = news(args.corpus_dir, args.docs, args.chars) if from_news else reports(args.docs, args.chars)
    date = dt.date(2025, 6, 1)
    times: dict[str, list[float]] = {"document (shared)": []}
    docs = []
    for text in texts:
        t0 = time.perf_counter()
        docs.append(build_document("body", text, DraftInput(body=text, doc_date=date), engine.segmenter))
        times["document (shared)"].append((time.perf_counter() - t0) * 1000)
    checks = engine.registry.select(categories=None)
    for check in checks:
        times[check.name] = []
        for doc in docs:
            t0 = time.perf_counter()
            check.run(doc)
            times[check.name].append((time.perf_counter() - t0) * 1000)
    times["term checks together"] = [sum(times[c.name][i] for c in checks) for i in range(len(docs))]
    source = "2025 news" if from_news else "dev-set sentences"
    print(f"{len(docs)} texts of {args.chars} characters from {source} (engine built in {built:.1f} s)")
    for name, values in times.items():
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"{name:<22} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   max {values[-1]:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
