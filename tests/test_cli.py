"""The review-service command line, run as a user would: real processes, real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.factories import resident_id

CLI = [sys.executable, "-m", "review_service.cli"]
ID = resident_id("44152119900101123")


def run_cli(args: list[str], data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVIEW_DATA_DIR": str(data_dir)}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_file_prints_findings_and_exits_nonzero_on_block(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(f"关于补助发放的公示\n申请人身份证号{ID}，电话13800138000。\n", encoding="utf-8")
    out = run_cli(["check", str(draft)], tmp_path)
    assert out.returncode == 2, out.stderr
    assert "2:8" in out.stdout  # line 2, column 8: where the ID number starts
    assert "pii.id_card" in out.stdout and "建议改为：138****8000" in out.stdout
    assert "verdict: block" in out.stdout


def test_check_stdin_json_and_clean_text_exits_zero(tmp_path):
    out = run_cli(["check", "-", "--json"], tmp_path, stdin="县政府召开常务会议。")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["verdict"] == "pass"


def test_check_unreadable_input_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00broken")
    out = run_cli(["check", str(bad)], tmp_path)
    assert out.returncode == 3
    assert "无法读取输入" in out.stderr
    broken_docx = tmp_path / "broken.docx"
    broken_docx.write_bytes(b"PK\x03\x04 not really a zip")
    assert run_cli(["check", str(broken_docx)], tmp_path).returncode == 3


def test_token_created_by_cli_works_against_server_on_same_data_dir(tmp_path):
    created = run_cli(["token", "create", "site-cms"], tmp_path)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("rvs_")
    port = free_port()
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("server did not start")
            time.sleep(0.3)
        headers = {"Authorization": f"Bearer {token}"}
        r = httpx.post(f"{base}/api/v1/check", json={"text": "电话13800138000"}, headers=headers, timeout=30)
        assert r.status_code == 200
        assert r.json()["verdict"] == "block"
        # a data directory is a tenant: the same token is unknown to a server on another one
        revoked = run_cli(["token", "revoke", token], tmp_path)
        assert revoked.returncode == 0
        r = httpx.post(f"{base}/api/v1/check", json={"text": "测试"}, headers=headers, timeout=30)
        assert r.status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_token_create_rejects_unknown_scope(tmp_path):
    out = run_cli(["token", "create", "x", "--scope", "admin"], tmp_path)
    assert out.returncode == 3
    assert "unknown scope" in out.stderr
