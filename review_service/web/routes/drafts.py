"""The reviewer's side: the queue, a draft with findings, diff, comments and history, and decisions.

Thin: what a person may see and do is ``services.drafts``'s to decide; a refusal comes back to the
draft page as a flash (``web.refusals``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from checks import Channel
from review_service import drafts as domain
from review_service import reports
from review_service.api.deps import ContextDep
from review_service.models import Draft, DraftVersion
from review_service.services import draft_views
from review_service.services import drafts as service
from review_service.services.context import ServiceContext
from review_service.signoff_pdf import render_signoff_pdf
from review_service.web.attachment_view import attachment_rows
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.diffs import diff_rows
from review_service.web.final_copy import final_docx, final_text
from review_service.web.finding_view import block_requirement, grouped, ordered
from review_service.web.forms import METADATA_FIELDS, parse_int
from review_service.web.highlight import category_label, quoted, segments
from review_service.web.refusals import back_on_refusal
from review_service.web.render import local_today
from review_service.web.rich_view import marked_html
from review_service.work_queue import Waiting
from workflows.definition import Action

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


def summary_rows(ctx: ServiceContext, drafts: list[Draft]) -> list[dict[str, Any]]:
    """Lines for a list page: the shared draft summary, plus names and since when each draft waits."""
    summaries = [draft_views.summarize(ctx, d) for d in drafts]
    since = service.waiting_since(ctx, drafts)
    names = service.display_names(ctx, [s.claimed_by for s in summaries])
    return [
        {
            "draft": s.draft,
            "title": s.title,
            "stage_label": s.stage_label or "",
            "claimed_by": _name(names, s.claimed_by),
            "blocking": s.blocking,
            "overdue": s.overdue,
            "waiting_since": since.get(s.draft.id),
            "author": s.draft.author.display_name or s.draft.author.username,
        }
        for s in summaries
    ]


def _name(names: dict[int, str], user_id: int | None) -> str:
    if user_id is None:
        return ""
    return names.get(user_id, f"#{user_id}")


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


@router.get("/queue")
def queue(
    page: PageDep,
    ctx: ContextDep,
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
    rows = summary_rows(ctx, service.by_ids(ctx, [w.id for w in shown]))
    claimed_ids = [w.id for w in at_stages if not w.mine]
    claimed = summary_rows(ctx, service.by_ids(ctx, claimed_ids[:PAGE_SIZE]))
    returned = summary_rows(ctx, service.returned_to(ctx, page.user, PAGE_SIZE))
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
        returned_total=service.returned_count(ctx, page.user),
    )


@router.get("/drafts")
def draft_list(
    page: PageDep,
    ctx: ContextDep,
    status: Annotated[str, Query(max_length=20)] = "",
    mine: Annotated[str, Query(max_length=5)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Newest first, one page at a time (LIMIT/OFFSET on the visible drafts)."""
    drafts = service.visible_drafts(
        ctx,
        page.user,
        status=status or None,
        authored=mine == "1",
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE + 1,
    )
    kept = {k: v for k, v in {"status": status, "mine": mine if mine == "1" else ""}.items() if v}
    paging = {
        "number": page_number,
        "prev": f"/drafts?{urlencode({**kept, 'page': page_number - 1})}" if page_number > 1 else None,
        "next": f"/drafts?{urlencode({**kept, 'page': page_number + 1})}" if len(drafts) > PAGE_SIZE else None,
    }
    return page.render(
        "drafts.html",
        rows=summary_rows(ctx, drafts[:PAGE_SIZE]),
        status=status,
        mine=mine == "1",
        paging=paging,
    )


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
    ctx: ContextDep,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=2**31 - 1)] = None,
    confirm_submit: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    draft = service.load(ctx, page.user, draft_id)
    review = draft_views.review(ctx, draft, page.user)
    version = review.view.summary.version
    definition = domain.definition_of(draft)
    public = Channel(draft.channel).is_public
    findings = ordered([{**f, "quote": quoted(version, f)} for f in review.findings])
    for f in findings:
        if f["open"]:
            f["requirement"] = block_requirement(definition, f["category"], public)
    comments = service.comments(ctx, draft)
    history = service.history(ctx, draft)
    names = service.display_names(
        ctx, [*(s.actor for s in review.stages), *(c.author_id for c in comments), *(h.actor_id for h in history)]
    )
    actions = review.view.actions
    versions = draft.versions
    newer = _pick(versions, to_version, version)
    older = _pick(versions, from_version, next((v for v in reversed(versions) if v.number < newer.number), None))
    return page.render(
        "draft.html",
        draft=draft,
        version=version,
        row=summary_rows(ctx, [draft])[0],
        check_state=review.view.check_state,
        findings=findings,
        groups=grouped(findings),
        blocks=[f for f in findings if f.get("requirement")],
        final_label=definition.final_stage.label,
        final_blocked=review.final_blocked,
        last_return=review.view.last_return,
        unchanged_since_return=review.unchanged_since_return,
        confirm_submit=confirm_submit == "1",
        approved_content=review.approved is not None,
        final_text=final_text(version) if review.approved else "",
        segments={
            name: segments(getattr(version, name) or "", findings, name) for name in ("title", "summary", "body")
        },
        category_label=category_label,
        stage_actions=[a.value for a in STAGE_ACTIONS if a in actions],
        can_edit=Action.EDIT in actions,
        can_submit=Action.SUBMIT in actions,
        can_withdraw=Action.WITHDRAW in actions,
        is_author=draft.author_id == page.user.id,
        stages=[
            {"label": s.label, "key": s.key, "done": s.done, "actor": _name(names, s.actor), "current": s.current}
            for s in review.stages
        ],
        comments=[(c, _name(names, c.author_id)) for c in comments],
        history=[
            (
                h,
                _name(names, h.actor_id),
                EVENT_LABELS.get(h.kind, h.kind),
                draft_views.stage_label(draft, (h.data or {}).get("stage")),
            )
            for h in history
        ],
        diff=diff_rows(version_lines(older), version_lines(newer)) if older and newer else [],
        diff_from=older,
        diff_to=newer,
        metadata=[(label, (version.meta or {}).get(name)) for name, label in METADATA_FIELDS],
        versions=versions,
        rich_body=marked_html(version.body, findings) if version.body_format == "html" else None,
        attachments=attachment_rows(ctx.session, draft, page.user),
    )


