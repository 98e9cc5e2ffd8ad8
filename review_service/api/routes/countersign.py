"""Outside 会签: create a single-use link (author/admin), open it and sign without an account."""

from __future__ import annotations

from fastapi import APIRouter

from review_service import countersign
from review_service.api.deps import ContextDep, DraftsToken, SessionDep, SettingsDep
from review_service.api.refusals import as_api_error
from review_service.api.routes.drafts import ERRORS_409, DraftId
from review_service.models import Draft
from review_service.permissions import Action, may
from review_service.schemas import CountersignDecision, CountersignLinkOut, CountersignLinkRequest, CountersignView
from review_service.services import drafts
from review_service.services.errors import DomainError
from workflows.refusals import Refusal

router = APIRouter(tags=["countersign"])
LINK_STATUS = {
    "link_invalid": 404,
    "link_used": 410,
    "link_expired": 410,
    "not_a_countersign_department": 422,
    "content_changed": 409,
}


def _error(exc: countersign.LinkError) -> DomainError:
    return DomainError(LINK_STATUS.get(exc.code, 403), exc.code, exc.zh, exc.en)


@router.post(
    "/drafts/{draft_id}/countersign-links",
    response_model=CountersignLinkOut,
    status_code=201,
    responses=ERRORS_409,
    summary="生成外单位会签链接（一次性、限时）",
)
def create_link(
    draft_id: DraftId,
    body: CountersignLinkRequest,
    session: SessionDep,
    settings: SettingsDep,
    ctx: ContextDep,
    token: DraftsToken,
) -> CountersignLinkOut:
    draft = drafts.load(ctx, token.user, draft_id)
    if not may(token.user, Action.ISSUE_COUNTERSIGN_LINK) or token.user.id == draft.author_id:
        # The link is a bearer credential: the author must never hold one for their own draft.
        raise DomainError(
            403, "forbidden", "只有管理员（非作者）可以生成外单位会签链接", "Only an admin who is not the author"
        )
    try:
        link = countersign.create_link(
            session,
            data_dir=settings.data_dir,
            draft=draft,
            department=body.department,
            creator=token.user,
            hours=body.hours,
        )
    except countersign.LinkError as exc:
        raise _error(exc) from exc
    return CountersignLinkOut(token=link, path=f"/api/v1/countersign/{link}")


@router.get("/countersign/{link}", response_model=CountersignView, responses=ERRORS_409, summary="打开会签链接")
def view(link: str, session: SessionDep, settings: SettingsDep) -> CountersignView:
    try:
        row = countersign.open_link(session, data_dir=settings.data_dir, token=link)
    except countersign.LinkError as exc:
        raise _error(exc) from exc
    draft = session.get(Draft, row.draft_id)
    assert draft is not None
    version = draft.versions[-1]
    return CountersignView(
        draft_id=draft.id,
        department=row.department,
        title=version.title,
        summary=version.summary,
        body=version.body,
        format=version.body_format,
        content_hash=version.content_hash,
        expires_at=row.expires_at,
    )


@router.post("/countersign/{link}", responses=ERRORS_409, summary="通过会签链接签署")
def sign(link: str, body: CountersignDecision, session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    try:
        outcome = countersign.sign_with_link(
            session,
            data_dir=settings.data_dir,
            token=link,
            approve=body.decision == "approve",
            content_hash=body.content_hash,
            signer_name=body.signer_name,
            comment=body.comment,
        )
    except countersign.LinkError as exc:
        raise _error(exc) from exc
    except Refusal as refusal:
        raise as_api_error(refusal) from refusal
    return {"status": outcome.state.status.value, "stage": outcome.state.stage or ""}
