"""`make bench`: cold start, /api/v1/check latency on a real server, and the 200,000-character worst cases.

1. Cold start: `review-service serve` on a fresh (empty) data directory, until the first `200` from
   `/api/v1/check` with the token the first run prints. Wall seconds and the server's CPU seconds (from
   /proc, so a busy machine shows how much of the wall time was waiting for a core).
2. Latency: a dense 3,000-character government work report (`bench/data/work_report_3000.txt`) with a
   title, every gate on, sequential requests: p50/p95 wall time, and CPU milliseconds per request.
3. Linear time: one process checks 200,000 characters of Latin junk, of digits, of one repeated Chinese
   character and of real prose (the 1954–2017 government work reports from the team's corpus when it is
   next to the repository, else the benchmark drafts repeated); each must take under 2 s.
4. Throughput of one process (in-process), characters per second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
DRAFT = HERE / "data" / "draft_3000.txt"  # the 公示 draft (bench.scale builds its pages from it)
WORK_REPORT = HERE / "data" / "work_report_3000.txt"
TITLE = "2016年国务院政府工作报告（节选）"
CORPUS = REPO_ROOT.parent / "shared" / "data" / "corpus" / "government_work_reports_1954_2017.jsonl"
LONG = 200_000
LONG_TARGET_S = 2.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid`` (the server's check processes)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(child) for child in (task / "children").read_text().split()]
    return out


class Server:
    """`review-service serve` on a fresh data directory; reads the first-run token from its output."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="bench-")
        self.env = {**os.environ, **(env or {}), "REVIEW_DATA_DIR": self.data_dir, "PYTHONUNBUFFERED": "1"}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cli = [sys.executable, "-m", "review_service.cli"]

    def start(self) -> float:
        """Seconds from launch to the first 200 from /api/v1/check."""
        self.log = Path(self.data_dir) / "serve.log"
        self.started = time.perf_counter()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*self.cli, "serve", "--port", str(self.port)], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        token = None
        with httpx.Client(timeout=30) as client:
            while True:
                if self.process.poll() is not None or time.perf_counter() - self.started > 180:
                    raise SystemExit("server failed to start:\n" + self.log.read_text(errors="replace")[-2000:])
                if token is None:
                    token = self.first_run_token()
                    if token is None:
                        time.sleep(0.01)
                        continue
                    self.headers = {"Authorization": f"Bearer {token}"}
                try:
                    answer = client.post(f"{self.base}/api/v1/check", json={"text": "测试"}, headers=self.headers)
                    if answer.status_code == 200:
                        self.cold_cpu = cpu_seconds(self.process.pid)
                        self.cold_children_cpu = sum(cpu_seconds(child) for child in children(self.process.pid))
                        return time.perf_counter() - self.started
                except httpx.TransportError:
                    pass
                time.sleep(0.01)

    def first_run_token(self) -> str | None:
        """The check token of the first run: in its secrets file, or printed (older servers)."""
        secrets = Path(self.data_dir) / "first-run-secrets.txt"
        text = secrets.read_text(errors="replace") if secrets.is_file() else self.log.read_text(errors="replace")
        found = re.findall(r"^(?:api_token=|\s+)(rvs_\S+)\s*$", text, re.M)
        return found[0] if found else None

    def cli_run(self, *args: str) -> str:
        return subprocess.run([*self.cli, *args], env=self.env, capture_output=True, text=True, check=True).stdout

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def wait_for_log(self, marker: str, timeout: float = 300) -> None:
        """Until the server's log shows ``marker`` (the API process's own engine is built)."""
        until = time.perf_counter() + timeout
        while marker not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.perf_counter() > until:
                raise SystemExit(f"no {marker!r} in the server log:\n" + self.log.read_text(errors="replace")[-2000:])
            time.sleep(0.05)


ENGINE_READY = "check engine ready in the API process"


def cold_starts(count: int) -> list[tuple[float, float, float]]:
    """(wall s, server CPU s, check processes' CPU s) to the first 200 from /check, each on a fresh data dir."""
    out = []
    for _ in range(count):
        server = Server()
        try:
            wall = server.start()
            out.append((wall, server.cold_cpu, server.cold_children_cpu))
        finally:
            server.stop()
    return out


