"""`make bench`: latency of POST /api/v1/check on a real server, throughput of one process, cold start.

Starts `review-service serve` on a temporary data directory, so the numbers include HTTP,
JSON, auth and the database lookup of the token, as a CMS sees them.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
DRAFT = HERE / "data" / "work_report_3000.txt"


def draft_of(length: int, path: Path = DRAFT) -> str:
    """A realistic draft, repeated paragraph by paragraph up to exactly ``length`` characters."""
    base = path.read_text(encoding="utf-8")
    text = base
    while len(text) < length:
        text += "\n" + base
    return text[:length]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure_server(requests: int, chars: int) -> dict[str, float]:
    data_dir = tempfile.mkdtemp(prefix="bench-")
    env = {**os.environ, "REVIEW_DATA_DIR": data_dir}
    cli = [sys.executable, "-m", "review_service.cli"]
    token = subprocess.run(
        [*cli, "token", "create", "bench"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "text": draft_of(chars),
        "title": "关于2024年度城乡居民最低生活保障对象审核情况的公示",
        "doc_type": "publicity",
    }
    started = time.perf_counter()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with httpx.Client(timeout=30) as client:
            while True:
                try:
                    if client.post(f"{base}/api/v1/check", json={"text": "测试"}, headers=headers).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
                if server.poll() is not None or time.perf_counter() - started > 120:
                    raise SystemExit("server failed to start")
            cold_start = time.perf_counter() - started
            for _ in range(10):  # warm-up
                client.post(f"{base}/api/v1/check", json=body, headers=headers)
            latencies = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.post(f"{base}/api/v1/check", json=body, headers=headers)
                latencies.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {
        "cold_start_s": round(cold_start, 2),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "requests": requests,
        "chars": chars,
    }


def measure_in_process(seconds: float, chars: int) -> float:
    from checks import DocType, DraftInput, build_engine

    engine = build_engine()
    draft = DraftInput(body=draft_of(chars), doc_type=DocType.PUBLICITY)
    engine.check(draft)
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        engine.check(draft)
        done += chars
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    figures = measure_server(args.requests, args.chars)
    figures["chars_per_second_one_process"] = round(measure_in_process(10.0, args.chars))
    print(f"POST /api/v1/check, {args.chars}-character draft, {args.requests} sequential requests, one server process")
    print("| metric | value |\n|---|---|")
    print(f"| p50 latency | {figures['p50_ms']} ms |")
    print(f"| p95 latency | {figures['p95_ms']} ms |")
    print(f"| cold start to first answer | {figures['cold_start_s']} s |")
    print(f"| throughput, one process (in-process) | {figures['chars_per_second_one_process']:,} chars/s |")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
