"""先审后发: may this exact content go out on this channel? Answered with a signed receipt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks import Channel
from checks.canonical import FORM_VERSION, content_hash
from review_service import audit, audit_checkpoints
from review_service.draft_attachments import manifest
from review_service.models import Draft, DraftVersion, User, utcnow
from review_service.services.context import ServiceContext
from review_service.signing import RECEIPT_TTL, KeyStore
from review_service.workflow_state import definitions, state_from_json


@dataclass(frozen=True)
class GateDecision:
    allow: bool
    content_hash: str
    reason: str | None = None
    message_zh: str | None = None
    message_en: str | None = None
    draft_id: int | None = None
    version: int | None = None
    receipt: dict[str, Any] | None = None


def decide(
    ctx: ServiceContext,
    *,
    keys: KeyStore,
    caller: User,
    channel: Channel,
    title: str,
    body: str,
    summary: str | None,
    body_format: str,
    attachments: list[tuple[str, str]] | None = None,
) -> GateDecision:
    session = ctx.session
    listed = [{"name": name, "sha256": sha256} for name, sha256 in attachments or []]
    digest = content_hash(title=title, body=body, summary=summary, body_format=body_format, attachments=listed)
    legacy = content_hash(title=title, body=body, summary=summary, body_format=body_format, form_version=2)
    decision = _decide(session, keys=keys, channel=channel, digest=digest, legacy=legacy)
    if decision.allow:
        decision = _check_attachments(session, decision, sorted(attachments or []))
    elif decision.reason in ("not_reviewed", "stale_version"):
        decision = _attachments_explain(session, decision, title, body, sorted(attachments or []))
    audit.append(
        session,
        kind="gate_allow" if decision.allow else "gate_refuse",
        actor_id=caller.id,
        draft_id=decision.draft_id,
        data={"channel": channel.value, "content_hash": digest, "reason": decision.reason},
    )
    audit_checkpoints.record(ctx, reason="gate_decision")  # signed head, kept outside the database too
    if decision.allow:
        ctx.outbox.notifications.append(
            {
                "event": "gate_allow",
                "draft_id": decision.draft_id,
                "version": decision.version,
                "channel": channel.value,
            }
        )
    return decision


def _attachments_explain(
    session: Session, decision: GateDecision, title: str, body: str, sent: list[tuple[str, str]]
) -> GateDecision:
    """Same text as an approved version but another attachment set: say so instead of "not reviewed"."""
    if "\x00" in title or "\x00" in body:
        return decision  # PostgreSQL text cannot hold NUL; no stored version has it either
    candidates = session.scalars(
        select(DraftVersion)
        .where(DraftVersion.title == title, DraftVersion.body == body)
        .order_by(DraftVersion.id.desc())
    ).all()
    for version in candidates:
        state = state_from_json(version.draft.run_state)
        if state.status.value in ("approved", "published") and state.content_hash == version.content_hash:
            mismatch = _check_attachments(
                session, GateDecision(True, decision.content_hash, draft_id=version.draft_id), sent
            )
            if not mismatch.allow:
                return mismatch
    return decision


def _check_attachments(session: Session, decision: GateDecision, sent: list[tuple[str, str]]) -> GateDecision:
    """The CMS publishes exactly the approved attachments: same names, same SHA-256, nothing more or less."""
    draft = session.get(Draft, decision.draft_id)
    approved = sorted((entry.name, entry.sha256) for entry in manifest(session, draft)) if draft else []
    if sent == approved:
        return decision
    missing = sorted({name for name, _ in approved} - {name for name, _ in sent})
    extra = sorted({name for name, _ in sent} - {name for name, _ in approved})
    changed = sorted(name for name, digest in sent if (name, digest) not in approved and name not in extra)
    detail = "；".join(
        part
        for part in (
            f"缺少：{'、'.join(missing)}" if missing else "",
            f"未经审核：{'、'.join(extra)}" if extra else "",
            f"内容已变：{'、'.join(changed)}" if changed else "",
        )
        if part
    )
    return _refuse(
        decision.content_hash,
        "attachments_mismatch",
        f"附件与审核通过的不一致（{detail}）",
        "The attachments differ from the approved set (names and SHA-256)",
        draft,
    )


def _refuse(digest: str, reason: str, zh: str, en: str, draft: Draft | None = None) -> GateDecision:
    return GateDecision(False, digest, reason, zh, en, draft.id if draft else None)


def _versions(session: Session, digest: str, legacy: str) -> list[DraftVersion]:
    """Versions with this content: by form-3 hash, or (published before form 3) by their form-2 hash when a
    browser builds the same tree from the stored source as from this content (never by form 2 alone)."""
    versions = list(session.scalars(select(DraftVersion).where(DraftVersion.content_hash == digest)))
    for version in session.scalars(
        select(DraftVersion).where(DraftVersion.content_hash == legacy, DraftVersion.form_version == 2)
    ):
        again = content_hash(
            title=version.title, body=version.body, summary=version.summary, body_format=version.body_format
        )
        if again == digest:
            versions.append(version)
    return versions


def covers(draft: Draft, digest: object) -> bool:
    """Whether a receipt's ``digest`` names the draft's approved content: its hash, or, for a version hashed
    in form 2 (published before form 3), the form-3 hash of its stored source."""
    state = state_from_json(draft.run_state)
    if not isinstance(digest, str):
        return False
    if digest == state.content_hash:
        return True
    version = next((v for v in reversed(draft.versions) if v.content_hash == state.content_hash), None)
    return (
        version is not None
        and version.form_version == 2
        and digest
        == content_hash(
            title=version.title, body=version.body, summary=version.summary, body_format=version.body_format
        )
    )


def _decide(session: Session, *, keys: KeyStore, channel: Channel, digest: str, legacy: str) -> GateDecision:
    versions = _versions(session, digest, legacy)
    if not versions:
        return _refuse(
            digest,
            "not_reviewed",
            "该内容未经审核（没有与之完全一致的送审版本）",
            "No reviewed version has this exact content",
        )
    on_channel = [v for v in versions if v.draft.channel == channel.value]
    if not on_channel:
        return _refuse(
            digest,
            "wrong_channel",
            f"该内容未获准在 {channel.value} 渠道发布",
            f"Not approved for channel {channel.value}",
        )
    for version in sorted(on_channel, key=lambda v: v.id, reverse=True):
        draft = version.draft
        state = state_from_json(draft.run_state)
        if state.status.value in ("approved", "published") and state.content_hash == version.content_hash:
            return _allow(keys, draft, version, channel, digest)
    version = max(on_channel, key=lambda v: v.id)
    draft = version.draft
    state = state_from_json(draft.run_state)
    if state.content_hash != version.content_hash:
        return _refuse(
            digest,
            "stale_version",
            "该内容不是稿件的当前版本（稿件已被修改）",
            "This content is not the draft's current version",
            draft,
        )
    stage = definitions()[draft.workflow].stage(state.stage).label if state.stage else state.status.value
    return _refuse(
        digest,
        "not_approved",
        f"稿件尚未终审通过（当前：{stage}）",
        f"The draft is not approved yet (now: {stage})",
        draft,
    )


def _allow(keys: KeyStore, draft: Draft, version: DraftVersion, channel: Channel, digest: str) -> GateDecision:
    state = state_from_json(draft.run_state)
    issued = utcnow()
    approvers = [
        {"stage": d.stage, "user_id": d.actor, "action": d.action.value, "at": d.at.isoformat()}
        for d in state.decisions
        if d.content_hash == version.content_hash or d.action.value == "pass"
    ]
    receipt = keys.sign(
        {
            "draft_id": draft.id,
            "version": version.number,
            "content_hash": digest,
            "form_version": FORM_VERSION,  # the canonical form ``content_hash`` is computed in
            "channel": channel.value,
            "approvers": approvers,
            "issued_at": issued.isoformat(),
            "expires_at": (issued + RECEIPT_TTL).isoformat(),
        }
    )
    return GateDecision(True, digest, draft_id=draft.id, version=version.number, receipt=receipt)
