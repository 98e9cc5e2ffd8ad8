"""The append-only, hash-chained audit ledger.

Each row's hash covers its content and the previous row's hash, so editing or deleting a row
breaks the chain from there on; ``verify`` finds the first break. Appends happen inside the
caller's transaction, after the row that serializes writers (the draft's revision) is taken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from review_service.models import AuditEntry, utcnow

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_310_001


def entry_hash(
    prev_hash: str, *, at: dt.datetime, actor_id: int | None, kind: str, draft_id: int | None, data: Any
) -> str:
    payload = json.dumps(
        {"at": _iso(at), "actor": actor_id, "kind": kind, "draft": draft_id, "data": data},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _iso(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append(
    session: Session,
    *,
    kind: str,
    actor_id: int | None,
    draft_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    prev = last.hash if last else GENESIS
    at = utcnow()
    payload = data or {}
    entry = AuditEntry(
        at=at,
        actor_id=actor_id,
        kind=kind,
        draft_id=draft_id,
        data=payload,
        prev_hash=prev,
        hash=entry_hash(prev, at=at, actor_id=actor_id, kind=kind, draft_id=draft_id, data=payload),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    head: str
    problem: str | None = None


def verify(session: Session, *, checkpoint: str | None = None) -> VerifyResult:
    """Walk the chain; with ``checkpoint`` (a head hash recorded earlier, e.g. in the annual archive)
    also prove that no row up to that point was cut off the end."""
    prev = GENESIS
    count = 0
    seen_checkpoint = checkpoint is None
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != prev:
            return VerifyResult(
                False,
                count,
                prev,
                f"row {entry.id}: previous hash does not match (a row before it was removed or changed)",
            )
        expected = entry_hash(
            prev, at=entry.at, actor_id=entry.actor_id, kind=entry.kind, draft_id=entry.draft_id, data=entry.data
        )
        if expected != entry.hash:
            return VerifyResult(False, count, prev, f"row {entry.id}: content was changed after it was written")
        prev = entry.hash
        seen_checkpoint = seen_checkpoint or entry.hash == checkpoint
    if not seen_checkpoint:
        return VerifyResult(False, count, prev, "the recorded checkpoint is not in the chain (rows were removed)")
    return VerifyResult(True, count, prev)
