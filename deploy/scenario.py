"""The operator scenario against a running docker compose stack, with fault trials.

Run by deploy/test-deploy.sh after the images are built: brings the stack up, then does what an
operator does — reads the first-run secrets, checks a text with the API token, has an editor save
drafts that the worker containers check, scales the workers — and breaks things on the way: a pool
process killed with SIGKILL, a worker container killed, Redis stopped and started, PostgreSQL
stopped and restarted. At the end every check must be ``done``, stored exactly once (the workers'
own logs count the stores), and none lost. Standard library only, except the attachment step,
which draws its scanned image with Pillow and a CJK font (tests/attachment_factory.py; test-deploy
runs this with the project's Python).

Prints one line per step and a closing "deploy: N passed, M failed"; writes the measurements as
JSON (first argument). Exit status 1 when any step failed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

COMPOSE = shlex.split(os.environ.get("COMPOSE", "docker compose"))
API = f"http://127.0.0.1:{os.environ.get('API_PORT', '8000')}"
SWEEP_S = int(os.environ.get("REVIEW_SWEEP_INTERVAL_SECONDS", "60"))
OVERDUE_S = int(os.environ.get("REVIEW_CHECK_OVERDUE_SECONDS", "120"))
PARAGRAPH = "本县今年共完成道路硬化工程十二项，惠及群众三万余人。联系电话：13800138000。再接再励，继续推进乡村振兴。\n"
BIG_BODY = (PARAGRAPH * 3000)[:120_000]  # seconds of checking, even on a fast machine: time to break it mid-check
TITLE = "关于开展安全生产大检查的通知"
STORED = re.compile(r"Task review\.check_version\[[^\]]+\] succeeded in [0-9.]+s: '(\w+)'")

report: dict[str, Any] = {"steps": {}}
drafts: list[int] = []
results: list[tuple[str, bool, str]] = []


# ---------------------------------------------------------------------------------------- plumbing
def run(*argv: str, check: bool = True, timeout: float = 600) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def compose(*args: str, check: bool = True, timeout: float = 600) -> str:
    return run(*COMPOSE, *args, check=check, timeout=timeout)


def sql(query: str) -> list[list[str]]:
    out = compose("exec", "-T", "postgres", "psql", "-U", "review", "-d", "review", "-At", "-F", "|", "-c", query)
    return [line.split("|") for line in out.splitlines() if line]


def api(method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(API + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, str(error)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, every: float = 1.0) -> Any:
    """Poll until true; the deadline is a generous upper bound, not a measurement."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except (AssertionError, subprocess.SubprocessError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def containers(service: str) -> list[str]:
    return compose("ps", "-q", service).split()


def health(cid: str) -> str:
    return run("docker", "inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", cid)


def all_healthy(services: dict[str, int]) -> bool:
    for service, count in services.items():
        ids = containers(service)
        if len(ids) != count or not all(health(c).split() == ["running", "healthy"] for c in ids):
            return False
    return True


def hostname(cid: str) -> str:
    return run("docker", "inspect", "-f", "{{.Config.Hostname}}", cid).strip()


def step(name: str) -> Callable[[Callable[[], str]], Callable[[], None]]:
    def wrap(body: Callable[[], str]) -> Callable[[], None]:
        def go() -> None:
            started = time.monotonic()
            try:
                note = body()
            except Exception as error:  # a failed step is reported and the next one still runs
                results.append((name, False, f"{type(error).__name__}: {error}"))
                print(f"FAIL {name}: {error}", flush=True)
                return
            took = time.monotonic() - started
            report["steps"][name] = {"seconds": round(took, 1), "note": note}
            results.append((name, True, note))
            print(f"ok   {name} ({took:.0f} s) {note}", flush=True)

        return go

    return wrap


# --------------------------------------------------------------------------------- the operator
state: dict[str, Any] = {}
SERVICES = {"postgres": 1, "redis": 1, "api": 1, "worker": 1, "worker-bulk": 1}


def create_draft(body: str = "各镇人民政府：\n请于本周五前报送材料。联系电话：13800138000。") -> int:
    status, answer = api("POST", "/api/v1/drafts", {"title": TITLE, "body": body}, state["editor"])
    assert status == 201, (status, answer)
    assert answer["check_state"] == "checking", answer
    drafts.append(answer["id"])
    return answer["id"]


