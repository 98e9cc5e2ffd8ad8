"""A CMS confirms it published what the gate let out: the receipt is verified and the draft becomes 已发布."""

from __future__ import annotations

from sqlalchemy import select

from review_service import drafts as domain
from review_service import publish_gate
from review_service.models import AuditEntry, Draft, User
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError, workflow_refusals
from review_service.signing import KeyStore, ReceiptError, verify_receipt
from review_service.workflow_state import state_from_json


def _mismatch(zh: str, en: str) -> DomainError:
    return DomainError(409, "receipt_mismatch", zh, en)


def _issued_to(ctx: ServiceContext, draft: Draft, caller_id: int, digest: str) -> bool:
    """The gate records every allow in the ledger: was this receipt's content allowed to this caller?"""
    rows = ctx.session.scalars(
        select(AuditEntry.data).where(
            AuditEntry.draft_id == draft.id, AuditEntry.kind == "gate_allow", AuditEntry.actor_id == caller_id
        )
    )
    return any((data or {}).get("content_hash") == digest for data in rows)


def confirm_published(ctx: ServiceContext, *, draft_id: int, user: User, receipt: str, keys: KeyStore) -> Draft:
    """The same receipt again changes nothing (idempotent); the draft's status becomes ``published``."""
    draft = ctx.session.get(Draft, draft_id, with_for_update=True, populate_existing=True)
    if draft is None:
        raise domain.DraftNotFound()
    try:
        payload = verify_receipt(receipt, keys.jwks())
    except ReceiptError as exc:
        if exc.code == "receipt_expired":
            raise DomainError(
                409, "receipt_expired", "回执已过期，请重新经发布闸门取得回执", "The receipt has expired"
            ) from exc
        raise DomainError(422, "invalid_receipt", f"回执无效（{exc.code}）", f"Invalid receipt ({exc.code})") from exc
    if payload.get("draft_id") != draft.id:
        raise _mismatch("回执属于另一篇稿件", "The receipt is for another draft")
    state = state_from_json(draft.run_state)
    digest = payload.get("content_hash")
    if not publish_gate.covers(draft, digest) or payload.get("channel") != draft.channel:
        raise _mismatch("回执与稿件当前审定内容不一致", "The receipt is for other content than the draft's current one")
    if not isinstance(digest, str) or not _issued_to(ctx, draft, user.id, digest):
        raise DomainError(
            403,
            "not_receipt_holder",
            "只有取得该回执的系统账号可以确认发布",
            "Only the service account the gate issued this receipt to may confirm publication",
        )
    with workflow_refusals():
        domain.confirm_published(ctx, draft=draft, user=user, content_hash=state.content_hash)
    return draft
