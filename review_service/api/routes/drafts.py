"""Drafts, versions, workflow actions, waivers, comments, history and the caller's queue."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from checks.html_safety import html_refusal
from review_service import drafts as service
from review_service import reports
from review_service.api.deps import DraftsToken, SessionDep, SettingsDep
from review_service.api.refusals import as_api_error
from review_service.api.routes.check import ERRORS
from review_service.clock import today_beijing
from review_service.models import AuditEntry, Draft, DraftVersion, User, utcnow
from review_service.returns import last_return
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
from review_service.services.errors import DomainError
from review_service.workflow_state import state_from_json
from workflows.definition import Action
from workflows.engine import unresolved_blocks
from workflows.refusals import Refusal

router = APIRouter(tags=["drafts"])
MAX_ID = 2_147_483_647
DraftId = Annotated[int, Path(ge=1, le=MAX_ID, description="draft id")]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
ERRORS_409 = {**ERRORS, 404: ERRORS[422], 409: ERRORS[422]}
OPEN_STATUSES = ("draft", "in_review", "returned")


def _content(body: DraftCreate | DraftUpdate) -> service.Content:
    if not body.body.strip():
        raise DomainError(422, "empty_text", "正文为空", "The body is empty")
    refused = html_refusal(body.body) if body.format == "html" else None
    if refused:
        raise DomainError(422, refused.code, refused.message_zh, refused.message_en, {"offset": refused.offset})
    metadata = body.metadata.model_dump(exclude_none=True) if body.metadata else {}
    return service.Content(body.title, body.body, body.summary, body.format, metadata)


def _load(session: Session, draft_id: int, user: User, *, lock: bool = False) -> Draft:
    # Mutations lock the row (PostgreSQL): a second concurrent writer waits, then sees the new revision.
    draft = session.get(Draft, draft_id, with_for_update=lock or None, populate_existing=lock)
    spanning = session.info.get("spanning_roles", service.DEFAULT_SPANNING_ROLES)
    if draft is None or not service.can_see(user, draft, spanning):
        raise DomainError(404, "draft_not_found", "稿件不存在或无权查看", "Draft not found")
    return draft


def _out(draft: Draft, user: User) -> DraftOut:
    session = object_session(draft)
    returned = last_return(session, draft) if session is not None else None
    state = state_from_json(draft.run_state)
    version = service.latest_version(draft)
    facts = service.facts_for(draft)
    definition = service.definition_of(draft)
    claim = state.active_claim(utcnow())
    today = today_beijing()
    return DraftOut(
        id=draft.id,
        title=version.title,
        channel=draft.channel,
        workflow=draft.workflow,
        doc_type=draft.doc_type,
        status=draft.status,
        stage=draft.stage,
        stage_label=definition.stage(draft.stage).label if draft.stage else None,
        author=draft.author.username,
        created_by=draft.created_by.username if draft.created_by else None,
        department=draft.author.department.name if draft.author.department else None,
        revision=draft.revision,
        due_date=draft.due_date,
        priority=draft.priority,
        overdue=bool(draft.due_date and draft.due_date < today and draft.status in OPEN_STATUSES),
        claimed_by=claim.actor if claim else None,
        current_version=version.number,
        content_hash=version.content_hash,
        verdict=version.check_run.verdict if version.check_run else None,
        check_state=service.check_state(draft),
        blocking_findings=len(unresolved_blocks(state, facts)),
        actions=[a.value for a in service.actions_for(draft, user)],
        waivers=[
            {"finding_key": w.finding_key, "category": w.category, "reason": w.reason, "actor": w.actor}
            for w in state.waivers
            if w.content_hash == version.content_hash
        ],
        last_return=LastReturn(**returned.as_dict()) if returned else None,
        published_at=draft.published_at.replace(tzinfo=draft.published_at.tzinfo or dt.UTC)
        if draft.published_at
        else None,
    )


def _version_out(version: DraftVersion) -> VersionOut:
    findings = []
    for f in version.check_run.findings if version.check_run else []:
        findings.append({**f, "key": service.finding_key(f)})
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
        verdict=version.check_run.verdict if version.check_run else None,
        check_state=version.check_run.state if version.check_run else "done",
        findings=findings,
    )


@router.post("/drafts", response_model=DraftOut, status_code=201, responses=ERRORS_409, summary="新建稿件")
def create_draft(body: DraftCreate, session: SessionDep, token: DraftsToken) -> DraftOut:
    content = _content(body)
    try:
        author = service.author_for(session, caller=token.user, on_behalf_of=body.on_behalf_of)
    except service.AuthorRefused as refused:
        raise DomainError(refused.status, refused.code, refused.message_zh, refused.message_en) from refused
    try:
        draft = service.create_draft(
            session,
            user=token.user,
            author=author,
            content=content,
            channel=body.channel,
            doc_type=body.doc_type,
            workflow=body.workflow,
            due_date=body.due_date,
            priority=body.priority,
            countersign=tuple(body.countersign),
        )
    except KeyError as exc:
        raise DomainError(
            422, "unknown_workflow", "未知的审核流程或流程与发布渠道不符", f"Unknown workflow {exc}"
        ) from exc
    except service.CountersignError as exc:
        raise DomainError(
            422,
            "invalid_countersign",
            f"会签部门须为系统中已有的、作者以外的部门：{'、'.join(exc.args[0])}",
            "Countersign departments must exist and differ from the author's",
        ) from exc
    service.settle(session)  # commit first: the check runs outside the transaction
    return _out(draft, token.user)


@router.get("/drafts", response_model=list[DraftOut], summary="稿件列表")
def list_drafts(
    session: SessionDep,
    token: DraftsToken,
    status: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DraftOut]:
    query = select(Draft).order_by(Draft.id.desc())
    if status:
        query = query.where(Draft.status == status)
    spanning = session.info.get("spanning_roles", service.DEFAULT_SPANNING_ROLES)
    visible = [d for d in session.scalars(query) if service.can_see(token.user, d, spanning)]
    return [_out(d, token.user) for d in visible[:limit]]


@router.get("/drafts/{draft_id}", response_model=DraftOut, responses=ERRORS_409, summary="稿件详情")
def get_draft(draft_id: DraftId, session: SessionDep, token: DraftsToken) -> DraftOut:
    return _out(_load(session, draft_id, token.user), token.user)


@router.put("/drafts/{draft_id}", response_model=DraftOut, responses=ERRORS_409, summary="保存新版本（作者）")
def update_draft(draft_id: DraftId, body: DraftUpdate, session: SessionDep, token: DraftsToken) -> DraftOut:
    draft = _load(session, draft_id, token.user, lock=True)
    content = _content(body)
    try:
        service.save_version(
            session, draft=draft, user=token.user, content=content, expected_revision=body.expected_revision
        )
    except Refusal as refusal:
        raise as_api_error(refusal) from refusal
    service.settle(session)
    return _out(draft, token.user)


@router.get("/drafts/{draft_id}/versions", response_model=list[VersionOut], responses=ERRORS_409, summary="版本列表")
def list_versions(draft_id: DraftId, session: SessionDep, token: DraftsToken) -> list[VersionOut]:
    return [_version_out(v) for v in _load(session, draft_id, token.user).versions]


@router.get("/drafts/{draft_id}/versions/{number}", response_model=VersionOut, responses=ERRORS_409, summary="某一版本")
def get_version(draft_id: DraftId, number: VersionNumber, session: SessionDep, token: DraftsToken) -> VersionOut:
    draft = _load(session, draft_id, token.user)
    version = next((v for v in draft.versions if v.number == number), None)
    if version is None:
        raise DomainError(404, "version_not_found", "版本不存在", "Version not found")
    return _version_out(version)


@router.get("/drafts/{draft_id}/diff", response_model=DiffOut, responses=ERRORS_409, summary="比较两个版本")
def diff_versions(
    draft_id: DraftId,
    session: SessionDep,
    token: DraftsToken,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
) -> DiffOut:
    draft = _load(session, draft_id, token.user)
    by_number = {v.number: v for v in draft.versions}
    if from_version not in by_number or to_version not in by_number:
        raise DomainError(404, "version_not_found", "版本不存在", "Version not found")
    a, b = by_number[from_version], by_number[to_version]
    lines = list(
        difflib.unified_diff(
            f"{a.title}\n{a.summary or ''}\n{a.body}".splitlines(),
            f"{b.title}\n{b.summary or ''}\n{b.body}".splitlines(),
            fromfile=f"v{a.number}",
            tofile=f"v{b.number}",
            lineterm="",
        )
    )
    return DiffOut(from_version=a.number, to_version=b.number, diff=lines)


def _act(session: Session, draft: Draft, user: User, action: Action, **kwargs: object) -> DraftOut:
    try:
        service.act(session, draft=draft, user=user, action=action, **kwargs)  # type: ignore[arg-type]
    except Refusal as refusal:
        raise as_api_error(refusal) from refusal
    except service.CheckPending as pending:
        raise DomainError(409, pending.code, pending.message_zh, pending.message_en) from pending
    service.settle(session)  # an edit's new version is checked after the commit
    return _out(draft, user)


@router.post("/drafts/{draft_id}/submit", response_model=DraftOut, responses=ERRORS_409, summary="提交审核")
def submit(draft_id: DraftId, body: SubmitRequest, session: SessionDep, token: DraftsToken) -> DraftOut:
    draft = _load(session, draft_id, token.user, lock=True)
    return _act(session, draft, token.user, Action.SUBMIT, expected_revision=body.expected_revision)


@router.post("/drafts/{draft_id}/withdraw", response_model=DraftOut, responses=ERRORS_409, summary="撤回（作者）")
def withdraw(draft_id: DraftId, body: WithdrawRequest, session: SessionDep, token: DraftsToken) -> DraftOut:
    """The author (or the CMS account that created the draft for them) takes a draft in review back:
    it becomes a draft again. Errors: ``wrong_status`` (409, not in review), ``not_author`` (403)."""
    draft = _load(session, draft_id, token.user, lock=True)
    return _act(
        session,
        draft,
        token.user,
        Action.WITHDRAW,
        comment=body.comment.strip() if body.comment and body.comment.strip() else None,
        expected_revision=body.expected_revision,
    )


@router.post("/drafts/{draft_id}/actions", response_model=DraftOut, responses=ERRORS_409, summary="处理当前环节")
def act(draft_id: DraftId, body: ActionRequest, session: SessionDep, token: DraftsToken) -> DraftOut:
    draft = _load(session, draft_id, token.user, lock=True)
    action = Action(body.action)
    if action is Action.EDIT and body.content is None:
        raise DomainError(422, "content_required", "修改操作须提供修改后的内容", "An edit needs the new content")
    content = _content(body.content) if body.content is not None else None
    return _act(
        session,
        draft,
        token.user,
        action,
        comment=body.comment,
        expected_revision=body.expected_revision,
        content=content,
    )


@router.post(
    "/drafts/{draft_id}/recheck", response_model=DraftOut, responses=ERRORS_409, summary="重新审校（自动审校失败后）"
)
def recheck(draft_id: DraftId, session: SessionDep, token: DraftsToken) -> DraftOut:
    """Re-run the current version's failed automatic check (author or the current stage's handler)."""
    draft = _load(session, draft_id, token.user, lock=True)
    try:
        service.recheck_version(session, draft=draft, user=token.user)
    except service.RecheckRefused as refused:
        raise DomainError(refused.status, refused.code, refused.message_zh, refused.message_en) from refused
    service.settle(session)
    return _out(draft, token.user)


@router.post("/drafts/{draft_id}/waivers", response_model=DraftOut, responses=ERRORS_409, summary="豁免阻断级问题")
def add_waiver(draft_id: DraftId, body: WaiverRequest, session: SessionDep, token: DraftsToken) -> DraftOut:
    draft = _load(session, draft_id, token.user, lock=True)
    try:
        service.waive_finding(
            session,
            draft=draft,
            user=token.user,
            key=body.finding_key,
            reason=body.reason,
            expected_revision=body.expected_revision,
        )
    except LookupError as exc:
        raise DomainError(
            404, "finding_not_found", "当前版本没有该问题", "No such finding in the current version"
        ) from exc
    except Refusal as refusal:
        raise as_api_error(refusal) from refusal
    return _out(draft, token.user)


@router.post("/drafts/{draft_id}/comments", status_code=201, responses=ERRORS_409, summary="发表意见")
def comment(draft_id: DraftId, body: CommentRequest, session: SessionDep, token: DraftsToken) -> dict[str, int]:
    draft = _load(session, draft_id, token.user)
    return {"id": service.add_comment(session, draft=draft, user=token.user, body=body.body).id}


@router.get("/drafts/{draft_id}/history", response_model=list[HistoryEntry], responses=ERRORS_409, summary="流转记录")
def history(draft_id: DraftId, session: SessionDep, token: DraftsToken) -> list[HistoryEntry]:
    draft = _load(session, draft_id, token.user)
    rows = session.scalars(select(AuditEntry).where(AuditEntry.draft_id == draft.id).order_by(AuditEntry.id))
    return [HistoryEntry(at=r.at, actor_id=r.actor_id, kind=r.kind, data=r.data) for r in rows]


@router.get("/queue", response_model=list[DraftOut], summary="待我处理的稿件")
def queue(session: SessionDep, token: DraftsToken) -> list[DraftOut]:
    spanning = session.info.get("spanning_roles", service.DEFAULT_SPANNING_ROLES)
    return [_out(d, token.user) for d in service.queue_for(session, user=token.user, spanning_roles=spanning)]


@router.get("/drafts/{draft_id}/signoff", response_class=HTMLResponse, responses=ERRORS_409, summary="审签单")
def signoff(
    draft_id: DraftId,
    session: SessionDep,
    settings: SettingsDep,
    token: DraftsToken,
    download: Annotated[bool, Query(description="download as a file to archive")] = False,
) -> HTMLResponse:
    draft = _load(session, draft_id, token.user)
    headers = {"Content-Disposition": f'attachment; filename="signoff-{draft.id}.html"'} if download else None
    return HTMLResponse(reports.signoff_html(session, draft, organisation=settings.org_name), headers=headers)


@router.get("/audit/export", response_class=PlainTextResponse, summary="审核台账 CSV（年度报告用）")
def audit_export(
    session: SessionDep,
    token: DraftsToken,
    from_date: Annotated[dt.date, Query(alias="from")],
    to_date: Annotated[dt.date, Query(alias="to")],
) -> PlainTextResponse:
    if token.user.role not in ("admin", "reviewer3"):
        raise DomainError(
            403, "forbidden", "仅管理员或终审人员可导出台账", "Only admins and final reviewers may export"
        )
    if to_date < from_date or (to_date - from_date).days > 3660 or to_date.year >= 9999:
        raise DomainError(
            422,
            "invalid_range",
            "日期区间无效（结束早于开始或超过十年）",
            "Invalid range ('to' before 'from' or over 10 years)",
        )
    body = reports.ledger_csv(session, start=from_date, end=to_date)
    return PlainTextResponse(
        "\ufeff" + body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ledger-{from_date}-{to_date}.csv"'},
    )


draft_out = _out  # the one DraftOut builder, shared with the publication route
