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

from review_service import audit_checkpoints
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
    session.flush()  # the unit of work (services.unit_of_work) signs a checkpoint when one is due
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    head: str
    problem: str | None = None
    first_bad_row: int | None = None
    checkpoints: int = 0
    covered_to: int = 0


def verify(
    session: Session,
    *,
    checkpoint: str | None = None,
    signed: list[dict[str, Any]] | None = None,
    jwks: dict[str, Any] | None = None,
) -> VerifyResult:
    """Walk the chain and compare it with the signed checkpoints; report the first bad row.

    ``signed`` are checkpoint documents (from the database table and the file outside it), checked
    against ``jwks``: a checkpoint that is not validly signed is itself a finding (forged or altered).
    Every row a valid checkpoint lists must exist with the hash it lists, so cutting rows off the end,
    deleting a row or rewriting the chain after it shows, down to the first missing or altered row.
    ``checkpoint`` (a head hash recorded by hand earlier) must also be somewhere in the chain.
    """
    expected: dict[int, str] = {}
    valid = 0
    seen: set[str] = set()
    for document in signed or []:
        fingerprint = json.dumps(document, ensure_ascii=False, sort_keys=True, default=str)
        if fingerprint in seen:
            continue  # the same checkpoint from the database and from the file
        rows = audit_checkpoints.signed_rows(document, jwks or {"keys": []})
        if rows is None:
            return VerifyResult(False, 0, GENESIS, "a checkpoint is not validly signed (forged or altered)")
        for row_id, digest in rows.items():
            if expected.setdefault(row_id, digest) != digest:
                return VerifyResult(False, 0, GENESIS, f"two signed checkpoints disagree about row {row_id}", row_id)
        seen.add(fingerprint)
        valid += 1
    listed = sorted(expected)  # signed row ids, walked alongside the table
    at = 0
    prev = GENESIS
    count = 0
    seen_checkpoint = checkpoint is None
    last_id = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if at < len(listed) and listed[at] < entry.id:
            missing = listed[at]
            return _bad(count, prev, missing, f"row {missing} is missing: a signed checkpoint lists it", valid)
        if at < len(listed) and listed[at] == entry.id:
            at += 1
            if expected[entry.id] != entry.hash:
                problem = f"row {entry.id} was altered: it differs from the signed checkpoint"
                return _bad(count + 1, prev, entry.id, problem, valid)
        count += 1
        if entry.prev_hash != prev:
            return _bad(
                count,
                prev,
                entry.id,
                f"row {entry.id}: previous hash does not match (a row before it was removed or changed)",
                valid,
            )
        recomputed = entry_hash(
            prev, at=entry.at, actor_id=entry.actor_id, kind=entry.kind, draft_id=entry.draft_id, data=entry.data
        )
        if recomputed != entry.hash:
            return _bad(count, prev, entry.id, f"row {entry.id}: content was changed after it was written", valid)
        prev = entry.hash
        last_id = entry.id
        seen_checkpoint = seen_checkpoint or entry.hash == checkpoint
    if at < len(listed):
        cut = listed[at]
        problem = f"row {cut} is missing: the ledger was cut off after row {last_id} (a signed checkpoint lists it)"
        return _bad(count, prev, cut, problem, valid)
    if not seen_checkpoint:
        return VerifyResult(False, count, prev, "the recorded checkpoint is not in the chain (rows were removed)")
    return VerifyResult(True, count, prev, checkpoints=valid, covered_to=listed[-1] if listed else 0)


def _bad(count: int, head: str, row: int, problem: str, checkpoints: int) -> VerifyResult:
    return VerifyResult(False, count, head, problem, row, checkpoints)
