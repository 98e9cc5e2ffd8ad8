"""A real redis-server and a real Celery worker for the test session (loopback only, temp dirs).

Redis runs without persistence, so a restart loses every queued message, as a crash of a
default-configured Redis would. The worker is `review-service worker` in its own process group,
so a test can kill -9 the pool process that runs a task, or the whole worker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.1)


class RedisServer:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("redis-server not found: run `make test` (it installs redis-server)")
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="review-redis-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> str:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root)]
        args += ["--save", "", "--appendonly", "no", "--protected-mode", "no"]
        log = (self.root / "redis.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        _wait(self._ping, 20, "redis-server")
        return self.url

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def restart(self) -> None:
        """Kill -9 and start again on the same port: queued messages are gone."""
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class CeleryWorker:
    """`review-service worker` with the given REVIEW_* environment."""

    def __init__(
        self, env: dict[str, str], *, queues: str = "checks,bulk", concurrency: int = 1, nice: int = 0
    ) -> None:
        self.env = {**os.environ, **env}
        self.queues = queues
        self.concurrency = concurrency
        self.nice = nice
        self.log_path = Path(tempfile.mkstemp(prefix="review-worker-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 600) -> None:  # a limit for a hung start, not a guess of its time
        args = [sys.executable, "-m", "review_service.cli", "worker", "--queues", self.queues]
        args += ["--concurrency", str(self.concurrency), "--loglevel", "info", "--nice", str(self.nice)]
        self.log_path.write_bytes(b"")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            args, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        _wait(lambda: b" ready." in self.log_path.read_bytes() or self.process.poll() is not None, timeout, "worker")
        if self.process.poll() is not None:
            raise RuntimeError("worker exited:\n" + self.log_path.read_text(errors="replace")[-3000:])

    def pool_pids(self) -> list[int]:
        """The pool processes (children of the worker's main process)."""
        assert self.process is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def kill_pool_process(self) -> int:
        pid = self.pool_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill(self) -> None:
        """kill -9 the whole worker (main process and pool) at once."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
            self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
