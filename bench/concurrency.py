"""A reviewer's `GET /api/v1/drafts` while CMS clients post 100,000-character checks (`make bench`).

`review-service serve` on a fresh data directory (SQLite), 30 drafts in the list; a reviewer logs in
and lists drafts once every ``--interval`` seconds while ``--clients`` threads each post a
100,000-character check back to back. Reports the reviewer's p50/p95/max with and without the load
(target: p95 ≤ 300 ms under load). A check must never hold the database while it runs, or every
list waits for it.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import Counter

import httpx

from bench.latency import WORK_REPORT, Server, draft_of, load_average, percentile

PASSWORD = "bench-Passw0rd-2026"


def reviewer_token(server: Server, client: httpx.Client) -> dict[str, str]:
    one_time = server.cli_run("user", "create", "reviewer", "--role", "reviewer1", "--all-departments")
    old = one_time.strip().splitlines()[-1]
    body = {"username": "reviewer", "old_password": old, "new_password": PASSWORD}
    client.post(f"{server.base}/api/v1/auth/password", json=body).raise_for_status()
    login = client.post(f"{server.base}/api/v1/auth/login", json={"username": "reviewer", "password": PASSWORD})
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['token']}"}


def seed_drafts(server: Server, client: httpx.Client, count: int) -> None:
    token = server.cli_run("token", "create", "bench-cms", "--scope", "drafts").strip().splitlines()[-1]
    server.cli_run("user", "create", "bench-author", "--role", "editor")  # a CMS names each draft's author
    headers = {"Authorization": f"Bearer {token}"}
    text = draft_of(1500, WORK_REPORT)
    for i in range(count):
        body = {"title": f"基准稿件 {i}", "body": text, "on_behalf_of": "bench-author"}
        client.post(f"{server.base}/api/v1/drafts", json=body, headers=headers).raise_for_status()


def list_latencies(
    server: Server, headers: dict[str, str], seconds: float, interval: float
) -> tuple[list[float], Counter[int]]:
    """Latencies of the reviewer's list requests (answered or not) and the status codes they got."""
    out, statuses = [], Counter()
    with httpx.Client(timeout=120) as client:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            statuses[client.get(f"{server.base}/api/v1/drafts", headers=headers).status_code] += 1
            out.append((time.perf_counter() - t0) * 1000)
            time.sleep(interval)
    return out, statuses


def post_checks(server: Server, chars: int, stop: threading.Event, done: list[float], statuses: Counter[int]) -> None:
    body = {"text": draft_of(chars, WORK_REPORT)}
    with httpx.Client(timeout=300) as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            statuses[client.post(f"{server.base}/api/v1/check", json=body, headers=server.headers).status_code] += 1
            done.append(time.perf_counter() - t0)


def summary(values: list[float]) -> str:
    return f"p50 {percentile(values, 50):.0f} ms, p95 {percentile(values, 95):.0f} ms, max {max(values):.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--drafts", type=int, default=30)
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    server = Server()
    try:
        server.start()
        with httpx.Client(timeout=60) as client:
            headers = reviewer_token(server, client)
            seed_drafts(server, client, args.drafts)
        idle, idle_status = list_latencies(server, headers, min(10.0, args.seconds), args.interval)
        stop, done, check_status = threading.Event(), [], Counter()
        posters = [
            threading.Thread(target=post_checks, args=(server, args.chars, stop, done, check_status))
            for _ in range(args.clients)
        ]
        for thread in posters:
            thread.start()
        time.sleep(1.0)  # every client has a check running
        try:
            loaded, loaded_status = list_latencies(server, headers, args.seconds, args.interval)
        finally:
            stop.set()
            for thread in posters:
                thread.join()
    finally:
        server.stop()
    print(f"GET /api/v1/drafts ({args.drafts} drafts), reviewer token, every {args.interval} s")
    print("| condition | requests (status) | latency |\n|---|---|---|")
    print(f"| idle | {len(idle)} ({dict(idle_status)}) | {summary(idle)} |")
    print(
        f"| {args.clients} clients posting {args.chars:,}-char checks ({len(done)} checks {dict(check_status)}, "
        f"{sum(done) / max(1, len(done)):.1f} s each) | {len(loaded)} ({dict(loaded_status)}) | {summary(loaded)} "
        "(target p95 ≤ 300 ms, all 200) |"
    )
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
