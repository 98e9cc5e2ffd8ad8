"""First-run credentials: in a mode-600 file in the data directory, never in the output or the logs."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time

import httpx
import pytest

from review_service.first_run import SECRETS_FILE, write_secrets

# Slow tier (`make test` runs it, `make test-fast` does not): starts the service as a process of its own.
pytestmark = pytest.mark.slow


def test_the_file_is_mode_600_even_when_one_existed(tmp_path):
    old = tmp_path / SECRETS_FILE
    old.write_text("old")
    old.chmod(0o644)
    path = write_secrets(tmp_path, admin_password="pw-1", api_token="rvs_abc")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert "admin_password=pw-1" in text and "api_token=rvs_abc" in text and "old" not in text


def test_only_what_was_created_is_written(tmp_path):
    text = write_secrets(tmp_path, admin_password=None, api_token="rvs_x").read_text(encoding="utf-8")
    assert "api_token=rvs_x" in text and "admin_password" not in text


def test_serve_writes_the_secrets_to_the_file_and_prints_neither(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "review_service.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("server did not start")
            time.sleep(0.3)
        path = tmp_path / SECRETS_FILE
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        values = dict(line.split("=", 1) for line in path.read_text("utf-8").splitlines() if not line.startswith("#"))
        r = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/check",
            json={"text": "电话13800138000"},
            headers={"Authorization": f"Bearer {values['api_token']}"},
            timeout=300,  # the first check may wait for the check process to build its engine
        )
        assert r.status_code == 200  # the token in the file is the real one
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert values["api_token"] not in output and values["admin_password"] not in output
    assert SECRETS_FILE in output
