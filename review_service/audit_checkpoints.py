"""Signed checkpoints of the audit ledger, kept in the database and outside it.

The chain alone proves nothing against someone who can write the database: they may cut rows off
the end, or delete a row and recompute every later hash. So on every publish-gate decision, and at
least every REVIEW_AUDIT_CHECKPOINT_MINUTES while rows are being written, the service signs the
chain head with the receipt key (Ed25519), together with the id and hash of every row written since
the previous checkpoint. The signed document goes into ``audit_checkpoints``, is appended (after
commit) to an append-only file in the data directory, and is optionally sent with the webhook.
``review-service audit verify`` compares the ledger with every valid checkpoint it can find and
names the first row that is missing or altered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.config import Settings
from review_service.models import AuditCheckpoint, AuditEntry, utcnow
from review_service.services.context import FileLine, ServiceContext
from review_service.signing import KeyStore, b64url_decode, canonical_json

log = logging.getLogger(__name__)
KIND = "audit_checkpoint"
VERSION = 1
MAX_ROWS = 5000  # rows listed per checkpoint; a longer stretch gets several checkpoints


def checkpoint_file(settings: Settings) -> Path:
    return settings.audit_checkpoint_file or settings.data_dir / "audit-checkpoints.jsonl"


def record(ctx: ServiceContext, *, reason: str) -> list[AuditCheckpoint]:
    """Sign the rows written since the last checkpoint; call after the audit row, in its transaction.

    Writers are already serialized by ``audit.append`` (PostgreSQL advisory lock, SQLite's write
    lock), so checkpoints follow the chain in order."""
    made = _sign(ctx, reason=reason)
    ctx.session.flush()
    return made


def _sign(ctx: ServiceContext, *, reason: str) -> list[AuditCheckpoint]:
    """Add the checkpoints to the session without flushing it (this runs inside a flush's hook too)."""
    session, settings = ctx.session, ctx.settings
    last = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.last_row_id.desc()).limit(1))
    since = last.last_row_id if last is not None else 0
    made: list[AuditCheckpoint] = []
    keys = KeyStore(settings.data_dir / "keys")
    while True:
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.hash).where(AuditEntry.id > since).order_by(AuditEntry.id).limit(MAX_ROWS)
        ).all()
        if not rows:
            return made
        now = utcnow()
        payload = {
            "type": KIND,
            "cv": VERSION,
            "at": now.isoformat(),
            "reason": reason,
            "after_row": since,
            "last_row": rows[-1].id,
            "head": rows[-1].hash,
            "rows": [[row.id, row.hash] for row in rows],
        }
        document = keys.sign(payload)
        checkpoint = AuditCheckpoint(at=now, last_row_id=rows[-1].id, head=rows[-1].hash, document=document)
        session.add(checkpoint)
        # A checkpoint leaves the database only once committed: a rolled-back one never existed.
        ctx.outbox.files.append(FileLine(checkpoint_file(settings), document))
        if settings.webhook_url and settings.webhook_checkpoints:
            ctx.outbox.notifications.append({"event": KIND, "checkpoint": document})
        made.append(checkpoint)
        since = rows[-1].id
        if len(rows) < MAX_ROWS:
            return made


def record_if_due(ctx: ServiceContext) -> None:
    """The periodic checkpoint: when none was made for REVIEW_AUDIT_CHECKPOINT_MINUTES (0 = never).

    The unit of work calls it after each flush that wrote audit rows (``services.unit_of_work``)."""
    if ctx.settings.audit_checkpoint_minutes <= 0:
        return
    last_at = ctx.session.scalar(select(AuditCheckpoint.at).order_by(AuditCheckpoint.id.desc()).limit(1))
    if last_at is None or utcnow() - last_at >= dt.timedelta(minutes=ctx.settings.audit_checkpoint_minutes):
        _sign(ctx, reason="periodic")


def write_line(line: FileLine) -> None:
    """After commit: append the checkpoint to its file; the database copy exists if this fails."""
    try:
        append_to_file(line.path, line.document)
    except OSError:  # the next checkpoint's rows overlap nothing lost
        log.exception("could not append the audit checkpoint to its file")


def append_to_file(path: Path, document: dict[str, Any]) -> None:
    """One JSON line, appended (O_APPEND) and flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The documents in a checkpoint file and a note for each line that is not one."""
    documents: list[dict[str, Any]] = []
    problems: list[str] = []
    if not path.exists():
        return documents, problems
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError:
            problems.append(f"{path.name} line {number}: not JSON")
            continue
        if isinstance(document, dict):
            documents.append(document)
        else:
            problems.append(f"{path.name} line {number}: not a checkpoint")
    return documents, problems


def stored_documents(session: Session) -> list[dict[str, Any]]:
    return [c.document for c in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id))]


def signed_rows(document: Any, jwks: dict[str, Any]) -> dict[int, str] | None:
    """The rows a checkpoint vouches for (id -> hash), or None when it is not validly signed."""
    try:
        payload = document["payload"]
        signature = b64url_decode(document["signature"])
        key = next(k for k in jwks.get("keys", []) if k.get("kid") == payload["kid"])
        Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"])).verify(signature, canonical_json(payload))
        if payload.get("type") != KIND:
            return None
        retired = key.get("retired_at")
        if retired and dt.datetime.fromisoformat(payload["at"]) > dt.datetime.fromisoformat(retired):
            return None  # signed with a key after it was retired
        rows = {int(row_id): str(digest) for row_id, digest in payload["rows"]}
        if not rows or payload["head"] != rows.get(int(payload["last_row"])):
            return None
        return rows
    except (KeyError, TypeError, ValueError, StopIteration, InvalidSignature):
        return None
