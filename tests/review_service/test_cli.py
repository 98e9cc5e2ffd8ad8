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

# Slow tier (`make test` runs it, `make test-fast` does not): the CLI and the service as processes.
pytestmark = pytest.mark.slow

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
    assert "结论：阻断（block）" in out.stdout


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
    log = tmp_path / "server.log"
    with log.open("w") as out:  # a file, not a pipe nobody reads: a full pipe would stall the server
        server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        # Wait on readiness (or the process's death), not on a guess of the start time: a generous
        # deadline only stops a hung server from hanging the suite on a busy machine.
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=10).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                pytest.fail(f"server exited with {server.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after 300 s:\n{log.read_text()}")
            time.sleep(0.3)
        headers = {"Authorization": f"Bearer {token}"}
        r = httpx.post(f"{base}/api/v1/check", json={"text": "电话13800138000"}, headers=headers, timeout=120)
        assert r.status_code == 200
        assert r.json()["verdict"] == "block"
        # a data directory is a tenant: the same token is unknown to a server on another one
        revoked = run_cli(["token", "revoke", token], tmp_path)
        assert revoked.returncode == 0
        r = httpx.post(f"{base}/api/v1/check", json={"text": "测试"}, headers=headers, timeout=120)
        assert r.status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_token_create_rejects_unknown_scope(tmp_path):
    out = run_cli(["token", "create", "x", "--scope", "admin"], tmp_path)
    assert out.returncode == 3
    assert "unknown_scope" in out.stderr and "未知的权限范围" in out.stderr


def test_receipt_verify_keys_rotate_and_audit_verify(tmp_path):
    from fastapi.testclient import TestClient

    from review_service.api.main import create_app
    from tests.api_helpers import make_settings
    from tests.workflow_helpers import make_people

    settings = make_settings(tmp_path)
    people = make_people(settings)
    title, body = "通知", "县政府召开常务会议。"
    with TestClient(create_app(settings)) as client:
        draft = client.post(
            "/api/v1/drafts", json={"title": title, "body": body}, headers=people["editor"].headers
        ).json()
        client.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=people["editor"].headers)
        for who, action in [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass")] + [
            (r, "approve") for r in ("rev1", "rev2", "rev3")
        ]:
            client.post(f"/api/v1/drafts/{draft['id']}/actions", json={"action": action}, headers=people[who].headers)
        answer = client.post(
            "/api/v1/publish-gate",
            json={"channel": "website", "title": title, "body": body},
            headers=people["cms"].headers,
        ).json()
    assert answer["decision"] == "allow"
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_text(json.dumps(answer), encoding="utf-8")
    ok = run_cli(["receipt", "verify", str(receipt_file)], tmp_path)
    assert ok.returncode == 0 and "回执有效" in ok.stdout
    rotated = run_cli(["keys", "rotate"], tmp_path)
    assert rotated.returncode == 0
    assert run_cli(["receipt", "verify", str(receipt_file)], tmp_path).returncode == 0  # old key still published
    wrong = run_cli(["receipt", "verify", str(receipt_file), "--content-hash", "sha256:" + "0" * 64], tmp_path)
    assert wrong.returncode == 1 and "content_mismatch" in wrong.stderr
    forged = json.loads(receipt_file.read_text(encoding="utf-8"))
    forged["receipt"]["payload"]["channel"] = "new_media"
    receipt_file.write_text(json.dumps(forged), encoding="utf-8")
    bad = run_cli(["receipt", "verify", str(receipt_file)], tmp_path)
    assert bad.returncode == 1 and "bad_signature" in bad.stderr
    audit_ok = run_cli(["audit", "verify"], tmp_path)
    assert audit_ok.returncode == 0 and "审计台账完好" in audit_ok.stdout


def test_user_create_prints_one_time_password_and_refuses_duplicates(tmp_path):
    first = run_cli(["user", "create", "zhangsan", "--role", "reviewer1", "--department", "办公室"], tmp_path)
    assert first.returncode == 0 and len(first.stdout.strip().splitlines()[-1]) >= 12
    again = run_cli(["user", "create", "zhangsan", "--role", "reviewer1"], tmp_path)
    assert again.returncode == 3 and "already exists" in again.stderr
    bad_role = run_cli(["user", "create", "lisi", "--role", "boss"], tmp_path)
    assert bad_role.returncode == 3


def test_user_unlock_clears_a_lockout(tmp_path):
    import datetime as dt

    from review_service.config import Settings
    from review_service.db import unit_of_work, upgrade
    from review_service.login_guard import LoginRefused, authenticate, locked_usernames
    from review_service.users import create_user

    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    with unit_of_work(settings) as session:
        create_user(session, username="locked", role="admin", password="pw-locked")
    for _ in range(2):
        with unit_of_work(settings) as session:
            with pytest.raises(LoginRefused):
                authenticate(session, username="locked", password="x", max_failures=2, lockout=dt.timedelta(minutes=9))
            session.commit()
    with unit_of_work(settings) as session:
        assert locked_usernames(session) == {"locked"}
    done = run_cli(["user", "unlock", "locked"], tmp_path)
    assert done.returncode == 0, done.stderr
    with unit_of_work(settings) as session:
        assert locked_usernames(session) == set()
    assert run_cli(["user", "unlock", "nobody"], tmp_path).returncode == 3


def test_engine_cache_builds_once_what_every_later_start_loads(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path / "data"), "REVIEW_CACHE_DIR": str(cache)}
    first = subprocess.run([*CLI, "engine-cache"], capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "检查引擎构建缓存已就绪" in first.stdout and str(cache) in first.stdout
    built = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert {name.split("-")[0] for name in built} >= {"segmenter", "typo", "pos"}
    assert cache.stat().st_mode & 0o077 == 0  # private: a pickle is code
    again = subprocess.run([*CLI, "engine-cache"], capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == built  # loaded, not rebuilt
