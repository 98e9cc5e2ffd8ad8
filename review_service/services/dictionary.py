"""The organisation's dictionary: admins add, edit and retire entries; final reviewers allow-list
false alarms. The entry format and the audit trail are ``review_service.org_dictionary``'s."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from review_service import drafts as draft_rules
from review_service import org_dictionary
from review_service.models import DictionaryEntry, Draft, User
from review_service.permissions import Action, require
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError

# Allow-listing is organisation-wide and permanent: only typo and term findings, never political terms.
ALLOWABLE_PREFIXES = ("typo", "term.")
NEVER_ALLOWLISTED = ("term.political",)
MAX_ID = 2**31


def _maintainer(actor: User) -> None:
    require(actor, Action.MAINTAIN_DICTIONARY, "仅管理员可以维护词库", "Only admins maintain the dictionary")


def require_allow_lister(actor: User) -> None:
    zh = "仅终审人员或管理员可以把误报加入白名单"
    require(actor, Action.ALLOW_LIST_FALSE_ALARM, zh, "Only final reviewers and admins")


def _invalid(exc: org_dictionary.EntryError) -> DomainError:
    return DomainError(422, "invalid_entry", f"词条不符合词库格式：{exc}", f"Invalid dictionary entry: {exc}")


def entries(ctx: ServiceContext, *, newest_first: bool = False) -> list[DictionaryEntry]:
    """Every entry, retired ones included (the admin page shows them struck through)."""
    order = DictionaryEntry.id.desc() if newest_first else DictionaryEntry.id
    return list(ctx.session.scalars(select(DictionaryEntry).order_by(order)))


def entry(ctx: ServiceContext, entry_id: int) -> DictionaryEntry:
    """A live entry (not retired), or ``404 entry_not_found``."""
    found = ctx.session.get(DictionaryEntry, entry_id) if 0 < entry_id < MAX_ID else None
    if found is None or found.retired_at is not None:
        raise DomainError(404, "entry_not_found", "词条不存在或已停用", "Entry not found or retired")
    return found


def add(
    ctx: ServiceContext, *, actor: User, kind: str, text: str, data: dict[str, Any], enabled: bool = True
) -> DictionaryEntry:
    _maintainer(actor)
    try:
        created = org_dictionary.create(ctx.session, user=actor, kind=kind, text=text, data=data)
    except org_dictionary.EntryError as exc:
        raise _invalid(exc) from exc
    if not enabled:
        org_dictionary.update(
            ctx.session, user=actor, entry=created, text=created.text, data=created.data, enabled=False
        )
    return created


def edit(
    ctx: ServiceContext,
    *,
    actor: User,
    entry_id: int,
    text: str,
    data: dict[str, Any],
    enabled: bool,
    kind: str | None = None,
) -> DictionaryEntry:
    """Change an entry's text, data and switch; ``kind``, when given, must be the entry's own."""
    _maintainer(actor)
    found = entry(ctx, entry_id)
    if kind is not None and kind != found.kind:
        raise DomainError(422, "kind_immutable", "词条类型不能修改", "An entry's kind cannot change")
    try:
        org_dictionary.update(ctx.session, user=actor, entry=found, text=text, data=data, enabled=enabled)
    except org_dictionary.EntryError as exc:
        raise _invalid(exc) from exc
    return found


def retire(ctx: ServiceContext, *, actor: User, entry_id: int) -> DictionaryEntry:
    _maintainer(actor)
    found = entry(ctx, entry_id)
    org_dictionary.retire(ctx.session, user=actor, entry=found)
    return found


def allow_list_false_alarm(
    ctx: ServiceContext, *, actor: User, draft: Draft, finding_key: str, note: str | None
) -> DictionaryEntry:
    """Allow-list the text of one finding of the draft's current version, for the whole organisation."""
    require_allow_lister(actor)
    version = draft_rules.latest_version(draft)
    findings = version.check_run.findings if version.check_run else []
    finding = next((f for f in findings if draft_rules.finding_key(f) == finding_key), None)
    if finding is None:
        raise DomainError(404, "finding_not_found", "当前版本没有该问题", "No such finding in the current version")
    if not finding["category"].startswith(ALLOWABLE_PREFIXES) or finding["category"] in NEVER_ALLOWLISTED:
        raise DomainError(
            422,
            "not_allowable",
            "个人信息、涉密和格式类问题不能加入白名单",
            "Only typo and term findings can be allow-listed",
        )
    source = {"body": version.body, "title": version.title, "summary": version.summary or ""}[finding["field"]]
    text = source[finding["start"] : finding["end"]]
    try:
        return org_dictionary.create(
            ctx.session, user=actor, kind="allow", text=text, data={"note": note, "draft": draft.id}
        )
    except org_dictionary.EntryError as exc:
        raise _invalid(exc) from exc
