"""`make bench-pages`: server time of the web pages with 1,000 drafts in the database (p50/p95).

One draft is created and checked through the service; the rest are copies of its version and check
run at every stage of the website workflow (so the queue has work for each role). A real uvicorn
serves the app on SQLite; each page is fetched by a logged-in person over HTTP on localhost.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import insert, select

from bench.latency import percentile
from checks import Channel, DocType
from review_service import drafts as service
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import CheckRun, Draft, DraftVersion, User
from review_service.workflow_state import state_from_json, state_to_json
from tests.live_server import LiveServer
from tests.workflow_helpers import make_people
from workflows.definition import Action
from workflows.state import Status

BODY = (
    "各镇人民政府、街道办事处：\n为切实做好安全生产工作,现就有关事项通知如下。\n"
    "一、高度重视,压实责任。\n二、全面排查,消除隐患。\n联系电话：13800138000。"
)
STAGES = ["proof1", "proof2", "proof3", "review1", "review2", "review3", None]


def populate(settings: Settings, count: int) -> int:
    """Returns the id of one draft waiting at 一校."""
    with unit_of_work(settings) as session:
        author = session.scalar(select(User).where(User.username == "editor"))
        first = service.create_draft(
            session,
            user=author,
            content=service.Content("关于开展安全生产大检查的通知", BODY),
            channel=Channel.WEBSITE,
            doc_type=DocType.NOTICE,
        )
        first_id = first.id
    # the check runs right after the commit that saved the version; decisions wait for it
    with unit_of_work(settings) as session:
        author = session.scalar(select(User).where(User.username == "editor"))
        first = session.get_one(Draft, first_id)
        service.act(session, draft=first, user=author, action=Action.SUBMIT)
        template_version = service.latest_version(first)
        run = template_version.check_run
        state = state_from_json(first.run_state)
        for n in range(count - 1):
            stage = STAGES[n % len(STAGES)]
            status = Status.IN_REVIEW if stage else Status.RETURNED
            run_state = state_to_json(state.__class__(**{**_fields(state), "status": status, "stage": stage}))
            draft_id = session.execute(
                insert(Draft)
                .values(
                    channel="website",
                    workflow="website",
                    doc_type="notice",
                    author_id=author.id,
                    department_id=author.department_id,
                    status=status.value,
                    stage=stage,
                    run_state=run_state,
                    revision=1,
                )
                .returning(Draft.id)
            ).scalar_one()
            version_id = session.execute(
                insert(DraftVersion)
                .values(
                    draft_id=draft_id,
                    number=1,
                    title=f"{template_version.title}（{n}）",
                    body=template_version.body,
                    body_format="text",
                    meta={},
                    content_hash=template_version.content_hash,
                    author_id=author.id,
                )
                .returning(DraftVersion.id)
            ).scalar_one()
            session.execute(
                insert(CheckRun).values(
                    version_id=version_id, state="done", verdict=run.verdict, findings=run.findings, stats=run.stats
                )
            )
    return first_id


def _fields(state: object) -> dict[str, object]:
    return {name: getattr(state, name) for name in state.__slots__}  # type: ignore[attr-defined]


def login(client: httpx.Client, username: str) -> None:
    import re

    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": username, "password": f"pw-{username}", "login_csrf": token})
    assert r.status_code in (200, 303), r.status_code


def measure(client: httpx.Client, path: str, repeat: int) -> dict[str, float]:
    client.get(path)  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return {"p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), due_check_interval_seconds=0)
        make_people(settings)
        draft_id = populate(settings, args.drafts)
        server = LiveServer(settings).start()
        results: dict[str, dict[str, float]] = {}
        try:
            for username, paths in (
                ("proof1", ["/queue", "/queue?page=5", "/queue?q=（7", f"/drafts/{draft_id}", "/drafts", "/messages"]),
                ("rev3", ["/queue"]),
                ("editor", ["/drafts?mine=1", "/workspace"]),
            ):
                with httpx.Client(base_url=server.url, follow_redirects=True, timeout=60) as client:
                    login(client, username)
                    for path in paths:
                        results[f"{username} {path}"] = measure(client, path, args.repeat)
        finally:
            server.stop()
    out = {"drafts": args.drafts, "repeat": args.repeat, "pages": results}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
