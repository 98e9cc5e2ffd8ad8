"""First-run credentials go to a file only the service account can read, never to the logs.

A container's standard output ends up in `docker compose logs`, log collectors and CI transcripts;
a one-time admin password or an API token printed there is readable by anyone who can read logs.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

SECRETS_FILE = "first-run-secrets.txt"


def write_secrets(data_dir: Path, *, admin_password: str | None, api_token: str | None) -> Path:
    """Write what was created (mode 600, replacing an earlier file) and return its path."""
    path = data_dir / SECRETS_FILE
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    lines = [f"# 发布前审校服务首次运行生成的凭据 / first-run credentials ({stamp}); 用后请删除 / delete after use"]
    if admin_password:
        lines += ["# 管理员 admin 的一次性密码（首次登录须修改）/ one-time password of 'admin'"]
        lines += [f"admin_password={admin_password}"]
    if api_token:
        lines += ["# scope 为 check 的 API 令牌（只显示这一次）/ API token, scope 'check'", f"api_token={api_token}"]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
        os.write(fd, ("\n".join(lines) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    return path
