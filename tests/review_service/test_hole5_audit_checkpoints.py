"""Hole 5: the audit ledger cannot be cut short or rewritten unseen.

Seen: deleting the last rows passed `audit verify`; so did deleting a row and recomputing the
unkeyed chain. Now every gate decision (and the periodic timer) signs the chain head and the rows
since the last checkpoint with the receipt key, in the database and in an append-only file outside
it, and `audit verify` reads both and names the first missing or altered row.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from review_service import audit, audit_checkpoints
from review_service.api.main import create_app
from review_service.cli import build_parser
from review_service.db import unit_of_work
from review_service.models import AuditCheckpoint, AuditEntry
from review_service.services.unit_of_work import unit_of_work as service_unit
from review_service.signing import KeyStore
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people

TITLE = "关于开展安全生产大检查的通知"
BODY = "各镇人民政府、街道办事处：\n为切实做好安全生产工作，现就有关事项通知如下。"
STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]


def approve_and_publish(client: TestClient, people) -> dict:  # type: ignore[no-untyped-def]
    draft = client.post("/api/v1/drafts", json={"title": TITLE, "body": BODY}, headers=people["editor"].headers).json()
    client.post(f"/api/v1/drafts/{draft['id']}/submit", json={}, headers=people["editor"].headers)
    for who, action in [*STEPS, ("rev3", "approve")]:
        r = client.post(f"/api/v1/drafts/{draft['id']}/actions", json={"action": action}, headers=people[who].headers)
        assert r.status_code == 200, r.text
    gate = client.post(
        "/api/v1/publish-gate", json={"channel": "website", "title": TITLE, "body": BODY}, headers=people["cms"].headers
    )
    assert gate.json()["decision"] == "allow", gate.text
    return gate.json()


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        approve_and_publish(client, people)
        yield client, people, settings


def verify(settings):  # type: ignore[no-untyped-def]
    """What `audit verify` does: checkpoints from the database and the file, the service's key set."""
    documents, _ = audit_checkpoints.read_file(audit_checkpoints.checkpoint_file(settings))
    with unit_of_work(settings) as session:
        signed = [*audit_checkpoints.stored_documents(session), *documents]
        return audit.verify(session, signed=signed, jwks=KeyStore(settings.data_dir / "keys").jwks())


def rechain(session, start: int) -> None:  # type: ignore[no-untyped-def]
    """What an insider with database access does: recompute every hash from ``start`` on."""
    prev = audit.GENESIS
    for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if row.id >= start:
            row.prev_hash = prev
            row.hash = audit.entry_hash(
                prev, at=row.at, actor_id=row.actor_id, kind=row.kind, draft_id=row.draft_id, data=row.data
            )
        prev = row.hash


def ids(settings) -> list[int]:  # type: ignore[no-untyped-def]
    with unit_of_work(settings) as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_each_gate_decision_signs_the_head_in_the_database_and_in_a_file(env):
    client, people, settings = env
    refused = client.post(
        "/api/v1/publish-gate",
        json={"channel": "website", "title": TITLE, "body": "别的内容"},
        headers=people["cms"].headers,
    )
    assert refused.json()["decision"] == "refuse"
    jwks = client.get("/api/v1/keys").json()
    with unit_of_work(settings) as session:
        head = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        last = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
        assert head.kind == "gate_refuse" and (last.last_row_id, last.head) == (head.id, head.hash)
        assert last.document["payload"]["reason"] == "gate_decision"
        stored = audit_checkpoints.stored_documents(session)
    in_file, problems = audit_checkpoints.read_file(settings.data_dir / "audit-checkpoints.jsonl")
    assert in_file == stored and not problems  # the same signed documents, outside the database
    assert all(audit_checkpoints.signed_rows(d, jwks) for d in in_file)  # verifiable with the public key set
    result = verify(settings)
    assert result.ok and result.covered_to == head.id and result.checkpoints == len(stored)


def test_cutting_rows_off_the_end_names_the_first_missing_row(env):
    _, _, settings = env
    all_ids = ids(settings)
    with unit_of_work(settings) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id >= all_ids[-2]))
        assert audit.verify(session).ok  # the bare chain cannot tell
    result = verify(settings)
    assert not result.ok and result.first_bad_row == all_ids[-2]
    assert f"row {all_ids[-2]} is missing" in result.problem and "cut off" in result.problem


