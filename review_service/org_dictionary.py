"""The organisation's own dictionary entries (DB) layered over the shipped files.

Entries are stored in the database (the source of truth, audited); the check engine reads them
as one more term list in the shipped YAML format, written under REVIEW_DATA_DIR and validated by
the same schema, plus an allow list. An engine is cached per overlay version, so a change takes
effect at the next check without a restart.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from checks.terms.schema import TermFile
from review_service import audit
from review_service.clock import today_beijing
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import DictionaryEntry, User, utcnow

KINDS = ("wording", "outdated", "allow")
SOURCE_ID = "org_online_list"


class EntryError(ValueError):
    pass


@dataclass(frozen=True)
class Overlay:
    """What the engine needs from the database: a term list directory, the allow list, a version."""

    version: str
    term_dir: Path | None
    allow_terms: tuple[str, ...]


def _term_file(entries: list[DictionaryEntry], category: str) -> dict[str, Any]:
    today = today_beijing().isoformat()
    data: dict[str, Any] = {
        "version": 1,
        "list_name": "本单位在线维护词表",
        "category": category,
        "severity": "warn",
        "sources": {
            SOURCE_ID: {
                "title": "本单位在线维护词表",
                "issuer": "本单位审校管理员",
                "date": today,
                "verified": True,
                "verified_via": "由管理员在审校系统中录入并留痕（见审计台账）",
            }
        },
        "wording": [],
        "outdated": [],
    }
    for entry in entries:
        item = {"id": f"org_db_{entry.id}", "text": entry.text, "source": SOURCE_ID, **entry.data}
        if entry.kind == "outdated":
            item.pop("category", None)
        data[entry.kind].append(item)
    return data


def validate_entry(kind: str, text: str, data: dict[str, Any]) -> None:
    """Raise EntryError with the schema's own message when the entry is not a valid term entry."""
    if kind not in KINDS:
        raise EntryError(f"kind must be one of {', '.join(KINDS)}")
    if kind == "allow":
        if not 2 <= len(text.strip()) <= 30:
            raise EntryError("allow-list text must have 2 to 30 characters")
        return
    probe = DictionaryEntry(id=0, kind=kind, text=text, data=data)
    category = data.get("category", "term.banned") if kind == "wording" else "term.outdated"
    try:
        TermFile.model_validate(_term_file([probe], category))
    except ValidationError as exc:
        raise EntryError(exc.errors()[0].get("msg", str(exc))) from exc


def active_entries(session: Session) -> list[DictionaryEntry]:
    return list(
        session.scalars(
            select(DictionaryEntry)
            .where(DictionaryEntry.enabled.is_(True), DictionaryEntry.retired_at.is_(None))
            .order_by(DictionaryEntry.id)
        )
    )


def overlay(session: Session, data_dir: Path) -> Overlay:
    entries = active_entries(session)
    if not entries:
        return Overlay("empty", None, ())
    fingerprint = hashlib.sha256(
        json.dumps([(e.id, e.kind, e.text, e.data) for e in entries], ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()[:16]
    term_dir = data_dir / "dictionaries" / fingerprint
    if not term_dir.exists():
        _build(term_dir, entries)
    allow = tuple(e.text for e in entries if e.kind == "allow")
    return Overlay(fingerprint, term_dir, allow)


def overlay_of(settings: Settings) -> Overlay | None:
    """The dictionary for a command outside a request (the CLI), read the way a request reads it.

    None only when the service has no database yet: then there is no organisation dictionary to apply.
    """
    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return None
    with unit_of_work(settings) as session:
        return overlay(session, settings.data_dir)


def _build(term_dir: Path, entries: list[DictionaryEntry]) -> None:
    """Write the term files in a private temp dir, then rename it into place.

    Several processes (API, workers) may build the same fingerprint at once: each writes its own
    staging directory, and a rename that finds the target already there means another process
    won; its files are the same, so that counts as success.
    """
    term_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{term_dir.name}.", suffix=".tmp", dir=term_dir.parent))
    try:
        groups = {
            "term.banned": [
                e for e in entries if e.kind == "wording" and e.data.get("category", "term.banned") == "term.banned"
            ],
            "term.political": [
                e for e in entries if e.kind == "wording" and e.data.get("category") == "term.political"
            ],
            "term.outdated": [e for e in entries if e.kind == "outdated"],
        }
        for category, group in groups.items():
            if group:
                path = staging / f"org_{category.split('.')[1]}.yaml"
                path.write_text(yaml.safe_dump(_term_file(group, category), allow_unicode=True), encoding="utf-8")
        staging.chmod(0o755)
        try:
            os.rename(staging, term_dir)
        except OSError:
            if not term_dir.is_dir():  # not the "someone else was first" case
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def create(session: Session, *, user: User, kind: str, text: str, data: dict[str, Any]) -> DictionaryEntry:
    validate_entry(kind, text, data)
    entry = DictionaryEntry(kind=kind, text=text.strip(), data=data, created_by=user.id)
    session.add(entry)
    session.flush()
    audit.append(
        session, kind="dictionary_added", actor_id=user.id, data={"entry": entry.id, "kind": kind, "text": text}
    )
    return entry


def update(
    session: Session, *, user: User, entry: DictionaryEntry, text: str, data: dict[str, Any], enabled: bool
) -> None:
    validate_entry(entry.kind, text, data)
    before = {"text": entry.text, "data": entry.data, "enabled": entry.enabled}
    entry.text, entry.data, entry.enabled, entry.updated_at = text.strip(), data, enabled, utcnow()
    audit.append(
        session,
        kind="dictionary_edited",
        actor_id=user.id,
        data={"entry": entry.id, "before": before, "after": {"text": entry.text, "data": data, "enabled": enabled}},
    )


def retire(session: Session, *, user: User, entry: DictionaryEntry) -> None:
    entry.retired_at = utcnow()
    audit.append(session, kind="dictionary_retired", actor_id=user.id, data={"entry": entry.id, "text": entry.text})
