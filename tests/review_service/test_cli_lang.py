"""The command line speaks Chinese unless asked otherwise (--lang en or REVIEW_LANG=en); codes never change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Slow tier (`make test` runs it, `make test-fast` does not): runs the command line as processes of their own.
pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "review_service.cli"]
BLOCKED = "申请人电话13800138000，请联系。\n"


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "REVIEW_LANG"}
    environ.update({"REVIEW_DATA_DIR": str(data_dir), **env})
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=environ, timeout=120)


def _draft(tmp_path: Path) -> str:
    path = tmp_path / "draft.txt"
    path.write_text(BLOCKED, encoding="utf-8")
    return str(path)


def test_chinese_by_default_english_by_flag_or_setting(tmp_path) -> None:
    draft = _draft(tmp_path)
    zh = run(["check", draft], tmp_path)
    assert zh.returncode == 2 and "结论：阻断（block）" in zh.stdout and "建议改为" in zh.stdout
    assert "verdict" not in zh.stdout and "suggestion" not in zh.stdout
    en = run(["--lang", "en", "check", draft], tmp_path)
    assert en.returncode == 2 and "verdict: block (1 finding)" in en.stdout and "suggestion:" in en.stdout
    assert "结论" not in en.stdout and "建议改为" not in en.stdout
    by_setting = run(["check", draft], tmp_path, REVIEW_LANG="en")
    assert by_setting.stdout == en.stdout
    flag_wins = run(["--lang", "zh", "check", draft], tmp_path, REVIEW_LANG="en")
    assert flag_wins.stdout == zh.stdout


def test_errors_keep_their_code_in_both_languages(tmp_path) -> None:
    zh = run(["token", "create", "x", "--scope", "admin"], tmp_path)
    en = run(["--lang", "en", "token", "create", "x", "--scope", "admin"], tmp_path)
    assert zh.returncode == en.returncode == 3
    assert zh.stderr.startswith("unknown_scope: 未知的权限范围") and "unknown scope" not in zh.stderr
    assert en.stderr.startswith("unknown_scope: ['admin']; choose from")
    missing = run(["--lang", "en", "user", "unlock", "nobody"], tmp_path)
    assert missing.returncode == 3 and missing.stderr.startswith("user_not_found: no user 'nobody'")


def test_a_secret_is_still_alone_on_the_last_line_in_english(tmp_path) -> None:
    made = run(["--lang", "en", "user", "create", "zhao", "--role", "reviewer1"], tmp_path)
    assert made.returncode == 0, made.stderr
    *head, password = made.stdout.strip().splitlines()
    assert head[-1].startswith("created user 'zhao'") and len(password) >= 12 and " " not in password


def test_an_unknown_language_is_refused(tmp_path) -> None:
    out = run(["--lang", "fr", "check", _draft(tmp_path)], tmp_path)
    assert out.returncode == 2 and "invalid choice" in out.stderr  # argparse's own usage error


def test_a_bad_language_setting_is_a_coded_error_not_a_traceback(tmp_path) -> None:
    out = run(["check", _draft(tmp_path)], tmp_path, REVIEW_LANG="fr")
    assert out.returncode == 3 and out.stderr.startswith("settings_invalid: 设置 REVIEW_LANG 的值无效")
    assert "Traceback" not in out.stderr