def measure_server(requests: int, chars: int, starts: int) -> dict[str, float]:
    measured = cold_starts(starts)
    server = Server()
    body = {"text": draft_of(chars, WORK_REPORT), "title": TITLE, "doc_type": "other"}
    try:
        server.start()
        with httpx.Client(timeout=60) as client:
            # Steady state: the first checks are answered by a check process while the API process
            # builds its own engine in the background; measure once that is done (the log says so).
            client.post(f"{server.base}/api/v1/check", json=body, headers=server.headers).raise_for_status()
            server.wait_for_log(ENGINE_READY)
            for _ in range(10):  # warm-up
                client.post(f"{server.base}/api/v1/check", json=body, headers=server.headers).raise_for_status()
            latencies = []
            cpu_before = cpu_seconds(server.process.pid)
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.post(f"{server.base}/api/v1/check", json=body, headers=server.headers)
                latencies.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
            cpu_ms = (cpu_seconds(server.process.pid) - cpu_before) * 1000 / requests
    finally:
        server.stop()
    return {
        "cold_start_s": [round(wall, 2) for wall, _, _ in measured],
        "cold_start_cpu_s": [round(cpu, 2) for _, cpu, _ in measured],
        "cold_start_check_process_cpu_s": [round(cpu, 2) for _, _, cpu in measured],
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "cpu_ms_per_request": round(cpu_ms, 1),
        "requests": requests,
        "chars": chars,
    }


def real_prose(length: int) -> tuple[str, str]:
    """Real government prose of ``length`` characters, and where it came from."""
    if CORPUS.is_file():
        parts, total = [], 0
        for line in CORPUS.read_text(encoding="utf-8").splitlines()[::-1]:  # newest first
            content = json.loads(line)["content"]
            parts.append(content)
            total += len(content)
            if total >= length:
                break
        return "\n".join(parts)[:length], "government work reports 1954–2017 (team corpus)"
    drafts = [p.read_text(encoding="utf-8") for p in sorted((HERE / "data").glob("*.txt"))]
    return ("\n".join(drafts) * (length // sum(map(len, drafts)) + 1))[:length], "benchmark drafts, repeated"


def long_inputs(length: int = LONG) -> dict[str, str]:
    rng = random.Random(11)
    latin = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_@:/\\%+;()'\"!?#&="
    prose, _ = real_prose(length)
    return {
        "Latin junk": "".join(rng.choice(latin) for _ in range(length)),
        "x repeated": "x" * length,
        "digits": "".join(rng.choice("0123456789") for _ in range(length)),
        "one Chinese character (的)": "的" * length,
        "one Chinese character (王)": "王" * length,
        "real prose": prose,
    }


def measure_long(engine: object) -> dict[str, dict[str, float]]:
    from checks import DraftInput

    out = {}
    for name, text in long_inputs().items():
        draft = DraftInput(body=text)
        wall, cpu = time.perf_counter(), time.process_time()
        result = engine.check(draft)  # type: ignore[attr-defined]
        out[name] = {
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            "findings": len(result.findings),
        }
    return out


def measure_in_process(engine: object, seconds: float, chars: int) -> float:
    from checks import DocType, DraftInput

    draft = DraftInput(body=draft_of(chars, WORK_REPORT), title=TITLE, doc_type=DocType.OTHER)
    engine.check(draft)  # type: ignore[attr-defined]
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        engine.check(draft)  # type: ignore[attr-defined]
        done += chars
    return done / (time.perf_counter() - started)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--skip-long", action="store_true", help="leave out the 200,000-character inputs")
    parser.add_argument("--cold-starts", type=int, default=3, help="fresh starts measured (each on a new data dir)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    from review_service.check_service import get_check_engine

    print(f"load average before: {load_average()} on {os.cpu_count()} CPUs")
    figures: dict[str, object] = measure_server(args.requests, args.chars, args.cold_starts)
    engine = get_check_engine()  # the API process's engine, built (and frozen) as the service builds it
    figures["chars_per_second_one_process"] = round(measure_in_process(engine, 10.0, args.chars))
    print(f"POST /api/v1/check, {args.chars}-character work report + title, every gate on, {args.requests} requests")
    print("| metric | value |\n|---|---|")
    print(f"| p50 latency | {figures['p50_ms']} ms |")
    print(f"| p95 latency | {figures['p95_ms']} ms (target ≤ 100 ms) |")
    print(f"| server CPU per request | {figures['cpu_ms_per_request']} ms |")
    print(f"| cold start to first 200 (fresh data dir), each run | {figures['cold_start_s']} s (target ≤ 3 s) |")
    print(f"| API process CPU until then | {figures['cold_start_cpu_s']} s |")
    print(f"| check processes' CPU until then | {figures['cold_start_check_process_cpu_s']} s |")
    print(f"| throughput, one process (in-process) | {figures['chars_per_second_one_process']:,} chars/s |")
    if not args.skip_long:
        figures["long"] = long_figures = measure_long(engine)
        source = real_prose(10)[1]
        print(f"\n{LONG:,} characters, one engine.check each (target < {LONG_TARGET_S:g} s); prose: {source}")
        print("| input | wall | CPU | findings |\n|---|---|---|---|")
        for name, row in long_figures.items():
            print(f"| {name} | {row['wall_s']} s | {row['cpu_s']} s | {row['findings']} |")
    print(f"load average after: {load_average()}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
