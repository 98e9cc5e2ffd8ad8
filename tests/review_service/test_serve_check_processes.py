"""`review-service serve`: the first checks come from a check process, then the API process checks itself.

The server starts a check process before anything else (cold start); once the first check it hands
there is answered, the API process builds its own engine and logs so. Both give the same findings,
and stopping the server stops its check processes. Waits are on the log and on answers, never on time
guesses (the deadline only stops a hung server from hanging the suite).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from review_service.first_run import SECRETS_FILE

# Slow tier (`make test` runs it, `make test-fast` does not): starts `review-service serve` and its check processes.
pytestmark = pytest.mark.slow

READY = "check engine ready in the API process"
TEXT = "申请人王小明，联系电话13800138000，身份证号码110101199003074514。再接再励。"
DEADLINE_S = 300


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out |= {int(child) for child in (task / "children").read_text().split()}
    return out


def _wait(predicate, server: subprocess.Popen, log: Path, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + DEADLINE_S
    while not predicate():
        if server.poll() is not None:
            pytest.fail(f"server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not seen after {DEADLINE_S} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def test_first_checks_from_a_check_process_then_in_process_with_the_same_findings(tmp_path):
    port, log = _port(), tmp_path / "serve.log"
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path / "data"), "REVIEW_CHECK_PROCESSES": "1"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "review_service.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    secrets = tmp_path / "data" / SECRETS_FILE
    try:
        _wait(lambda: secrets.is_file() and "api_token=" in secrets.read_text("utf-8"), server, log, "first-run token")
        token = next(line.split("=", 1)[1] for line in secrets.read_text("utf-8").splitlines() if "api_token=" in line)
        headers = {"Authorization": f"Bearer {token}"}
        base = f"http://127.0.0.1:{port}/api/v1/check"

        def answered() -> httpx.Response | None:
            try:
                return httpx.post(base, json={"text": TEXT}, headers=headers, timeout=DEADLINE_S)
            except httpx.TransportError:
                return None

        first: list[httpx.Response] = []
        _wait(lambda: first.append(answered()) or first[-1] is not None, server, log, "a first answer")
        assert first[-1].status_code == 200
        assert READY not in log.read_text().split("Application startup complete")[0]  # not built during start-up
        workers = _children(server.pid)
        assert workers  # the check process that answered
        _wait(lambda: READY in log.read_text(), server, log, READY)
        later = httpx.post(base, json={"text": TEXT}, headers=headers, timeout=DEADLINE_S)
        assert later.status_code == 200
        assert later.json()["findings"] == first[-1].json()["findings"]
        assert {f["category"] for f in later.json()["findings"]} >= {"pii.phone", "pii.id_card"}
    finally:
        server.terminate()
        server.wait(timeout=120)
    deadline = time.monotonic() + DEADLINE_S  # the resource tracker leaves once the last check process has
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
