"""A throwaway PostgreSQL server for the test session (real server, loopback only).

Each test gets a database of its own: empty (``new_database()``), or a copy of a template database that the
run migrated once (``new_database(template=...)``, ``CREATE DATABASE … TEMPLATE``): a file copy inside the
server, instead of running every migration again for each test module.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL binary {name!r} not found: run `make test` (it installs postgresql)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl start in a temp dir; as root the server runs as the `postgres` user."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="review-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = "postgres"
            try:
                pwd.getpwnam(user)
            except KeyError as exc:
                raise RuntimeError(
                    "running as root needs the 'postgres' system user (apt postgresql creates it)"
                ) from exc
            shutil.chown(self.root, user)
            self._as_user = ["runuser", "-u", user, "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "review", "--encoding=UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l", str(self.root / "log"), "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                self._run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "review", "review_test")
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        return self.url("review_test")

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://review@127.0.0.1:{self.port}/{name}"

    def _admin(self, *statements: str) -> None:
        """Run statements on the maintenance database (CREATE/ALTER DATABASE cannot run in a transaction)."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user="review", dbname="postgres", autocommit=True) as db:
            for statement in statements:
                db.execute(statement)

    def new_database(self, template: str | None = None) -> str:
        """A fresh database on the same server, so tests never see each other's rows: empty, or a copy of
        ``template`` (a database made by ``make_template``)."""
        self._count = getattr(self, "_count", 0) + 1
        name = f"review_test_{self._count}"
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def make_template(self, name: str, fill: Callable[[str], None]) -> str:
        """Create database ``name``, let ``fill`` build it through its URL (e.g. migrate it), then freeze it.

        ``fill`` must leave no connection open (CREATE DATABASE … TEMPLATE refuses a template in use);
        afterwards the template takes no connections at all, so no test can change what later copies get.
        """
        self._admin(f'CREATE DATABASE "{name}"')
        fill(self.url(name))
        self._admin(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
        return name

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
