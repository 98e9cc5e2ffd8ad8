"""The editor workspace: paste or upload, check, apply suggestions, mask, save, submit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile as StarletteUpload

from checks import Channel, DocType
from checks.docx_reader import DocxError, read_docx
from review_service import drafts as domain
from review_service.api.deps import ContextDep
from review_service.models import Draft
from review_service.returns import last_return
from review_service.services import drafts as service
from review_service.services import workspace
from review_service.services.context import ServiceContext
from review_service.web.attachment_view import attachment_rows
from review_service.web.deps import FormDataDep, FormPageDep, Page, PageDep
from review_service.web.docx_import import from_docx
from review_service.web.finding_view import grouped, ordered
from review_service.web.forms import DISCLOSURE_CHOICES, METADATA_FIELDS, DraftForm
from review_service.web.highlight import category_label, quoted, segments
from review_service.web.refusals import back_on_refusal, form_on_refusal, refusal_text
from review_service.web.rich_view import editable_html, marked_html
from review_service.web.sealed_findings import scope_of, seal, unseal

router = APIRouter()
MAX_DOCX_BYTES = 20_000_000


def _mode(draft: Draft | None, page: Page) -> str:
    """new: a fresh draft; author: a new version by the author; proofread: a proofreader's edit."""
    return service.editing_mode(draft, page.user)


def _render(
    page: Page,
    form: DraftForm,
    *,
    draft: Draft | None = None,
    errors: list[str] | None = None,
    extra: list[dict[str, Any]] | None = None,
    status_code: int = 200,
) -> Response:
    findings: list[dict[str, Any]] = []
    verdict = None
    if form.body.strip() and not (errors or []):
        result = workspace.check_typed(page.ctx, form.to_input())
        findings = ordered([{**f.to_dict(), "key": domain.finding_key(f.to_dict())} for f in result.findings])
        for f in findings:
            f["quote"] = quoted(form, f)
        verdict = result.verdict
    kinds = sorted({f["category"] for f in findings if f["suggestion"] is not None})
    is_html = form.body_format == "html"
    extra = extra or unseal(page.settings.data_dir, form.file_findings, scope_of(form.draft_id, page.user.id))
    return page.render(
        "workspace.html",
        status_code=status_code,
        form=form,
        draft=draft,
        mode=_mode(draft, page),
        errors=errors or [],
        findings=findings,
        groups=grouped(findings),
        verdict=verdict,
        kinds=kinds,
        extra_findings=extra or [],
        has_pii=any(f["category"].startswith("pii.") for f in findings),
        segments={name: segments(getattr(form, name), findings, name) for name in ("title", "summary", "body")},
        rich_body=marked_html(form.body, findings) if is_html and form.body.strip() else None,
        rich_seed=(editable_html(form.body) if form.body.strip() else "") if is_html else None,
        category_label=category_label,
        metadata_fields=METADATA_FIELDS,
        disclosure_choices=DISCLOSURE_CHOICES,
        last_return=last_return(page.session, draft) if draft is not None and draft.status == "returned" else None,
        metadata_findings=any(f["field"] == "metadata" for f in findings),
        channels=[c.value for c in Channel],
        doc_types=[d.value for d in DocType],
        attachments=attachment_rows(page.session, draft, page.user) if draft is not None else None,
    )


def _form_of(draft: Draft) -> DraftForm:
    version = domain.latest_version(draft)
    meta = {name: str(version.meta.get(name, "")) for name, _ in METADATA_FIELDS}
    return DraftForm(
        title=version.title,
        summary=version.summary or "",
        body=version.body,
        body_format=version.body_format,
        channel=draft.channel,
        doc_type=draft.doc_type,
        metadata=meta,
        due_date=draft.due_date.isoformat() if draft.due_date else "",
        priority=str(draft.priority),
        draft_id=draft.id,
        expected_revision=draft.revision,
    )


def _form_of_draft(page: Page, draft: Draft) -> DraftForm:
    """A new version made from this one keeps what the source file hid (the content comes from it)."""
    form = _form_of(draft)
    return form.with_fields(
        file_findings=seal(
            page.settings.data_dir,
            domain.latest_version(draft).file_findings or [],
            scope_of(draft.id, page.user.id),
        )
    )


@router.get("/workspace")
def workspace_page(page: PageDep) -> Response:
    return _render(page, DraftForm())


@router.get("/drafts/{draft_id}/edit")
def edit_draft(draft_id: int, page: PageDep, ctx: ContextDep) -> Response:
    draft = service.load(ctx, page.user, draft_id)
    back_on_refusal(page, f"/drafts/{draft.id}")
    service.require_editor(draft, page.user)
    return _render(page, _form_of_draft(page, draft), draft=draft)


def _apply(page: Page, form: DraftForm, how: workspace.Selection, value: str) -> tuple[DraftForm, int]:
    applied = workspace.apply_suggestions(page.ctx, form.to_input(), form.metadata, workspace.selected(how, value))
    return form.with_fields(**applied.fields, metadata=applied.metadata), applied.count


