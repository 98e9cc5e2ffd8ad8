"""The reviewer's side: the queue, a draft with findings, diff, comments and history, and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, or_, select

from review_service import drafts as service
from review_service import reports, work_queue
from review_service.models import AuditEntry, Comment, Draft, DraftVersion, User, utcnow
from review_service.returns import LastReturn, last_return
from review_service.signoff_pdf import PdfUnavailable, render_signoff_pdf
from review_service.stage_times import ENTERS_STAGE
from review_service.web.attachment_view import attachment_rows
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.diffs import diff_rows
from review_service.web.final_copy import final_docx, final_text
from review_service.web.finding_view import block_requirement, grouped, ordered
from review_service.web.forms import METADATA_FIELDS, parse_int
from review_service.web.highlight import category_label, quoted, segments
from review_service.web.render import local_today
from review_service.web.rich_view import marked_html
from review_service.web.routes.draft_access import load_draft, refusal_text
from review_service.work_queue import Waiting
from review_service.workflow_state import state_from_json
from workflows.definition import Action
from workflows.engine import active_stages, unresolved_blocks, waive
from workflows.refusals import Refusal

router = APIRouter()
PAGE_SIZE = 50
STAGE_ACTIONS = (Action.CLAIM, Action.RELEASE, Action.PASS, Action.APPROVE, Action.RETURN)
EVENT_LABELS = {
    "draft_created": "新建稿件",
    "version_saved": "保存新版本",
    "submitted": "提交审核",
    "passed": "校对通过",
    "edited": "校对修改",
    "approved": "审核通过",
    "returned": "退回",
    "withdrawn": "撤回",
    "claimed": "认领",
    "released": "放弃认领",
    "waived": "豁免问题",
    "commented": "发表意见",
    "published": "发布",
    "countersigned": "会签",
    "approvals_voided": "内容变更，已有审核作废",
    "workflow_approved": "全部环节通过",
    "stage_started": "进入下一环节",
    "countersign_pending": "等待会签",
    "dictionary_allow": "误报加入白名单",
    "gate_allow": "发布闸门放行",
    "gate_refuse": "发布闸门拒绝",
    "check_rerun": "重新审校",
    "correction_opened": "发起更正",
}


def summary_rows(page: Page, drafts: list[Draft]) -> list[dict[str, Any]]:
    """Lines for a list page: when each draft started waiting is read in one query for all of them."""
    since = _waiting_since_all(page, drafts)
    return [summary_row(page, d, since.get(d.id)) for d in drafts]


def _waiting_since_all(page: Page, drafts: list[Draft]) -> dict[int, dt.datetime]:
    if not drafts:
        return {}
    rows = page.session.execute(
        select(AuditEntry.draft_id, AuditEntry.kind, func.max(AuditEntry.at))
        .where(AuditEntry.draft_id.in_([d.id for d in drafts]), AuditEntry.kind.in_((*ENTERS_STAGE, "returned")))
        .group_by(AuditEntry.draft_id, AuditEntry.kind)
    ).all()
    status = {d.id: d.status for d in drafts}
    out: dict[int, dt.datetime] = {}
    for draft_id, kind, at in rows:
        relevant = kind == "returned" if status[draft_id] == "returned" else kind in ENTERS_STAGE
        if relevant and (draft_id not in out or at > out[draft_id]):
            out[draft_id] = at
    return out


def summary_row(page: Page, draft: Draft, waiting_since: dt.datetime | None = None) -> dict[str, Any]:
    """One line of a queue or list, with everything the reviewer sorts and filters by."""
    state = state_from_json(draft.run_state)
    version = service.latest_version(draft)
    claim = state.active_claim(utcnow())
    definition = service.definition_of(draft)
    today = local_today()
    return {
        "draft": draft,
        "title": version.title,
        "stage_label": definition.stage(draft.stage).label if draft.stage else "",
        "claimed_by": _name(page, claim.actor) if claim else "",
        "blocking": len(unresolved_blocks(state, service.facts_for(draft))),
        "overdue": bool(
            draft.due_date and draft.due_date < today and draft.status in ("draft", "in_review", "returned")
        ),
        "waiting_since": waiting_since or _waiting_since(page, draft),
        "author": draft.author.display_name or draft.author.username,
    }


def _waiting_since(page: Page, draft: Draft) -> dt.datetime | None:
    """Since the draft reached its current stage (or came back to its author), not its last touch."""
    kinds = ("returned",) if draft.status == "returned" else ENTERS_STAGE
    at = page.session.scalar(
        select(AuditEntry.at)
        .where(AuditEntry.draft_id == draft.id, AuditEntry.kind.in_(kinds))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return at or draft.updated_at


def returned_to_me(page: Page, limit: int) -> list[Draft]:
    return list(
        page.session.scalars(
            service.with_versions(
                select(Draft)
                .where(Draft.author_id == page.user.id, Draft.status == "returned")
                .order_by(Draft.id)
                .limit(limit)
            )
        )
    )


def drafts_by_id(page: Page, ids: list[int]) -> list[Draft]:
    """Whole drafts (versions, check runs, authors in one go) for one page of ids, in that order."""
    if not ids:
        return []
    loaded = {d.id: d for d in page.session.scalars(service.with_versions(select(Draft).where(Draft.id.in_(ids))))}
    return [loaded[i] for i in ids if i in loaded]


def filtered(
    waiting: list[Waiting], *, channel: str, stage: str, overdue: bool, q: str, today: dt.date
) -> list[Waiting]:
    return [
        w
        for w in waiting
        if (not channel or w.channel == channel)
        and (not stage or w.stage_label == stage)
        and (not overdue or (w.due_date is not None and w.due_date < today))
        and (not q or q in w.title)
    ]


def _name(page: Page, user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = page.session.get(User, user_id)
    return (user.display_name or user.username) if user else f"#{user_id}"


@router.get("/queue")
def queue(
    page: PageDep,
    channel: Annotated[str, Query(max_length=20)] = "",
    stage: Annotated[str, Query(max_length=40)] = "",
    overdue: Annotated[str, Query(max_length=5)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Filters and paging run over light rows; only the shown page of drafts is loaded whole."""
    at_stages = page.at_my_stages()
    mine = [w for w in at_stages if w.mine]
    stages = sorted({w.stage_label for w in mine})
    matching = filtered(mine, channel=channel, stage=stage, overdue=bool(overdue), q=q, today=local_today())
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    number = min(page_number, pages)
    shown = matching[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    rows = summary_rows(page, drafts_by_id(page, [w.id for w in shown]))
    claimed_ids = [w.id for w in at_stages if not w.mine]
    claimed = summary_rows(page, drafts_by_id(page, claimed_ids[:PAGE_SIZE]))
    returned_total = work_queue.returned_count(page.session, user=page.user)
    returned = summary_rows(page, returned_to_me(page, PAGE_SIZE))
    filters = {"channel": channel, "stage": stage, "overdue": overdue, "q": q}
    kept = {k: v for k, v in filters.items() if v}
    return page.render(
        "queue.html",
        rows=rows,
        total=len(matching),
        paging={
            "number": number,
            "pages": pages,
            "prev": f"/queue?{urlencode({**kept, 'page': number - 1})}" if number > 1 else None,
            "next": f"/queue?{urlencode({**kept, 'page': number + 1})}" if number < pages else None,
        },
        stages=stages,
        filters=filters,
        claimed=claimed,
        claimed_total=len(claimed_ids),
        returned=returned,
        returned_total=returned_total,
    )


@router.get("/drafts")
def draft_list(
    page: PageDep,
    status: Annotated[str, Query(max_length=20)] = "",
    mine: Annotated[str, Query(max_length=5)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Newest first, one page at a time (LIMIT/OFFSET on the visible drafts)."""
    query = select(Draft).order_by(Draft.id.desc())
    if status:
        query = query.where(Draft.status == status)
    if mine == "1":
        query = query.where(Draft.author_id == page.user.id)
    user = page.user
    if not (user.role in page.spanning_roles or user.spans_departments):
        # The same rule as drafts.can_see, in SQL, so paging counts visible drafts only.
        query = query.where(
            or_(Draft.author_id == user.id, Draft.department_id.is_(None), Draft.department_id == user.department_id)
        )
    query = service.with_versions(query.offset((page_number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
    drafts = [d for d in page.session.scalars(query) if service.can_see(page.user, d, page.spanning_roles)]
    kept = {k: v for k, v in {"status": status, "mine": mine if mine == "1" else ""}.items() if v}
    paging = {
        "number": page_number,
        "prev": f"/drafts?{urlencode({**kept, 'page': page_number - 1})}" if page_number > 1 else None,
        "next": f"/drafts?{urlencode({**kept, 'page': page_number + 1})}" if len(drafts) > PAGE_SIZE else None,
    }
    return page.render(
        "drafts.html",
        rows=summary_rows(page, drafts[:PAGE_SIZE]),
        status=status,
        mine=mine == "1",
        paging=paging,
    )


def _waivable(draft: Draft, page: Page, key: str, facts: Any) -> bool:
    """Ask the workflow itself (a dry run) so the button appears exactly when the server would accept."""
    finding = next((f for f in facts.findings if f.key == key), None)
    if finding is None or finding.severity != "block":
        return False
    try:
        waive(
            service.definition_of(draft),
            state_from_json(draft.run_state),
            service.actor_of(page.user),
            finding,
            "dry run",
            facts,
        )
    except Refusal:
        return False
    return True


def _label(definition: Any, data: dict[str, Any] | None) -> str:
    key = (data or {}).get("stage")
    if not key:
        return ""
    try:
        return definition.stage(key).label
    except KeyError:
        return str(key)


def version_lines(version: DraftVersion) -> list[str]:
    """What a reviewer compares: title, summary, every metadata field (公开方式 matters), then the body."""
    lines = [f"标题：{version.title}", f"摘要：{version.summary or ''}"]
    lines += [f"{label}：{(version.meta or {}).get(name, '')}" for name, label in METADATA_FIELDS]
    return [*lines, "——正文——", *version.body.splitlines()]


def _pick(versions: list[DraftVersion], number: int | None, fallback: DraftVersion | None) -> DraftVersion | None:
    return next((v for v in versions if v.number == number), fallback) if number else fallback


@router.get("/drafts/{draft_id}")
def draft_page(
    draft_id: int,
    page: PageDep,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=2**31 - 1)] = None,
    confirm_submit: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    draft = load_draft(page, draft_id)
    state = state_from_json(draft.run_state)
    version = service.latest_version(draft)
    run = version.check_run
    findings = ordered(
        [{**f, "key": service.finding_key(f), "quote": quoted(version, f)} for f in (run.findings if run else [])]
    )
    facts = service.facts_for(draft)
    definition = service.definition_of(draft)
    waived = {w.finding_key: w for w in state.waivers if w.content_hash == version.content_hash}
    open_blocks = {f.key for f in unresolved_blocks(state, facts)}
    for f in findings:
        f["waiver"] = waived.get(f["key"])
        f["waivable"] = f["waiver"] is None and _waivable(draft, page, f["key"], facts)
        if f["key"] in open_blocks:
            f["requirement"] = block_requirement(definition, f["category"], facts.public_channel)
    actions = service.actions_for(draft, page.user)
    returned = last_return(page.session, draft)
    decided = {d.stage: d for d in state.decisions if d.content_hash == version.content_hash}
    stages = [
        {
            "label": s.label,
            "key": s.key,
            "done": s.key in decided,
            "actor": _name(page, decided[s.key].actor) if s.key in decided else "",
            "current": s.key == draft.stage,
        }
        for s in active_stages(definition, state)
    ]
    comments = page.session.scalars(select(Comment).where(Comment.draft_id == draft.id).order_by(Comment.id)).all()
    history = page.session.scalars(
        select(AuditEntry).where(AuditEntry.draft_id == draft.id).order_by(AuditEntry.id)
    ).all()
    versions = draft.versions
    newer = _pick(versions, to_version, version)
    older = _pick(versions, from_version, next((v for v in reversed(versions) if v.number < newer.number), None))
    at_final = draft.stage == definition.final_stage.key
    return page.render(
        "draft.html",
        draft=draft,
        version=version,
        row=summary_row(page, draft),
        check_state=service.check_state(draft),
        findings=findings,
        groups=grouped(findings),
        blocks=[f for f in findings if f.get("requirement")],
        final_label=definition.final_stage.label,
        final_blocked=at_final and Action.RETURN in actions and Action.APPROVE not in actions and bool(open_blocks),
        last_return=returned,
        unchanged_since_return=_unchanged_since_return(draft, returned),
        confirm_submit=confirm_submit == "1",
        approved_content=_approved_version(draft) is not None,
        final_text=final_text(version) if _approved_version(draft) else "",
        segments={
            name: segments(getattr(version, name) or "", findings, name) for name in ("title", "summary", "body")
        },
        category_label=category_label,
        stage_actions=[a.value for a in STAGE_ACTIONS if a in actions],
        can_edit=Action.EDIT in actions,
        can_submit=Action.SUBMIT in actions,
        can_withdraw=Action.WITHDRAW in actions,
        is_author=draft.author_id == page.user.id,
        stages=stages,
        comments=[(c, _name(page, c.author_id)) for c in comments],
        history=[
            (h, _name(page, h.actor_id), EVENT_LABELS.get(h.kind, h.kind), _label(definition, h.data)) for h in history
        ],
        diff=diff_rows(version_lines(older), version_lines(newer)) if older and newer else [],
        diff_from=older,
        diff_to=newer,
        metadata=[(label, (version.meta or {}).get(name)) for name, label in METADATA_FIELDS],
        versions=versions,
        rich_body=marked_html(version.body, findings) if version.body_format == "html" else None,
        attachments=attachment_rows(page.session, draft, page.user),
    )


def _unchanged_since_return(draft: Draft, returned: LastReturn | None) -> bool:
    """The author is about to resubmit exactly what was returned."""
    return (
        draft.status == "returned"
        and returned is not None
        and returned.version is not None
        and service.latest_version(draft).number <= returned.version
    )


def _decide(page: Page, draft: Draft, action: Action, comment: str | None, revision: int | None) -> Response:
    try:
        service.act(
            page.session, draft=draft, user=page.user, action=action, comment=comment, expected_revision=revision
        )
    except Refusal as refusal:
        page.session.rollback()
        return page.redirect(f"/drafts/{draft.id}", refusal_text(refusal), "error")
    except service.CheckPending as pending:
        return page.redirect(f"/drafts/{draft.id}", f"操作未执行：{pending.message_zh}", "error")
    label = {
        "pass": "已校对通过",
        "approve": "已审核通过",
        "return": "已退回",
        "claim": "已认领",
        "release": "已放弃认领",
        "submit": "已提交审核",
        "withdraw": "已撤回，稿件回到草稿状态",
    }[action.value]
    return page.redirect(f"/drafts/{draft.id}", label)


def _form_int(data: Any, name: str) -> int | None:
    return parse_int(data.get(name), lo=0, hi=2**31 - 1)


@router.post("/drafts/{draft_id}/act")
def act(draft_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    draft = load_draft(page, draft_id, lock=True)
    raw = data.get("action")
    allowed = {a.value for a in (*STAGE_ACTIONS, Action.SUBMIT, Action.WITHDRAW)}
    if not isinstance(raw, str) or raw not in allowed:
        return page.redirect(f"/drafts/{draft.id}", "未知的操作", "error")
    comment = data.get("comment")
    comment = comment.strip()[:5000] if isinstance(comment, str) and comment.strip() else None
    unchanged = raw == "submit" and _unchanged_since_return(draft, last_return(page.session, draft))
    if unchanged and data.get("confirm") != "1":
        return page.redirect(f"/drafts/{draft.id}?confirm_submit=1#actions")
    return _decide(page, draft, Action(raw), comment, _form_int(data, "expected_revision"))


@router.post("/drafts/{draft_id}/waive")
def waive_finding(draft_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    draft = load_draft(page, draft_id, lock=True)
    key = data.get("finding_key")
    reason = data.get("reason")
    if not isinstance(key, str) or not isinstance(reason, str) or not reason.strip():
        return page.redirect(f"/drafts/{draft.id}", "豁免须填写理由", "error")
    try:
        service.waive_finding(
            page.session,
            draft=draft,
            user=page.user,
            key=key,
            reason=reason.strip()[:2000],
            expected_revision=_form_int(data, "expected_revision"),
        )
    except LookupError:
        return page.redirect(f"/drafts/{draft.id}", "当前版本没有该问题", "error")
    except service.CheckPending as pending:
        return page.redirect(f"/drafts/{draft.id}", f"操作未执行：{pending.message_zh}", "error")
    except Refusal as refusal:
        page.session.rollback()
        return page.redirect(f"/drafts/{draft.id}", refusal_text(refusal), "error")
    return page.redirect(f"/drafts/{draft.id}", "已豁免该问题并记录理由")


@router.post("/drafts/{draft_id}/recheck")
def recheck(draft_id: int, page: FormPageDep) -> Response:
    """重新审校 after a failed automatic check (the only way out of that state besides a new version)."""
    draft = load_draft(page, draft_id, lock=True)
    try:
        service.recheck_version(page.session, draft=draft, user=page.user)
    except service.RecheckRefused as refused:
        return page.redirect(f"/drafts/{draft.id}", f"操作未执行：{refused.message_zh}", "error")
    return page.redirect(f"/drafts/{draft.id}", "已重新提交自动审校")


@router.post("/drafts/{draft_id}/comment")
def comment(draft_id: int, page: FormPageDep, data: FormDataDep) -> Response:
    draft = load_draft(page, draft_id)
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        return page.redirect(f"/drafts/{draft.id}", "意见不能为空", "error")
    service.add_comment(page.session, draft=draft, user=page.user, body=body.strip()[:5000])
    return page.redirect(f"/drafts/{draft.id}#comments", "意见已发表")


def _approved_version(draft: Draft) -> DraftVersion | None:
    """The version the workflow approved, while the draft stands approved or published."""
    version = service.latest_version(draft)
    state = state_from_json(draft.run_state)
    if draft.status in ("approved", "published") and state.content_hash == version.content_hash:
        return version
    return None


@router.get("/drafts/{draft_id}/final.{kind}")
def download_final(draft_id: int, kind: str, page: PageDep) -> Response:
    """下载定稿: exactly the approved content, as .txt or .docx."""
    draft = load_draft(page, draft_id)
    version = _approved_version(draft)
    if version is None or kind not in ("txt", "docx"):
        return page.redirect(f"/drafts/{draft.id}", "只有终审通过的稿件可以下载定稿", "error")
    name = f"draft-{draft.id}-v{version.number}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "txt":
        return Response(final_text(version).encode("utf-8"), media_type="text/plain; charset=utf-8", headers=headers)
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Response(final_docx(version), media_type=media, headers=headers)


@router.get("/drafts/{draft_id}/signoff")
def signoff(draft_id: int, page: PageDep) -> Response:
    draft = load_draft(page, draft_id)
    # The sheet is a self-contained printable file with its own inline style and no script.
    policy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'"
    return HTMLResponse(
        reports.signoff_html(
            page.session, draft, organisation=page.settings.org_name, pdf_href=f"/drafts/{draft.id}/signoff.pdf"
        ),
        headers={"Content-Security-Policy": policy},
    )


@router.get("/drafts/{draft_id}/signoff.pdf")
def signoff_pdf(draft_id: int, page: PageDep) -> Response:
    """The same sheet as a PDF made on the server (A4, signature boxes), for filing: Chromium, else reportlab."""
    draft = load_draft(page, draft_id)
    sheet = reports.signoff_sheet(page.session, draft, organisation=page.settings.org_name)
    page.session.commit()  # printing takes a few seconds: hold no transaction meanwhile
    try:
        data, _ = render_signoff_pdf(sheet, reports.render_signoff_html(sheet))
    except PdfUnavailable as unavailable:
        return page.redirect(f"/drafts/{draft_id}", f"{unavailable.message_zh}（{unavailable.code}）", "error")
    name = f"signoff-{draft_id}.pdf"
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(f'审签单-{draft_id}.pdf')}"
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": disposition})
