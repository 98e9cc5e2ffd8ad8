"""Health check of the workers on this host: ask exactly them, and stop at their first replies.

A broadcast ping to every worker has to wait out its whole timeout (it cannot know how many will
answer), which made the container health check slower than its own limit. Each worker instead
writes its node name and broker to a file in the temporary folder when it starts; the ping sends
only to the names whose process still runs here and that use the same broker, and Celery returns
as soon as all of them replied.

The container health check runs ``python -m review_service.tasks.ping``: the same check as
``review-service worker-ping`` without importing the whole command line (and the check engine's
modules with it), a quarter of the CPU time, which counts when the machine is busy.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import socket
import sys
import tempfile
from pathlib import Path

PREFIX = "review-service-worker-"


def node_name(queues: list[str], pid: int | None = None) -> str:
    """The Celery node name of a worker on this host (unique per process)."""
    return f"{'-'.join(queues)}-{pid or os.getpid()}@{socket.gethostname()}"


def _node_file(pid: int, folder: Path | None = None) -> Path:
    return (folder or Path(tempfile.gettempdir())) / f"{PREFIX}{pid}.node"


def _broker_key(broker_url: str) -> str:
    """Which broker, without writing its URL (it may hold a password) to a world-readable folder."""
    return hashlib.sha256(broker_url.encode("utf-8")).hexdigest()[:16]


def register(name: str, broker_url: str, folder: Path | None = None) -> Path:
    """Record this worker's node name and broker for the health check; returns the file."""
    path = _node_file(os.getpid(), folder)
    path.write_text(f"{_broker_key(broker_url)} {name}", encoding="utf-8")
    return path


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def local_workers(broker_url: str, folder: Path | None = None) -> list[str]:
    """Node names of this broker's workers started on this host whose process still runs.

    Files of processes that are gone are removed on the way.
    """
    key, names = _broker_key(broker_url), []
    for path in sorted((folder or Path(tempfile.gettempdir())).glob(f"{PREFIX}*.node")):
        pid = path.name[len(PREFIX) : -len(".node")]
        if not pid.isdigit():
            continue
        if not _running(int(pid)):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        with contextlib.suppress(OSError, ValueError):
            file_key, name = path.read_text(encoding="utf-8").split()
            if file_key == key:
                names.append(name)
    return names


def ping(broker_url: str, names: list[str], timeout: float) -> set[str]:
    """The names among ``names`` that answered within ``timeout`` (returns at the last expected reply)."""
    from celery import Celery

    app = Celery("review_service", broker=broker_url, set_as_current=False)
    try:
        replies = app.control.ping(destination=names, timeout=timeout)
    finally:
        app.close()
    return {name for reply in replies for name in reply} & set(names)


def check(broker_url: str | None, timeout: float) -> int:
    """The health check: 0 when every worker of this broker on this host answered, else 1."""
    if not broker_url:
        print("需要设置 REVIEW_BROKER_URL / REVIEW_BROKER_URL is not set", file=sys.stderr)
        return 1
    names = local_workers(broker_url)
    if not names:
        print("本机没有正在运行的 worker / no worker runs on this host", file=sys.stderr)
        return 1
    try:
        answered = ping(broker_url, names, timeout)
    except Exception as exc:  # broker down: unhealthy, not a traceback
        print(f"无法连接消息队列 / broker unreachable: {exc}", file=sys.stderr)
        return 1
    silent = sorted(set(names) - answered)
    print("workers answering: " + (", ".join(sorted(answered)) or "none"))
    if silent:
        print("未应答 / not answering: " + ", ".join(silent), file=sys.stderr)
    return 0 if not silent else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review_service.tasks.ping", description="worker health check")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the replies")
    args = parser.parse_args(argv)
    from review_service.config import Settings

    return check(Settings().broker_url, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
