"""`review-service worker` and `review-service sweep`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import time
from pathlib import Path

from review_service.cli_lang import say
from review_service.config import Settings

QUEUES = ("checks", "bulk")  # --queues names; review_service.jobs (Celery) maps them when the worker starts


def _queue_names() -> dict[str, str]:
    # imported when the worker starts, not with the command line: `serve` spawns its check process before
    # anything heavy (Celery, SQLAlchemy's ORM) is imported
    from review_service.jobs import QUEUE_BULK, QUEUE_CHECKS

    return {"checks": QUEUE_CHECKS, "bulk": QUEUE_BULK}


def lower_priority(nice: int) -> None:
    """Nice this process, and its scheduling group where Linux groups processes by session.

    With autogroup scheduling (on by default in many kernels) the scheduler first shares the CPU
    fairly between sessions, and nice only ranks processes within one session. A worker that leads
    its own session (a container's main process, or one started with setsid) lowers that session's
    weight too; one started from a shell shares the shell's session and is only niced.
    """
    os.nice(nice)
    autogroup = Path("/proc/self/autogroup")
    if os.getsid(0) == os.getpid() and autogroup.exists():
        with contextlib.suppress(OSError):
            autogroup.write_text(str(nice))


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.tasks.celery_app import create_celery

    if not settings.broker_url:
        print(say(args, "worker 需要设置 REVIEW_BROKER_URL", "the worker needs REVIEW_BROKER_URL"), file=sys.stderr)
        return 3
    names = [q.strip() for q in args.queues.split(",") if q.strip()]
    if not names or set(names) - set(QUEUES):
        print(
            say(args, f"--queues 可选：{', '.join(QUEUES)}", f"--queues: choose from {', '.join(QUEUES)}"),
            file=sys.stderr,
        )
        return 3
    if args.nice:
        lower_priority(args.nice)  # bulk re-checks yield the CPU to the API and to interactive checks
    from review_service.tasks.ping import node_name, register

    name = node_name(names)
    register(name, settings.broker_url)  # for `review-service worker-ping` (the container's health check)
    argv = [
        "worker",
        "--queues",
        ",".join(_queue_names()[n] for n in names),
        "--concurrency",
        str(args.concurrency),
        "--loglevel",
        args.loglevel,
        "--hostname",
        name,
        "--without-gossip",
        "--without-mingle",
    ]
    create_celery(settings.broker_url).worker_main(argv)
    return 0


def _ping(args: argparse.Namespace, settings: Settings) -> int:
    """Health check: do the workers started on this host answer over the broker?"""
    from review_service.tasks.ping import check

    return check(settings.broker_url, args.timeout)


def _sweep(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.db import upgrade
    from review_service.sweep import sweep

    upgrade(settings)
    while True:
        overdue = dt.timedelta(seconds=args.overdue) if args.overdue is not None else None
        result = sweep(settings, overdue=overdue)
        counts = (len(result.versions), len(result.batches), len(result.failed_versions))
        zh = "巡检：重新派发 {} 个检查、{} 个批次；{} 个检查标记为失败"
        print(
            say(args, zh, "sweep: re-sent {} checks, {} batches; {} checks marked failed").format(*counts), flush=True
        )
        if not args.every:
            return 0
        time.sleep(args.every)


def add_commands(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser("worker", help="run a Celery worker (needs REVIEW_BROKER_URL)")
    worker.add_argument("--queues", default="checks", help="checks, bulk, or checks,bulk")
    worker.add_argument("--concurrency", type=int, default=1, help="pool processes (default 1; scale with replicas)")
    worker.add_argument("--nice", type=int, default=0, help="lower the CPU priority by this much (bulk: 10)")
    worker.add_argument("--loglevel", default="info")
    worker.set_defaults(func=_worker)
    ping = sub.add_parser("worker-ping", help="exit 0 when a worker on this host answers (health check)")
    ping.add_argument("--timeout", type=float, default=5.0)
    ping.set_defaults(func=_ping)
    sweep = sub.add_parser("sweep", help="re-send overdue checks and re-check batches")
    sweep.add_argument("--every", type=int, default=0, help="repeat every N seconds")
    sweep.add_argument("--overdue", type=int, default=None, help="seconds (default REVIEW_CHECK_OVERDUE_SECONDS)")
    sweep.set_defaults(func=_sweep)