def _save(page: Page, ctx: ServiceContext, form: DraftForm, draft: Draft | None, *, submit: bool) -> Response:
    # a refusal shows the form again with what was typed, and the refusal above it
    form_on_refusal(
        page.request,
        lambda again, refused: _render(
            again, form, draft=_reload(again, again.ctx, form), errors=[refusal_text(refused)],
            status_code=refused.status,
        ),
    )  # fmt: skip
    typed = workspace.TypedDraft(
        content=form.to_content(), channel=Channel(form.channel), doc_type=DocType(form.doc_type),
        due_date=form.due, priority=form.priority_value, countersign=form.countersign_departments,
        expected_revision=form.expected_revision,
        file_findings=unseal(page.settings.data_dir, form.file_findings, scope_of(form.draft_id, page.user.id)),
    )  # fmt: skip
    saved = workspace.save(ctx, user=page.user, draft=draft, typed=typed, submit=submit)
    return page.redirect(f"/drafts/{saved.draft.id}", _saved_message(saved))


def _saved_message(saved: workspace.Saved) -> str:
    if saved.kind == "new":
        message = f"已保存为稿件 #{saved.draft.id} 第 1 版"
    elif saved.kind == "proofread":
        message = f"已保存校对修改（第 {saved.version} 版）"
    else:
        message = f"已保存第 {saved.version} 版"
    if saved.submitted:
        return message + "，并已提交审核"
    return message + (f"；{saved.pending}，暂未提交" if saved.pending else "")


def _reload(page: Page, ctx: ServiceContext, form: DraftForm) -> Draft | None:
    return service.load(ctx, page.user, form.draft_id) if form.draft_id else None


@router.post("/workspace")
def workspace_action(page: FormPageDep, ctx: ContextDep, data: FormDataDep) -> Response:
    form = DraftForm.from_form(data, max_chars=page.settings.max_text_chars)
    op = str(data.get("op") or "check")[:200]
    if op == "upload_docx":
        return _load_docx(page, form, data.get("file"))
    draft = _reload(page, ctx, form)
    saving = op in ("save", "save_submit")
    errors = form.errors(max_chars=page.settings.max_text_chars, for_saving=saving)
    if errors:
        return _render(page, form, draft=draft, errors=errors, status_code=422)
    if op.startswith("apply:"):
        form, count = _apply(page, form, "key", op.removeprefix("apply:"))
        page.flashes.append({"level": "ok", "text": f"已采纳 {count} 处建议" if count else "该问题已不存在，未作修改"})
    elif op.startswith("apply_rule:"):
        form, count = _apply(page, form, "rule", op.removeprefix("apply_rule:"))
        page.flashes.append({"level": "ok", "text": f"已全部采纳 {count} 处同类建议"})
    elif op.startswith("apply_kind:"):
        category = op.removeprefix("apply_kind:")
        form, count = _apply(page, form, "category", category)
        page.flashes.append({"level": "ok", "text": f"已采纳“{category_label(category)}”类建议 {count} 处"})
    elif op == "mask":
        masked = workspace.mask_typed(page.ctx, form.to_input())
        form = form.with_fields(**masked.fields)
        page.flashes.append({"level": "ok", "text": f"已对 {masked.count} 处个人信息脱敏"})
    elif saving:
        return _save(page, ctx, form, draft, submit=op == "save_submit")
    return _render(page, form, draft=draft)


def _load_docx(page: Page, form: DraftForm, upload: object) -> Response:
    """The Word file replaces title and body; channel, type and metadata typed so far are kept."""
    if not isinstance(upload, StarletteUpload) or not upload.filename:
        return _render(page, form, errors=["请选择要上传的 .docx 文件。"], status_code=422)
    limit = min(MAX_DOCX_BYTES, page.settings.max_request_bytes)
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        return _render(page, form, errors=[f"文件过大（上限 {limit // 1_000_000 or 1} MB）。"], status_code=413)
    try:
        content = read_docx(data)
    except DocxError as exc:
        return _render(page, form, errors=[exc.message], status_code=422)
    imported = from_docx(content)
    metadata = dict(form.metadata)
    if imported.written_date and not metadata.get("written_date"):
        metadata["written_date"] = imported.written_date
    form = form.with_fields(
        title=imported.title or form.title,
        body=imported.body,
        doc_type=imported.doc_type if imported.doc_type and form.doc_type == "other" else form.doc_type,
        metadata=metadata,
        file_findings=seal(
            page.settings.data_dir,
            [f.to_dict() for f in content.hidden_findings],
            scope_of(form.draft_id, page.user.id),
        ),
    )
    extra = [f.to_dict() for f in content.hidden_findings]
    errors = form.errors(max_chars=page.settings.max_text_chars, for_saving=False)
    page.flashes.append({"level": "ok", "text": f"已读取 {upload.filename}，请核对标题与正文"})
    return _render(page, form, errors=errors, extra=extra, status_code=422 if errors else 200)


@router.post("/workspace/docx")
def upload_docx(page: FormPageDep, data: FormDataDep) -> Response:
    """The upload on its own (also reachable from the workspace form's 读取文档 button)."""
    form = DraftForm.from_form(data, max_chars=page.settings.max_text_chars)
    return _load_docx(page, form, data.get("file"))
