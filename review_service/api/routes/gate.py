"""POST /publish-gate and the public key set a CMS verifies receipts with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from review_service.api.deps import ContextDep, PublishToken, SettingsDep
from review_service.api.routes.check import ERRORS
from review_service.publish_gate import decide
from review_service.schemas import ErrorMessage, GateRequest, GateResponse
from review_service.signing import KeyStore

router = APIRouter(tags=["publish"])


def key_store(settings: SettingsDep) -> KeyStore:
    return KeyStore(settings.data_dir / "keys")


@router.post("/publish-gate", response_model=GateResponse, responses=ERRORS, summary="发布闸门：该内容能否发布")
def publish_gate(body: GateRequest, ctx: ContextDep, token: PublishToken) -> GateResponse:
    decision = decide(
        ctx,
        keys=key_store(ctx.settings),
        caller=token.user,
        channel=body.channel,
        title=body.title,
        body=body.body,
        summary=body.summary,
        body_format=body.format,
        attachments=[(a.name, a.sha256) for a in body.attachments],
    )
    return GateResponse(
        decision="allow" if decision.allow else "refuse",
        content_hash=decision.content_hash,
        reason=decision.reason,
        message=ErrorMessage(zh=decision.message_zh, en=decision.message_en) if decision.message_zh else None,
        draft_id=decision.draft_id,
        version=decision.version,
        receipt=decision.receipt,
    )


@router.get("/keys", summary="回执验签公钥集（JWK Set，含已轮换的旧密钥）")
def public_keys(settings: SettingsDep) -> dict[str, Any]:
    store = key_store(settings)
    store.ensure()
    return store.jwks()
