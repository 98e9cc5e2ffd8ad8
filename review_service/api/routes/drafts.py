"""Drafts, versions, workflow actions, waivers, comments, history and the caller's queue.

Thin: each handler reads the request, calls ``services.drafts`` (which decides and raises
``DomainError``s, answered by the API's one error handler) and shapes the answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse

from review_service import reports
from review_service.api.deps import ContextDep, DraftsToken
from review_service.api.routes.check import ERRORS
from review_service.drafts import Content
from review_service.models import Draft, DraftVersion, User
from review_service.schemas import (
    ActionRequest,
    CommentRequest,
    DiffOut,
    DraftCreate,
    DraftOut,
    DraftUpdate,
    HistoryEntry,
    LastReturn,
    SubmitRequest,
    VersionOut,
    WaiverRequest,
    WithdrawRequest,
)
from review_service.services import draft_views, ledger
from review_service.services import drafts as service
from review_service.services.context import ServiceContext
from workflows.definition import Action

router = APIRouter(tags=["drafts"])
MAX_ID = 2_147_483_647
DraftId = Annotated[int, Path(ge=1, le=MAX_ID, description="draft id")]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
ERRORS_409 = {**ERRORS, 404: ERRORS[422], 409: ERRORS[422]}


def _content(body: DraftCreate | DraftUpdate) -> Content:
    metadata = body.metadata.model_dump(exclude_none=True) if body.metadata else {}
    return service.content(
        title=body.title, body=body.body, summary=body.summary, body_format=body.format, metadata=metadata
    )


def draft_out(ctx: ServiceContext, draft: Draft, user: User) -> DraftOut:
    """The one DraftOut builder (the publication, countersign, archive and dictionary routes share it)."""
    view = draft_views.view(ctx, draft, user)
    summary = view.summary
    returned = view.last_return
    return DraftOut(
        id=draft.id,
        title=summary.title,
        channel=draft.channel,
        workflow=draft.workflow,
        doc_type=draft.doc_type,
        status=draft.status,
        stage=draft.stage,
        stage_label=summary.stage_label,
        author=draft.author.username,
        created_by=draft.created_by.username if draft.created_by else None,
        department=draft.author.department.name if draft.author.department else None,
        revision=draft.revision,
        due_date=draft.due_date,
        priority=draft.priority,
        overdue=summary.overdue,
        claimed_by=summary.claimed_by,
        current_version=summary.version.number,
        content_hash=summary.version.content_hash,
        verdict=view.verdict,
        check_state=view.check_state,
        blocking_findings=summary.blocking,
        actions=[a.value for a in view.actions],
        waivers=view.waivers,
        last_return=LastReturn(**returned.as_dict()) if returned else None,
        published_at=view.published_at,
    )


def _version_out(version: DraftVersion) -> VersionOut:
    run = version.check_run
    return VersionOut(
        number=version.number,
        title=version.title,
        summary=version.summary,
        body=version.body,
        format=version.body_format,
        content_hash=version.content_hash,
        form_version=version.form_version,
        author=version.draft.author.username
        if version.author_id == version.draft.author_id
        else str(version.author_id),
        created_at=version.created_at,
        verdict=run.verdict if run else None,
        check_state=run.state if run else "done",
        findings=draft_views.findings_of(version),
    )


@router.post("/drafts", response_model=DraftOut, status_code=201, responses=ERRORS_409, summary="新建稿件")
def create_draft(body: DraftCreate, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    draft = service.create(
        ctx,
        user=token.user,
        content=_content(body),
        channel=body.channel,
        doc_type=body.doc_type,
        workflow=body.workflow,
        due_date=body.due_date,
        priority=body.priority,
        countersign=tuple(body.countersign),
        on_behalf_of=body.on_behalf_of,
    )
    service.settle(ctx)  # commit first: the check runs outside the transaction
    return draft_out(ctx, draft, token.user)


@router.get("/drafts", response_model=list[DraftOut], summary="稿件列表")
def list_drafts(
    ctx: ContextDep,
    token: DraftsToken,
    status: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DraftOut]:
    return [draft_out(ctx, d, token.user) for d in service.visible_drafts(ctx, token.user, status=status, limit=limit)]


@router.get("/drafts/{draft_id}", response_model=DraftOut, responses=ERRORS_409, summary="稿件详情")
def get_draft(draft_id: DraftId, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    return draft_out(ctx, service.load(ctx, token.user, draft_id), token.user)


@router.put("/drafts/{draft_id}", response_model=DraftOut, responses=ERRORS_409, summary="保存新版本（作者）")
def update_draft(draft_id: DraftId, body: DraftUpdate, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    draft = service.load(ctx, token.user, draft_id, lock=True)
    content = _content(body)
    service.save_version(ctx, draft=draft, user=token.user, content=content, expected_revision=body.expected_revision)
    service.settle(ctx)
    return draft_out(ctx, draft, token.user)


@router.get("/drafts/{draft_id}/versions", response_model=list[VersionOut], responses=ERRORS_409, summary="版本列表")
def list_versions(draft_id: DraftId, ctx: ContextDep, token: DraftsToken) -> list[VersionOut]:
    return [_version_out(v) for v in service.load(ctx, token.user, draft_id).versions]


@router.get("/drafts/{draft_id}/versions/{number}", response_model=VersionOut, responses=ERRORS_409, summary="某一版本")
def get_version(draft_id: DraftId, number: VersionNumber, ctx: ContextDep, token: DraftsToken) -> VersionOut:
    return _version_out(service.version_of(service.load(ctx, token.user, draft_id), number))


@router.get("/drafts/{draft_id}/diff", response_model=DiffOut, responses=ERRORS_409, summary="比较两个版本")
def diff_versions(
    draft_id: DraftId,
    ctx: ContextDep,
    token: DraftsToken,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
) -> DiffOut:
    draft = service.load(ctx, token.user, draft_id)
    a, b, lines = draft_views.version_diff(draft, from_version, to_version)
    return DiffOut(from_version=a.number, to_version=b.number, diff=lines)


def _act(ctx: ServiceContext, draft_id: int, user: User, action: Action, **kwargs: object) -> DraftOut:
    draft = service.load(ctx, user, draft_id, lock=True)
    service.act(ctx, draft=draft, user=user, action=action, **kwargs)  # type: ignore[arg-type]
    service.settle(ctx)  # an edit's new version is checked after the commit
    return draft_out(ctx, draft, user)


@router.post("/drafts/{draft_id}/submit", response_model=DraftOut, responses=ERRORS_409, summary="提交审核")
def submit(draft_id: DraftId, body: SubmitRequest, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    return _act(ctx, draft_id, token.user, Action.SUBMIT, expected_revision=body.expected_revision)


@router.post("/drafts/{draft_id}/withdraw", response_model=DraftOut, responses=ERRORS_409, summary="撤回（作者）")
def withdraw(draft_id: DraftId, body: WithdrawRequest, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    """The author (or the CMS account that created the draft for them) takes a draft in review back:
    it becomes a draft again. Errors: ``wrong_status`` (409, not in review), ``not_author`` (403)."""
    return _act(
        ctx,
        draft_id,
        token.user,
        Action.WITHDRAW,
        comment=body.comment.strip() if body.comment and body.comment.strip() else None,
        expected_revision=body.expected_revision,
    )


@router.post("/drafts/{draft_id}/actions", response_model=DraftOut, responses=ERRORS_409, summary="处理当前环节")
def act(draft_id: DraftId, body: ActionRequest, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    draft = service.load(ctx, token.user, draft_id, lock=True)
    content = _content(body.content) if body.content is not None else None
    service.act(
        ctx,
        draft=draft,
        user=token.user,
        action=Action(body.action),
        comment=body.comment,
        expected_revision=body.expected_revision,
        content=content,
    )
    service.settle(ctx)  # an edit's new version is checked after the commit
    return draft_out(ctx, draft, token.user)


@router.post(
    "/drafts/{draft_id}/recheck", response_model=DraftOut, responses=ERRORS_409, summary="重新审校（自动审校失败后）"
)
def recheck(draft_id: DraftId, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    """Re-run the current version's failed automatic check (author or the current stage's handler)."""
    draft = service.load(ctx, token.user, draft_id, lock=True)
    service.recheck(ctx, draft=draft, user=token.user)
    service.settle(ctx)
    return draft_out(ctx, draft, token.user)


@router.post("/drafts/{draft_id}/waivers", response_model=DraftOut, responses=ERRORS_409, summary="豁免阻断级问题")
def add_waiver(draft_id: DraftId, body: WaiverRequest, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    draft = service.load(ctx, token.user, draft_id, lock=True)
    service.waive_finding(
        ctx,
        draft=draft,
        user=token.user,
        key=body.finding_key,
        reason=body.reason,
        expected_revision=body.expected_revision,
    )
    return draft_out(ctx, draft, token.user)


@router.post("/drafts/{draft_id}/comments", status_code=201, responses=ERRORS_409, summary="发表意见")
def comment(draft_id: DraftId, body: CommentRequest, ctx: ContextDep, token: DraftsToken) -> dict[str, int]:
    draft = service.load(ctx, token.user, draft_id)
    return {"id": service.comment(ctx, draft=draft, user=token.user, body=body.body).id}


@router.get("/drafts/{draft_id}/history", response_model=list[HistoryEntry], responses=ERRORS_409, summary="流转记录")
def history(draft_id: DraftId, ctx: ContextDep, token: DraftsToken) -> list[HistoryEntry]:
    rows = service.history(ctx, service.load(ctx, token.user, draft_id))
    return [HistoryEntry(at=r.at, actor_id=r.actor_id, kind=r.kind, data=r.data) for r in rows]


@router.get("/queue", response_model=list[DraftOut], summary="待我处理的稿件")
def queue(ctx: ContextDep, token: DraftsToken) -> list[DraftOut]:
    return [draft_out(ctx, d, token.user) for d in service.queue(ctx, token.user)]


@router.get("/drafts/{draft_id}/signoff", response_class=HTMLResponse, responses=ERRORS_409, summary="审签单")
def signoff(
    draft_id: DraftId,
    ctx: ContextDep,
    token: DraftsToken,
    download: Annotated[bool, Query(description="download as a file to archive")] = False,
) -> HTMLResponse:
    draft = service.load(ctx, token.user, draft_id)
    headers = {"Content-Disposition": f'attachment; filename="signoff-{draft.id}.html"'} if download else None
    return HTMLResponse(reports.signoff_html(ctx.session, draft, organisation=ctx.settings.org_name), headers=headers)


@router.get("/audit/export", response_class=PlainTextResponse, summary="审核台账 CSV（年度报告用）")
def audit_export(
    ctx: ContextDep,
    token: DraftsToken,
    from_date: Annotated[dt.date, Query(alias="from")],
    to_date: Annotated[dt.date, Query(alias="to")],
) -> PlainTextResponse:
    body = ledger.export_csv(ctx, token.user, start=from_date, end=to_date)
    return PlainTextResponse(
        "\ufeff" + body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ledger-{from_date}-{to_date}.csv"'},
    )
