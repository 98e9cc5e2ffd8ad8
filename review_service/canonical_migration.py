"""Move stored content hashes from canonical form 2 to form 3 (Alembic revision 0008_form3_i11a).

Form 2 read HTML with Python's ``html.parser``, which disagrees with browsers (comments such as
``<!-->``, duplicate attributes, a tag cut off at the end), so a form-2 hash may cover content a
browser shows differently. For every version not yet published (no receipt issued for it, no
publication confirmed) the hash is recomputed in form 3 and the draft's run state follows (its hash, the hash of each
decision and waiver). Approvals stay only where the tree did not really change: where the
browser's tree of the stored source is the tree of what form 2 saw, and the source is not refused
now (a WHATWG parse error or active content). Elsewhere the review approvals are voided and the
draft goes back to its first review stage, as after an edit. Published versions keep their
form-2 hash: receipts and the audit ledger name it, and the gate still recognises them by the
form-3 hash of their stored source (``publish_gate``). Plain-text bodies never change tree.

Only SQL Core on the columns of that revision, so later models cannot break the step.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from checks.canonical import canonical_html, canonical_html_form2, content_hash
from checks.html_model import parse_html

log = logging.getLogger("alembic.runtime.migration")
FORM = 3


@dataclass
class Form3Report:
    versions_rehashed: int = 0
    versions_kept_published: int = 0
    drafts_rehashed: int = 0
    drafts_voided: list[int] = field(default_factory=list)
    archive_rehashed: int = 0


def tree_changed(body: str, body_format: str) -> bool:
    """Whether a browser builds something else from ``body`` than form 2 saw, or refuses it now."""
    if body_format != "html":
        return False
    model = parse_html(body)
    if model.refusals or model.active is not None:
        return True
    return canonical_html(canonical_html_form2(body)) != model.canonical


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _published(connection: Connection) -> set[tuple[int, str]]:
    """(draft id, content hash) of every gate decision that issued a receipt and every confirmed publication."""
    audit = sa.table("audit_log", sa.column("kind"), sa.column("draft_id"), sa.column("data", sa.JSON))
    rows = connection.execute(sa.select(audit.c.draft_id, audit.c.data).where(audit.c.kind == "gate_allow"))
    published = {(draft_id, (_json(data) or {}).get("content_hash")) for draft_id, data in rows}
    drafts = sa.table("drafts", sa.column("id"), sa.column("run_state", sa.JSON), sa.column("published_at"))
    for draft_id, state in connection.execute(
        sa.select(drafts.c.id, drafts.c.run_state).where(drafts.c.published_at.is_not(None))
    ):
        published.add((draft_id, (_json(state) or {}).get("content_hash")))
    return published


def _void_reviews(state: dict[str, Any]) -> list[str]:
    """Drop this round's review approvals; back to the first review stage. Returns the voided stages."""
    approvals = [d for d in state.get("decisions", []) if d.get("action") == "approve"]
    if not approvals:
        return []
    state["decisions"] = [d for d in state["decisions"] if d.get("action") != "approve"]
    state["status"] = "in_review"
    state["stage"] = approvals[0]["stage"]
    state["claim"] = None
    return [d["stage"] for d in approvals]


def migrate(connection: Connection) -> Form3Report:
    report = Form3Report()
    versions = sa.table(
        "draft_versions",
        sa.column("id"),
        sa.column("draft_id"),
        sa.column("number"),
        sa.column("title"),
        sa.column("summary"),
        sa.column("body"),
        sa.column("body_format"),
        sa.column("content_hash"),
        sa.column("form_version"),
    )
    drafts = sa.table(
        "drafts",
        sa.column("id"),
        sa.column("run_state", sa.JSON),
        sa.column("revision"),
        sa.column("status"),
        sa.column("stage"),
    )
    published = _published(connection)
    renamed: dict[int, dict[str, str]] = {}
    changed: dict[int, dict[str, bool]] = {}
    for row in connection.execute(sa.select(versions).order_by(versions.c.id)):
        if (row.draft_id, row.content_hash) in published:
            report.versions_kept_published += 1
            continue
        new = content_hash(
            title=row.title, body=row.body, summary=row.summary, body_format=row.body_format, form_version=FORM
        )
        connection.execute(
            sa.update(versions).where(versions.c.id == row.id).values(content_hash=new, form_version=FORM)
        )
        renamed.setdefault(row.draft_id, {})[row.content_hash] = new
        changed.setdefault(row.draft_id, {})[new] = tree_changed(row.body, row.body_format)
        report.versions_rehashed += 1
    for draft_id, mapping in renamed.items():
        row = connection.execute(sa.select(drafts).where(drafts.c.id == draft_id)).one()
        state = _json(row.run_state)
        if state.get("content_hash") not in mapping:
            continue
        state["content_hash"] = mapping[state["content_hash"]]
        for item in (*state.get("decisions", []), *state.get("waivers", [])):
            item["content_hash"] = mapping.get(item.get("content_hash"), item.get("content_hash"))
        revision = row.revision
        if changed[draft_id].get(state["content_hash"]):
            voided = _void_reviews(state)
            if voided:
                revision += 1
                state["revision"] = revision
                report.drafts_voided.append(draft_id)
                log.warning("draft %s: canonical form 3 tree differs; approvals voided (%s)", draft_id, voided)
        connection.execute(
            sa.update(drafts)
            .where(drafts.c.id == draft_id)
            .values(run_state=state, revision=revision, status=state["status"], stage=state["stage"])
        )
        report.drafts_rehashed += 1
    report.archive_rehashed = _archive(connection)
    log.warning(
        "canonical form 3: %d versions rehashed, %d published versions kept, %d drafts voided: %s",
        report.versions_rehashed,
        report.versions_kept_published,
        len(report.drafts_voided),
        report.drafts_voided,
    )
    return report


def _archive(connection: Connection) -> int:
    """Published archive pages: hash in form 3; a page checked at its old hash stays checked."""
    archive = sa.table(
        "archive_documents",
        sa.column("id"),
        sa.column("title"),
        sa.column("body"),
        sa.column("body_format"),
        sa.column("content_hash"),
        sa.column("checked_hash"),
    )
    count = 0
    for row in connection.execute(sa.select(archive)):
        new = content_hash(title=row.title, body=row.body, body_format=row.body_format, form_version=FORM)
        values = {"content_hash": new}
        if row.checked_hash == row.content_hash:
            values["checked_hash"] = new
        connection.execute(sa.update(archive).where(archive.c.id == row.id).values(**values))
        count += 1
    return count
