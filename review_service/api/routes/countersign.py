"""Outside 会签: create a single-use link (author/admin), open it and sign without an account."""

from __future__ import annotations

from fastapi import APIRouter

from review_service.api.deps import ContextDep, DraftsToken
from review_service.api.routes.drafts import ERRORS_409, DraftId
from review_service.schemas import CountersignDecision, CountersignLinkOut, CountersignLinkRequest, CountersignView
from review_service.services import countersign, drafts

router = APIRouter(tags=["countersign"])


@router.post(
    "/drafts/{draft_id}/countersign-links",
    response_model=CountersignLinkOut,
    status_code=201,
    responses=ERRORS_409,
    summary="生成外单位会签链接（一次性、限时）",
)
def create_link(
    draft_id: DraftId, body: CountersignLinkRequest, ctx: ContextDep, token: DraftsToken
) -> CountersignLinkOut:
    draft = drafts.load(ctx, token.user, draft_id)
    link = countersign.create_link(ctx, actor=token.user, draft=draft, department=body.department, hours=body.hours)
    return CountersignLinkOut(token=link, path=f"/api/v1/countersign/{link}")


@router.get("/countersign/{link}", response_model=CountersignView, responses=ERRORS_409, summary="打开会签链接")
def view(link: str, ctx: ContextDep) -> CountersignView:
    opened = countersign.open_link(ctx, token=link)
    version = opened.version
    return CountersignView(
        draft_id=opened.draft.id,
        department=opened.link.department,
        title=version.title,
        summary=version.summary,
        body=version.body,
        format=version.body_format,
        content_hash=version.content_hash,
        expires_at=opened.link.expires_at,
    )


@router.post("/countersign/{link}", responses=ERRORS_409, summary="通过会签链接签署")
def sign(link: str, body: CountersignDecision, ctx: ContextDep) -> dict[str, str]:
    outcome = countersign.sign(
        ctx,
        token=link,
        approve=body.decision == "approve",
        content_hash=body.content_hash,
        signer_name=body.signer_name,
        comment=body.comment,
    )
    return {"status": outcome.state.status.value, "stage": outcome.state.stage or ""}