DONE = {
    Action.PASS: "已校对通过",
    Action.APPROVE: "已审核通过",
    Action.RETURN: "已退回",
    Action.CLAIM: "已认领",
    Action.RELEASE: "已放弃认领",
    Action.SUBMIT: "已提交审核",
    Action.WITHDRAW: "已撤回，稿件回到草稿状态",
}


def _form_int(data: Any, name: str) -> int | None:
    return parse_int(data.get(name), lo=0, hi=2**31 - 1)


def _load_for_change(page: Page, ctx: ServiceContext, draft_id: int, *, lock: bool = True) -> Draft:
    """The draft, locked; from here a refusal returns to its page as a flash."""
    draft = service.load(ctx, page.user, draft_id, lock=lock)
    back_on_refusal(page, f"/drafts/{draft.id}")
    return draft


@router.post("/drafts/{draft_id}/act")
def act(draft_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    draft = _load_for_change(page, ctx, draft_id)
    raw = data.get("action")
    if not isinstance(raw, str) or raw not in DONE:
        return page.redirect(f"/drafts/{draft.id}", "未知的操作", "error")
    action = Action(raw)
    comment = data.get("comment")
    comment = comment.strip()[:5000] if isinstance(comment, str) and comment.strip() else None
    unchanged = action is Action.SUBMIT and service.unchanged_since_return(ctx, draft)
    if unchanged and data.get("confirm") != "1":
        return page.redirect(f"/drafts/{draft.id}?confirm_submit=1#actions")
    service.act(
        ctx,
        draft=draft,
        user=page.user,
        action=action,
        comment=comment,
        expected_revision=_form_int(data, "expected_revision"),
    )
    return page.redirect(f"/drafts/{draft.id}", DONE[action])


@router.post("/drafts/{draft_id}/waive")
def waive_finding(draft_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    draft = _load_for_change(page, ctx, draft_id)
    key = data.get("finding_key")
    reason = data.get("reason")
    if not isinstance(key, str) or not isinstance(reason, str) or not reason.strip():
        return page.redirect(f"/drafts/{draft.id}", "豁免须填写理由", "error")
    service.waive_finding(
        ctx,
        draft=draft,
        user=page.user,
        key=key,
        reason=reason.strip()[:2000],
        expected_revision=_form_int(data, "expected_revision"),
    )
    return page.redirect(f"/drafts/{draft.id}", "已豁免该问题并记录理由")


@router.post("/drafts/{draft_id}/recheck")
def recheck(draft_id: int, page: FormPageDep, ctx: ContextDep) -> Response:
    """重新审校 after a failed automatic check (the only way out of that state besides a new version)."""
    draft = _load_for_change(page, ctx, draft_id)
    service.recheck(ctx, draft=draft, user=page.user)
    return page.redirect(f"/drafts/{draft.id}", "已重新提交自动审校")


@router.post("/drafts/{draft_id}/comment")
def comment(draft_id: int, page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    draft = _load_for_change(page, ctx, draft_id, lock=False)
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        return page.redirect(f"/drafts/{draft.id}", "意见不能为空", "error")
    service.comment(ctx, draft=draft, user=page.user, body=body.strip()[:5000])
    return page.redirect(f"/drafts/{draft.id}#comments", "意见已发表")


@router.get("/drafts/{draft_id}/final.{kind}")
def download_final(draft_id: int, kind: str, page: PageDep, ctx: ContextDep) -> Response:
    """下载定稿: exactly the approved content, as .txt or .docx."""
    draft = service.load(ctx, page.user, draft_id)
    version = draft_views.approved_version(draft)
    if version is None or kind not in ("txt", "docx"):
        return page.redirect(f"/drafts/{draft.id}", "只有终审通过的稿件可以下载定稿", "error")
    name = f"draft-{draft.id}-v{version.number}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "txt":
        return Response(final_text(version).encode("utf-8"), media_type="text/plain; charset=utf-8", headers=headers)
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Response(final_docx(version), media_type=media, headers=headers)


@router.get("/drafts/{draft_id}/signoff")
def signoff(draft_id: int, page: PageDep, ctx: ContextDep) -> Response:
    draft = service.load(ctx, page.user, draft_id)
    # The sheet is a self-contained printable file with its own inline style and no script.
    policy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'"
    return HTMLResponse(
        reports.signoff_html(
            ctx.session, draft, organisation=ctx.settings.org_name, pdf_href=f"/drafts/{draft.id}/signoff.pdf"
        ),
        headers={"Content-Security-Policy": policy},
    )


@router.get("/drafts/{draft_id}/signoff.pdf")
def signoff_pdf(draft_id: int, page: PageDep, ctx: ContextDep) -> Response:
    """The same sheet as a PDF made on the server (A4, signature boxes), for filing: Chromium, else reportlab."""
    draft = service.load(ctx, page.user, draft_id)
    sheet = reports.signoff_sheet(ctx.session, draft, organisation=ctx.settings.org_name)
    ctx.session.commit()  # printing takes a few seconds: hold no transaction meanwhile
    back_on_refusal(page, f"/drafts/{draft_id}")  # no PDF (pdf_unavailable): a flash on the draft's page
    data, _ = render_signoff_pdf(sheet, reports.render_signoff_html(sheet))
    name = f"signoff-{draft_id}.pdf"
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(f'审签单-{draft_id}.pdf')}"
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": disposition})
