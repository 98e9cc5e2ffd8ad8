"""POST /drafts/{id}/published: a CMS confirms it published the approved content (→ 已发布)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from review_service import drafts as service
from review_service import publish_gate
from review_service.api.deps import PublishToken, SessionDep, SettingsDep
from review_service.api.refusals import as_api_error
from review_service.api.routes.drafts import ERRORS_409, DraftId, draft_out
from review_service.api.routes.gate import key_store
from review_service.models import AuditEntry, Draft
from review_service.schemas import DraftOut, PublishedRequest
from review_service.services.errors import DomainError
from review_service.signing import ReceiptError, verify_receipt
from review_service.workflow_state import state_from_json
from workflows.refusals import Refusal

router = APIRouter(tags=["publish"])


def _mismatch(zh: str, en: str) -> DomainError:
    return DomainError(409, "receipt_mismatch", zh, en)


def _issued_to(session: SessionDep, draft: Draft, caller_id: int, digest: str) -> bool:
    """The gate records every allow in the ledger: was this receipt's content allowed to this caller?"""
    rows = session.scalars(
        select(AuditEntry.data).where(
            AuditEntry.draft_id == draft.id, AuditEntry.kind == "gate_allow", AuditEntry.actor_id == caller_id
        )
    )
    return any((data or {}).get("content_hash") == digest for data in rows)


@router.post(
    "/drafts/{draft_id}/published",
    response_model=DraftOut,
    responses=ERRORS_409,
    summary="确认已发布（CMS 凭闸门回执）",
)
def confirm_published(
    draft_id: DraftId, body: PublishedRequest, session: SessionDep, settings: SettingsDep, token: PublishToken
) -> DraftOut:
    """The same receipt again answers 200 (idempotent); the draft's status becomes ``published``."""
    draft = session.get(Draft, draft_id, with_for_update=True, populate_existing=True)
    if draft is None:
        raise DomainError(404, "draft_not_found", "稿件不存在", "Draft not found")
    store = key_store(settings)
    try:
        payload = verify_receipt(body.receipt, store.jwks())
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
    if not isinstance(digest, str) or not _issued_to(session, draft, token.user.id, digest):
        raise DomainError(
            403,
            "not_receipt_holder",
            "只有取得该回执的系统账号可以确认发布",
            "Only the service account the gate issued this receipt to may confirm publication",
        )
    try:
        service.confirm_published(session, draft=draft, user=token.user, content_hash=state.content_hash)
    except Refusal as refusal:
        raise as_api_error(refusal) from refusal
    return draft_out(draft, token.user)
