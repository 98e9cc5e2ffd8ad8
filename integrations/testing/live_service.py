"""A real review service for integration tests: `review-service serve` on a free port, temp data dir.

Standard library only, so every integration's test suite (whatever its virtual environment) can
start the service the way an operator does. The service's own environment is found through
REVIEW_SERVICE_VENV (default: the repository's .venv).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("REVIEW_SERVICE_VENV", REPO / ".venv"))

# People of 三审三校 in one department, each with a personal `drafts` token, and a CMS service
# account of that department (its drafts must be visible to the department's reviewers).
_PEOPLE = """
import datetime as dt, json, sys
from review_service.config import Settings
from review_service.db import unit_of_work, upgrade
from review_service.tokens import issue_token
from review_service.users import create_user
settings = Settings()
upgrade(settings)
people = json.loads(sys.argv[1])
out = {}
with unit_of_work(settings) as session:
    for name, (role, department, scopes) in people.items():
        user, _ = create_user(session, username=name, role=role, department=department, password="pw-" + name)
        out[name] = issue_token(session, user=user, name=name, scopes=scopes, ttl=dt.timedelta(days=1)).token
print(json.dumps(out))
"""

REVIEWERS = {
    "proof1": ("proofreader", "办公室", ["drafts"]),
    "proof2": ("proofreader", "办公室", ["drafts"]),
    "proof3": ("proofreader", "办公室", ["drafts"]),
    "rev1": ("reviewer1", "办公室", ["drafts"]),
    "rev2": ("reviewer2", "办公室", ["drafts"]),
    "rev3": ("reviewer3", "办公室", ["drafts"]),
}
THREE_PROOFS_THREE_REVIEWS = [
    ("proof1", "pass"),
    ("proof2", "pass"),
    ("proof3", "pass"),
    ("rev1", "approve"),
    ("rev2", "approve"),
    ("rev3", "approve"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveService:
    def __init__(self, data_dir: Path, **settings: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "REVIEW_DATA_DIR": str(data_dir),
            "REVIEW_PORT": str(self.port),
            **{f"REVIEW_{k.upper()}": v for k, v in settings.items()},
        }
        self.env.pop("REVIEW_DATABASE_URL", None)
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "service.log"

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(VENV / "bin" / "review-service"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout

    def people(self, people: dict[str, tuple[str, str | None, list[str]]]) -> dict[str, str]:
        """Create people (role, department, token scopes) through the service's Python API; their tokens."""
        done = subprocess.run(
            [str(VENV / "bin" / "python"), "-c", _PEOPLE, json.dumps(people)],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _use_port(self, port: int) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.env["REVIEW_PORT"] = str(port)

    def _answers(self) -> bool:
        """Our process answers on the port — not another test's server that took the port first."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/api/v1/keys", timeout=2) as r:
                served = {k["kid"] for k in json.loads(r.read())["keys"]}
            ours = json.loads((self.data_dir / "keys" / "keyset.json").read_text(encoding="utf-8"))
        except (urllib.error.URLError, OSError, ValueError, KeyError):
            return False
        return served == {k["kid"] for k in ours["keys"]}

    def start(self, timeout: float = 90.0, attempts: int = 3) -> LiveService:
        """Start and wait until it answers; a port taken meanwhile by another process means another port."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(attempts):
            if self._start_once(timeout):
                return self
            self._use_port(free_port())
        raise RuntimeError(f"review service did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def _start_once(self, timeout: float) -> bool:
        size = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(VENV / "bin" / "review-service"), "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                with self.log.open("rb") as log:
                    log.seek(size)
                    if b"address already in use" in log.read():
                        return False
                raise RuntimeError(f"review service exited: {self.log.read_text(errors='replace')[-2000:]}")
            if self._answers():
                return True
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("review service did not start in time")

    def warm_up(self, token: str, timeout: float = 600.0) -> None:
        """One check through the service, then wait for its API process's own engine (the log says so).

        `serve` answers before any engine is built: the first check waits for a check process to build
        one, and the API process then builds its own. A client with a short timeout (the Wagtail plugin's
        5 s) must not meet either on a busy machine. The deadline is only a safety net: both steps end on
        an event (the reply, the log line)."""
        body = json.dumps({"text": "县政府召开常务会议。"}).encode("utf-8")
        request = urllib.request.Request(
            f"{self.base_url}/api/v1/check",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            assert reply.status == 200
        deadline = time.monotonic() + timeout
        while b"check engine ready in the API process" not in self.log.read_bytes():
            if time.monotonic() > deadline:
                raise RuntimeError("the review service's API process never built its check engine")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> LiveService:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
