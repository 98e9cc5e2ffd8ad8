"""`make bench-scale`: archive re-check throughput with 1 and 2 Celery worker processes on real Redis,
and the p95 of the interactive POST /api/v1/check while a re-check runs.

Everything is real: redis-server, `review-service worker --queues bulk --nice 10` processes,
`review-service serve`, SQLite in a temporary data directory. CPU seconds are read from /proc for
the workers (main and pool processes), Redis and this driver process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.latency import draft_of, free_port, percentile
from tests.redis_celery import CeleryWorker, RedisServer

CLI = [sys.executable, "-m", "review_service.cli"]
TICKS = os.sysconf("SC_CLK_TCK")
EXTRAS = [
    "联系电话：13800138000。",
    "请向国家工商行政管理总局反映。",
    "再接再励，继续做好相关工作。",
    "会议于2024年3月5日召开。",
    "",
    "",
    "",
    "",
]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its reaped children (fields 14-17 of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return sum(int(x) for x in fields[11:15]) / TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine spent busy (every core; /proc/stat, first line)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / TICKS


def tree_cpu(pid: int) -> float:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return cpu_seconds(pid) + sum(cpu_seconds(int(c)) for c in children)


def documents(count: int, chars: int, seed: int = 7) -> list[dict[str, str]]:
    """Varied published pages: paragraphs of a real 公示 draft plus an occasional finding."""
    rng = random.Random(seed)
    paragraphs = [p for p in draft_of(3000).split("\n") if len(p) > 20]
    pages = []
    for i in range(count):
        body = ""
        while len(body) < chars:
            body += rng.choice(paragraphs) + "\n"
        body = body[:chars] + rng.choice(EXTRAS)
        pages.append(
            {
                "url": f"https://www.example.gov.cn/bench/{i}.html",
                "title": f"第{i}号公告",
                "published_at": f"20{rng.randint(19, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "department": rng.choice(["办公室", "民政局", "教育局", "市场监管局"]),
                "content": body,
            }
        )
    return pages


def wait_warm(worker: CeleryWorker) -> None:
    """Until every pool process has loaded the check engine (its CPU time stops growing)."""
    last = -1.0
    while True:
        now = tree_cpu(worker.process.pid)
        if abs(now - last) < 0.02:
            return
        last = now
        time.sleep(0.5)


def run_recheck(env: dict[str, str], settings) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from review_service.archive.recheck import get_run, start_recheck
    from review_service.db import unit_of_work

    started = time.perf_counter()
    with unit_of_work(settings) as session:
        run_id = start_recheck(session, settings=settings, full=True).id
    while True:
        with unit_of_work(settings) as session:
            run = get_run(session, run_id)
            state, total = run.state, run.total
        if state == "done":
            break
        time.sleep(0.25)
    elapsed = time.perf_counter() - started
    return {"documents": total, "seconds": round(elapsed, 2), "docs_per_s": round(total / elapsed, 1)}


def throughput(workers: int, env: dict[str, str], settings, redis: RedisServer, nice: int) -> dict:  # type: ignore[no-untyped-def]
    pool = [CeleryWorker(env, queues="bulk", nice=nice) for _ in range(workers)]
    for w in pool:
        w.start(timeout=120)
    try:
        for w in pool:
            wait_warm(w)
        before = (
            [tree_cpu(w.process.pid) for w in pool],
            cpu_seconds(redis.process.pid),
            time.process_time(),
            machine_busy_seconds(),
        )
        result = run_recheck(env, settings)
        after = (
            [tree_cpu(w.process.pid) for w in pool],
            cpu_seconds(redis.process.pid),
            time.process_time(),
            machine_busy_seconds(),
        )
    finally:
        for w in pool:
            w.stop()
    seconds = result["seconds"]
    worker_cpu = [round(a - b, 1) for a, b in zip(after[0], before[0], strict=True)]
    ours = sum(worker_cpu) + (after[1] - before[1]) + (after[2] - before[2])
    return {
        **result,
        "workers": workers,
        "nice": nice,
        "worker_cpu_s": worker_cpu,
        "worker_cpu_pct": [round(100 * c / seconds) for c in worker_cpu],
        "redis_cpu_s": round(after[1] - before[1], 2),
        "driver_cpu_s": round(after[2] - before[2], 2),
        # everything else on the machine meanwhile (other users' processes): what the workers could not use
        "others_cpu_s": round(max(0.0, after[3] - before[3] - ours), 1),
        "cpu_ms_per_page": round(1000 * sum(worker_cpu) / result["documents"], 2),
    }


def latency(env: dict[str, str], settings, redis: RedisServer, requests: int, chars: int) -> dict:  # type: ignore[no-untyped-def]
    token = subprocess.run(
        [*CLI, "token", "create", "bench"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/api/v1/check"
    headers = {"Authorization": f"Bearer {token}"}
    body = {"text": draft_of(chars), "doc_type": "publicity"}
    figures: dict[str, object] = {}
    try:
        with httpx.Client(timeout=60) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if client.post(url, json={"text": "测试"}, headers=headers).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start")

            def sample() -> list[float]:
                out = []
                for _ in range(requests):
                    t0 = time.perf_counter()
                    client.post(url, json=body, headers=headers).raise_for_status()
                    out.append((time.perf_counter() - t0) * 1000)
                return out

            for _ in range(10):
                client.post(url, json=body, headers=headers)
            busy_before = machine_busy_seconds(), time.perf_counter()
            idle = sample()
            figures["idle_machine_cpu_pct"] = round(
                100 * (machine_busy_seconds() - busy_before[0]) / (time.perf_counter() - busy_before[1])
            )
            pool = [CeleryWorker(env, queues="bulk", nice=10) for _ in range(2)]
            for w in pool:
                w.start(timeout=120)
            for w in pool:
                wait_warm(w)
            from review_service.archive.recheck import start_recheck
            from review_service.db import unit_of_work

            with unit_of_work(settings) as session:
                run_id = start_recheck(session, settings=settings, full=True).id
            time.sleep(2)  # the workers are busy
            busy = sample()
            from review_service.archive.recheck import get_run

            with unit_of_work(settings) as session:
                run = get_run(session, run_id)
                figures["recheck_still_running"] = run.state != "done"
                figures["recheck_done_during_sample"] = run.done
            for w in pool:
                w.stop()
    finally:
        server.terminate()
        server.wait(timeout=20)
    figures.update(
        {
            "requests": requests,
            "chars": chars,
            "idle_p50_ms": round(percentile(idle, 50), 1),
            "idle_p95_ms": round(percentile(idle, 95), 1),
            "busy_p50_ms": round(percentile(busy, 50), 1),
            "busy_p95_ms": round(percentile(busy, 95), 1),
        }
    )
    figures["p95_ratio"] = round(figures["busy_p95_ms"] / figures["idle_p95_ms"], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--chars", type=int, default=400, help="characters per generated page")
    parser.add_argument("--requests", type=int, default=150, help="interactive checks per latency sample")
    parser.add_argument("--check-chars", type=int, default=3000, help="characters of the interactive draft")
    parser.add_argument("--only-latency", action="store_true", help="skip the throughput runs")
    parser.add_argument("--repeat", type=int, default=1, help="throughput runs per worker count; the best counts")
    parser.add_argument("--nice", type=int, default=10, help="CPU priority of the bulk workers in the throughput runs")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    from review_service.archive.importer import import_pages, page_from_record
    from review_service.config import Settings
    from review_service.db import unit_of_work, upgrade

    load_before = os.getloadavg()
    redis = RedisServer()
    redis.start()
    data = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    env = {**os.environ, "REVIEW_DATA_DIR": str(data), "REVIEW_BROKER_URL": redis.url}
    env["REVIEW_SWEEP_INTERVAL_SECONDS"] = "0"
    settings = Settings(data_dir=data, broker_url=redis.url, sweep_interval_seconds=0)
    try:
        upgrade(settings)
        pages = [page_from_record(d, "bench", max_chars=10**6) for d in documents(args.documents, args.chars)]
        with unit_of_work(settings) as session:
            import_pages(session, pages)
        repeat = 0 if args.only_latency else args.repeat
        every = [throughput(n, env, settings, redis, args.nice) for _ in range(repeat) for n in (1, 2)]
        if not every:
            print(json.dumps(latency(env, settings, redis, args.requests, args.check_chars), indent=2))
            return
        runs = [max((r for r in every if r["workers"] == n), key=lambda r: r["docs_per_s"]) for n in (1, 2)]
        figures = {
            "documents": args.documents,
            "chars_per_document": args.chars,
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "runs": runs,
            "all_runs": every,
            "speed_up": round(runs[1]["docs_per_s"] / runs[0]["docs_per_s"], 2),
            "latency": latency(env, settings, redis, args.requests, args.check_chars),
            "load_after": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        redis.close()
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    lat = figures["latency"]
    print(
        f"\nArchive re-check (bulk workers at nice {args.nice}), {args.documents} generated pages "
        f"of ~{args.chars} characters, real Redis, SQLite"
    )
    print(
        "| bulk workers | pages/s | wall s | worker CPU (each) | CPU ms/page | Redis CPU | driver CPU "
        "| other processes |\n|---|---|---|---|---|---|---|---|"
    )
    for r in runs:
        cpu = ", ".join(f"{c} s ({p} %)" for c, p in zip(r["worker_cpu_s"], r["worker_cpu_pct"], strict=True))
        row = [r["workers"], r["docs_per_s"], r["seconds"], cpu, r["cpu_ms_per_page"], f"{r['redis_cpu_s']} s"]
        row += [f"{r['driver_cpu_s']} s", f"{r['others_cpu_s']} s"]
        print("| " + " | ".join(str(x) for x in row) + " |")
    print(f"\nspeed-up 2 vs 1 worker: {figures['speed_up']}×  (load average before: {figures['load_before']})")
    print(
        f"POST /api/v1/check ({args.check_chars} chars) p95 idle {lat['idle_p95_ms']} ms, "
        f"during a re-check with 2 bulk workers {lat['busy_p95_ms']} ms ({lat['p95_ratio']}×)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