def runs_of(ids: list[int]) -> dict[int, dict[str, str]]:
    if not ids:
        return {}
    rows = sql(
        "SELECT v.draft_id, c.state, c.worker, c.attempts, c.started_at IS NOT NULL FROM check_runs c "
        f"JOIN draft_versions v ON v.id = c.version_id WHERE v.draft_id IN ({','.join(map(str, ids))})"
    )
    return {int(r[0]): {"state": r[1], "worker": r[2], "attempts": r[3], "started": r[4]} for r in rows}


def all_done(ids: list[int]) -> bool:
    runs = runs_of(ids)
    bad = [i for i, r in runs.items() if r["state"] == "failed"]
    assert not bad, f"checks failed: {bad}"
    return len(runs) == len(ids) and all(r["state"] == "done" for r in runs.values())


def worker_hosts() -> dict[str, str]:
    """Container hostname → container id, for every worker container."""
    return {hostname(c): c for c in containers("worker")}


def logs(cid: str) -> str:
    """A container's output, both streams (Celery logs to stderr)."""
    done = subprocess.run(["docker", "logs", cid], capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def pool_pids(cid: str) -> list[int]:
    """The Celery pool processes in a worker container: children of its main process (pid 1)."""
    script = 'for s in /proc/[0-9]*/stat; do read -r line < "$s" && set -- $line && [ "$4" = 1 ] && echo "$1"; done'
    out = run("docker", "exec", cid, "sh", "-c", script, check=False)
    return [int(p) for p in out.split() if p.isdigit()]


@step("stack up from cold (docker compose up -d, all healthy)")
def bring_up() -> str:
    started = time.monotonic()
    compose("up", "-d")
    wait_for(lambda: all_healthy(SERVICES), 900, "every container healthy", every=2)
    report["cold_start_to_healthy_s"] = round(time.monotonic() - started, 1)
    return f"{report['cold_start_to_healthy_s']} s to healthy"


@step("first-run secrets in a mode-600 file, not in the logs")
def secrets() -> str:
    out = compose("exec", "-T", "api", "sh", "-c", "stat -c '%a %U' /data/first-run-secrets.txt")
    assert out.split() == ["600", "review"], out
    text = compose("exec", "-T", "api", "cat", "/data/first-run-secrets.txt")
    values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    state["admin_password"], state["token"] = values["admin_password"], values["api_token"]
    api_logs = logs(containers("api")[0])
    assert state["token"] not in api_logs and state["admin_password"] not in api_logs
    assert "first-run-secrets.txt" in api_logs
    return "token and admin password read from /data/first-run-secrets.txt"


@step("readiness reports database and broker")
def readiness() -> str:
    status, body = api("GET", "/api/v1/ready")
    assert (status, body) == (200, {"status": "ready", "database": "ok", "broker": "ok"}), (status, body)
    return json.dumps(body)


@step("token: POST /api/v1/check answers with findings")
def check_text() -> str:
    status, body = api("POST", "/api/v1/check", {"text": "联系电话：13800138000"}, state["token"])
    assert status == 200, (status, body)
    categories = {f["category"] for f in body["findings"]}
    assert "pii.phone" in categories, categories
    return f"verdict {body['verdict']}, {len(body['findings'])} finding(s)"


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = "review-deploy-boundary-7d1f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
    parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@step("attachment: a scanned image is read by OCR inside the container, offline")
def attachment_ocr() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.attachment_factory import rendered_image  # Pillow and a CJK font on this host

    scan = rendered_image(["联系电话：13800138000"])
    body, content_type = multipart({"channel": "website"}, "file", "scan.png", scan)
    request = urllib.request.Request(API + "/api/v1/check/file", data=body, method="POST")
    request.add_header("Content-Type", content_type)
    request.add_header("Authorization", f"Bearer {state['token']}")
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            status, answer = response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        status, answer = error.code, error.read().decode("utf-8", "replace")
    assert status == 200, (status, answer)
    categories = [f["category"] for f in answer["findings"]]
    assert "pii.phone" in categories, answer
    return f"PNG read by OCR: {categories}"


@step("an editor's draft is checked by a worker container")
def first_draft() -> str:
    out = compose("exec", "-T", "api", "review-service", "user", "create", "editor1", "--role", "editor")
    one_time = out.strip().splitlines()[-1]
    status, body = api("POST", "/api/v1/auth/login", {"username": "editor1", "password": one_time})
    assert status == 403 and body["code"] == "password_change_required", (status, body)
    new = "deploy-Trial-2026!"
    change = {"username": "editor1", "old_password": one_time, "new_password": new}
    assert api("POST", "/api/v1/auth/password", change)[0] == 204
    status, body = api("POST", "/api/v1/auth/login", {"username": "editor1", "password": new})
    assert status == 200, (status, body)
    state["editor"] = body["token"]
    draft = create_draft()
    wait_for(lambda: all_done([draft]), 300, "the first draft's check")
    worker = runs_of([draft])[draft]["worker"]
    host = worker.split(":")[0]
    assert host in worker_hosts(), (worker, worker_hosts())
    status, shown = api("GET", f"/api/v1/drafts/{draft}", token=state["editor"])
    assert (shown["check_state"], shown["verdict"]) == ("done", "block"), shown
    return f"draft {draft} checked by {worker}"


@step("scale to 3 workers; drafts spread over them")
def scale() -> str:
    compose("up", "-d", "--no-recreate", "--scale", "worker=3")
    wait_for(lambda: all_healthy({**SERVICES, "worker": 3}), 600, "3 healthy workers", every=2)
    ids = [create_draft(BIG_BODY[: 6000 + 500 * i]) for i in range(9)]  # sizes as in real drafts
    wait_for(lambda: all_done(ids), 600, "9 checks")
    hosts = {r["worker"].split(":")[0] for r in runs_of(ids).values()}
    assert len(hosts) >= 2, hosts
    return f"9 checks done by {len(hosts)} worker containers"


@step("worker-ping asks only its own worker and returns at the reply")
def ping() -> str:
    cid = containers("worker")[0]
    timings = {}
    for label, command in (
        ("worker_ping_s", ["review-service", "worker-ping"]),
        ("health_check_s", ["python", "-m", "review_service.tasks.ping"]),
    ):
        started = time.monotonic()
        out = run("docker", "exec", cid, *command, "--timeout", "60")
        took = time.monotonic() - started
        assert out.startswith("workers answering: checks-1@"), out
        assert took < 60, took  # a broadcast ping would have waited out the whole timeout
        timings[label] = round(took, 2)
    report.update(timings)
    return f"with --timeout 60: worker-ping {timings['worker_ping_s']} s, health check {timings['health_check_s']} s"


def busy_worker(timeout: float = 300) -> tuple[str, int]:
    """A worker container and its pool process that is running a check right now (state R)."""
    script = (
        'for s in /proc/[0-9]*/stat; do read -r line < "$s" && set -- $line'
        ' && [ "$4" = 1 ] && [ "$3" = R ] && echo "$1"; done'
    )

    def busy() -> tuple[str, int] | None:
        for cid in containers("worker"):
            out = run("docker", "exec", cid, "sh", "-c", script, check=False).split()
            if out and out[0].isdigit():
                return cid, int(out[0])
        return None

    return wait_for(busy, timeout, "a pool process busy with a check", every=0.1)


@step("kill -9 of a pool process mid-check: redelivered, replacement comes up")
def kill_pool() -> str:
    ids = [create_draft(BIG_BODY) for _ in range(4)]
    cid, pid = busy_worker()
    run("docker", "exec", cid, "sh", "-c", f"kill -9 {pid}")
    wait_for(lambda: all_done(ids), 900, "the checks after the kill")
    wait_for(lambda: len(pool_pids(cid)) == 1 and pid not in pool_pids(cid), 300, "a replacement pool process")
    assert "Timed out waiting for UP message" not in logs(cid)
    retried = [i for i, r in runs_of(ids).items() if int(r["attempts"]) > 1]
    report["pool_kill"] = {"checks": len(ids), "redelivered": len(retried)}
    return f"pool pid {pid} killed; {len(ids)} checks done, {len(retried)} run again; replacement up"


@step("a worker container killed mid-check: the sweep re-sends its check")
def kill_container() -> str:
    ids = [create_draft(BIG_BODY) for _ in range(4)]
    cid, _pid = busy_worker()
    host = hostname(cid)
    killed_at = time.monotonic()
    run("docker", "kill", "-s", "KILL", cid)
    wait_for(lambda: all_done(ids), 900, "the checks after the container kill")
    recovered = time.monotonic() - killed_at
    compose("up", "-d", "--no-recreate", "--scale", "worker=3")  # in case the restart policy did not
    wait_for(lambda: all_healthy({**SERVICES, "worker": 3}), 600, "3 healthy workers again", every=2)
    by_killed = [i for i, r in runs_of(ids).items() if r["worker"].startswith(host + ":")]
    report["container_kill"] = {"checks": len(ids), "all_done_after_s": round(recovered, 1)}
    return f"container {host} killed; all {len(ids)} done {recovered:.0f} s later ({len(by_killed)} finished there)"


@step("Redis stopped: not ready, drafts still saved; started: every check done")
def redis_restart() -> str:
    compose("stop", "redis")
    _status, body = wait_for(lambda: (r := api("GET", "/api/v1/ready"))[0] == 503 and r, 60, "not ready")
    assert body["code"] == "not_ready" and body["details"] == {"database": "ok", "broker": "unavailable"}, body
    assert api("GET", "/api/v1/health")[0] == 200
    ids = [create_draft() for _ in range(3)]
    compose("start", "redis")
    back = time.monotonic()
    wait_for(lambda: api("GET", "/api/v1/ready")[0] == 200, 120, "ready again")
    wait_for(lambda: all_done(ids), 900, "the checks saved while Redis was down")
    took = time.monotonic() - back
    report["redis_restart"] = {"checks_saved_while_down": len(ids), "all_done_after_s": round(took, 1)}
    return f"{len(ids)} drafts saved while Redis was down, all done {took:.0f} s after it came back"


@step("PostgreSQL stopped: not ready (health still 200); restarted mid-check: every check done")
def postgres_restart() -> str:
    compose("stop", "postgres")
    _status, body = wait_for(lambda: (r := api("GET", "/api/v1/ready"))[0] == 503 and r, 60, "not ready")
    assert body["details"] == {"database": "unavailable", "broker": "ok"}, body
    assert api("GET", "/api/v1/health")[0] == 200
    status, body = api("GET", "/api/v1/drafts", token=state["editor"])
    assert status == 503 and body["code"] == "database_busy", (status, body)
    compose("start", "postgres")
    wait_for(lambda: api("GET", "/api/v1/ready")[0] == 200, 180, "ready again")
    ids = [create_draft(BIG_BODY) for _ in range(3)]
    with contextlib.suppress(AssertionError):  # restart while a check runs if one is seen soon; else anyway
        busy_worker(timeout=60)
    compose("restart", "postgres")
    wait_for(lambda: api("GET", "/api/v1/ready")[0] == 200, 180, "ready after the restart")
    ids.append(create_draft())
    wait_for(lambda: all_done(ids), 900, "the checks around the PostgreSQL restart")
    report["postgres_restart"] = {"checks": len(ids)}
    return f"{len(ids)} checks around the restart, all done"


@step("every check done, none stored twice, none lost")
def accounting() -> str:
    wait_for(lambda: all_done(drafts), 600, "every check")
    counts = dict(tuple(r) for r in sql("SELECT state, count(*) FROM check_runs GROUP BY state"))
    assert set(counts) == {"done"}, counts
    assert int(counts["done"]) == len(drafts), (counts, len(drafts))
    outcomes: dict[str, int] = {}
    for cid in containers("worker"):
        for outcome in STORED.findall(logs(cid)):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    stored = outcomes.get("done", 0)
    report["accounting"] = {"drafts": len(drafts), "runs_done": int(counts["done"]), "worker_results": outcomes}
    # a result stored twice would log 'done' twice; one stored just before its container was killed
    # may miss its log line, so the count can only fall short of the drafts, never exceed them
    assert stored <= len(drafts), (outcomes, len(drafts))
    no_worker = sql("SELECT count(*) FROM check_runs WHERE worker IS NULL")[0][0]
    assert no_worker == "0", no_worker  # every check was stored by a worker container
    return f"{len(drafts)} drafts, {counts['done']} checks done; worker results {outcomes}"


@step("memory per container and image size")
def measure() -> str:
    stats = run("docker", "stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}")
    report["memory"] = dict(line.split("\t", 1) for line in stats.splitlines() if "\t" in line)
    size = int(run("docker", "image", "inspect", "-f", "{{.Size}}", "review-service:latest").strip())
    report["image_mb"] = round(size / 1e6)
    return f"image {report['image_mb']} MB; " + "; ".join(f"{k} {v}" for k, v in report["memory"].items())


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/deploy/report.json")
    for go in (
        bring_up,
        secrets,
        readiness,
        check_text,
        attachment_ocr,
        first_draft,
        scale,
        ping,
        kill_pool,
        kill_container,
        redis_restart,
        postgres_restart,
        accounting,
        measure,
    ):
        go()
        if not results[-1][1] and results[-1][0].startswith(("stack up", "an editor")):
            break  # nothing after this can work
    out.parent.mkdir(parents=True, exist_ok=True)
    report["results"] = [{"step": n, "ok": ok, "note": note} for n, ok, note in results]
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    passed = sum(ok for _, ok, _ in results)
    failed = len(results) - passed
    print(f"deploy: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