def test_deleting_a_row_and_recomputing_the_chain_names_that_row(env):
    _, _, settings = env
    victim = ids(settings)[4]
    with unit_of_work(settings) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == victim))
        rechain(session, victim)
    with unit_of_work(settings) as session:
        assert audit.verify(session).ok  # the old hole: the unkeyed chain verifies
    result = verify(settings)
    assert not result.ok and result.first_bad_row == victim and f"row {victim} is missing" in result.problem


def test_rewriting_a_row_and_recomputing_the_chain_names_that_row(env):
    _, _, settings = env
    victim = ids(settings)[3]
    with unit_of_work(settings) as session:
        row = session.get(AuditEntry, victim)
        row.data = {**row.data, "comment": "同意"}
        rechain(session, victim)
    result = verify(settings)
    assert not result.ok and result.first_bad_row == victim and f"row {victim} was altered" in result.problem


def test_the_file_still_tells_when_the_database_checkpoints_are_deleted_too(env):
    _, _, settings = env
    all_ids = ids(settings)
    with unit_of_work(settings) as session:
        session.execute(delete(AuditCheckpoint))
        session.execute(delete(AuditEntry).where(AuditEntry.id == all_ids[-1]))
    result = verify(settings)
    assert not result.ok and result.first_bad_row == all_ids[-1]


def test_a_checkpoint_not_signed_by_the_service_is_refused(env):
    _, _, settings = env
    with unit_of_work(settings) as session:
        genuine = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
        forged = json.loads(json.dumps(genuine.document))
        forged["payload"]["rows"] = forged["payload"]["rows"][:-1]  # pretend the last row never existed
        forged["payload"]["last_row"], forged["payload"]["head"] = forged["payload"]["rows"][-1]
        session.add(AuditCheckpoint(at=genuine.at, last_row_id=0, head="x", document=forged))
    result = verify(settings)
    assert not result.ok and "not validly signed" in result.problem
    other_key = KeyStore(settings.data_dir / "other-keys")  # a key the service never published
    with unit_of_work(settings) as session:
        session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.last_row_id == 0))
        session.add(AuditCheckpoint(at=genuine.at, last_row_id=0, head="x", document=other_key.sign(forged["payload"])))
    assert "not validly signed" in verify(settings).problem


def test_the_command_line_reads_the_checkpoints_by_default(env, capsys):
    _, _, settings = env
    args = build_parser().parse_args(["audit", "verify"])
    assert args.func(args, settings) == 0
    assert "签名检查点" in capsys.readouterr().out
    victim = ids(settings)[2]
    with unit_of_work(settings) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == victim))
        rechain(session, victim)
    assert args.func(args, settings) == 1
    err = capsys.readouterr().err
    assert f"row {victim} is missing" in err and "审计台账已被篡改" in err


def test_a_checkpoint_is_signed_periodically_while_rows_are_written(tmp_path):
    settings = make_settings(tmp_path, audit_checkpoint_minutes=10)
    make_people(settings)
    with service_unit(settings) as ctx:  # the unit of work keeps the checkpoints due while it writes rows
        session = ctx.session
        audit.append(session, kind="test", actor_id=None)
        count = session.scalar(select(func.count()).select_from(AuditCheckpoint))
        audit.append(session, kind="test", actor_id=None)  # within the interval: no new one
        assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == count >= 1
        last = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
        last.at = last.at - dt.timedelta(minutes=11)  # as if ten minutes had passed
        session.flush()
        newest = audit.append(session, kind="test", actor_id=None)
        latest = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
        assert latest.last_row_id == newest.id and latest.document["payload"]["reason"] == "periodic"
    assert verify(settings).ok


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:  # the http.server API names it so
        Receiver.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def test_checkpoints_can_also_go_out_with_the_webhook(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.received = []
    url = f"http://127.0.0.1:{server.server_port}/hook"
    settings = make_settings(tmp_path, webhook_url=url, webhook_secret="s", webhook_checkpoints=True)
    people = make_people(settings)
    try:
        with TestClient(create_app(settings)) as client:
            approve_and_publish(client, people)
            jwks = client.get("/api/v1/keys").json()
    finally:
        server.shutdown()
    sent = [e["checkpoint"] for e in Receiver.received if e.get("event") == "audit_checkpoint"]
    assert sent and all(audit_checkpoints.signed_rows(d, jwks) for d in sent)
    assert sent[-1]["payload"]["reason"] == "gate_decision"
