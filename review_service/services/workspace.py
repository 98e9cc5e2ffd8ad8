"""The editor's workspace: typed, unsaved text checked, its suggestions applied, its personal data masked, and
the typed draft saved (a new draft, a new version, or a proofreader's edit) and perhaps submitted.

The pages only translate forms into these calls and the results into pages. A check of typed text runs after
the request's transaction has ended: SQLite has one writer, and a long check inside a transaction would stall
everyone's requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from checks import Channel, DocType, DraftInput
from checks.finding import Finding
from checks.pipeline import CheckResult
from review_service import drafts as domain
from review_service.check_service import apply_replacements, current_overlay, mask_draft, run_check
from review_service.models import Draft, User
from review_service.org_dictionary import Overlay
from review_service.services import drafts as service
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from workflows.definition import Action

# Metadata findings have no span; these categories name the metadata field their suggestion replaces.
METADATA_TARGETS = {"format.doc_number": "doc_number"}

Selection = Literal["key", "rule", "category"]
SaveKind = Literal["new", "proofread", "version"]  # a new draft, a proofreader's edit, the author's new version


def _overlay_outside_transaction(ctx: ServiceContext) -> Overlay | None:
    """The organisation's dictionary as of now; then the request's transaction ends, so the check that
    follows holds no database lock."""
    overlay = current_overlay(ctx.session, ctx.settings)
    ctx.session.commit()
    return overlay


def check_typed(ctx: ServiceContext, draft: DraftInput) -> CheckResult:
    """Typed text checked with the organisation's dictionary, as the saved version will be."""
    return run_check(draft, _overlay_outside_transaction(ctx))


@dataclass(frozen=True)
class Applied:
    """The typed fields with the chosen suggestions applied, and how many were applied."""

    fields: dict[str, str]  # title, summary, body
    count: int
    metadata: dict[str, Any] | None = None  # None: unchanged


def selected(how: Selection, value: str) -> Callable[[Finding], bool]:
    """Which findings' suggestions an editor asked for: one finding (its key), one rule, or one category."""
    if how == "key":
        return lambda f: domain.finding_key(f.to_dict()) == value
    if how == "rule":
        return lambda f: f.rule == value
    return lambda f: f.category == value


def apply_suggestions(
    ctx: ServiceContext, draft: DraftInput, metadata: Mapping[str, Any], wanted: Callable[[Finding], bool]
) -> Applied:
    """Each wanted finding's suggestion put in place (text spans right to left; a metadata finding into its
    field), found by checking the typed text now: what the editor saw may have changed since."""
    findings = [f for f in check_typed(ctx, draft).findings if wanted(f) and f.suggestion is not None]
    typed = {"title": draft.title or "", "summary": draft.summary or "", "body": draft.body}
    fields = {
        name: apply_replacements(value, [f for f in findings if f.field == name]) for name, value in typed.items()
    }
    changed = dict(metadata)
    for f in findings:
        if f.field == "metadata" and f.category in METADATA_TARGETS:
            changed[METADATA_TARGETS[f.category]] = f.suggestion or ""
    return Applied(fields, len(findings), changed)


def mask_typed(ctx: ServiceContext, draft: DraftInput) -> Applied:
    """The typed fields with personal data replaced by its masked form (metadata unchanged)."""
    masked, pii = mask_draft(draft, _overlay_outside_transaction(ctx))
    fields = {name: masked[name] or "" for name in ("title", "summary", "body")}
    return Applied(fields, len(pii))


@dataclass(frozen=True)
class TypedDraft:
    """What the workspace form holds when the editor saves."""

    content: domain.Content
    channel: Channel
    doc_type: DocType
    due_date: dt.date | None
    priority: int
    countersign: tuple[str, ...]
    expected_revision: int | None
    file_findings: list[dict[str, Any]] | None  # what the source .docx hid, checked with the version


@dataclass(frozen=True)
class Saved:
    draft: Draft
    kind: SaveKind
    version: int
    submitted: bool
    pending: str | None  # why the saved version was not submitted (still being checked, or refused)


def save(ctx: ServiceContext, *, user: User, draft: Draft | None, typed: TypedDraft, submit: bool) -> Saved:
    """A new draft, a proofreader's edit or the author's new version, as the editor's role on the draft
    decides; with ``submit``, submitted once its check has run (a check still running leaves it saved)."""
    if draft is None:
        draft = service.create(
            ctx, user=user, content=typed.content, channel=typed.channel, doc_type=typed.doc_type,
            due_date=typed.due_date, priority=typed.priority, countersign=typed.countersign,
        )  # fmt: skip
        kind: SaveKind = "new"
    elif service.editing_mode(draft, user) == "proofread":
        service.act(
            ctx, draft=draft, user=user, action=Action.EDIT, content=typed.content,
            expected_revision=typed.expected_revision,
        )  # fmt: skip
        kind = "proofread"
    else:
        service.save_version(
            ctx, draft=draft, user=user, content=typed.content, expected_revision=typed.expected_revision
        )
        kind = "version"
    # the version's check (after this commit) reads these and merges them into its findings
    domain.latest_version(draft).file_findings = typed.file_findings or None
    submitted, pending = False, None
    if submit:
        service.settle(ctx)  # the saved version is checked after this commit, before submitting
        try:
            service.act(ctx, draft=draft, user=user, action=Action.SUBMIT)
            submitted = True
        except DomainError as refused:  # the version is saved (committed): the editor learns why it waits
            ctx.session.rollback()
            waiting = isinstance(refused, domain.CheckPending)
            pending = refused.message_zh if waiting else f"提交未执行：{refused.message_zh}"
    return Saved(draft, kind, domain.latest_version(draft).number, submitted, pending)
