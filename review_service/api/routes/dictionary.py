"""The organisation's dictionary: admins add, edit and retire entries; reviewers report false alarms."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from review_service import drafts as service
from review_service import org_dictionary
from review_service.api.deps import ContextDep, DraftsToken, SessionDep
from review_service.api.routes.drafts import ERRORS_409, DraftId, draft_out
from review_service.models import DictionaryEntry, User
from review_service.permissions import Action, may
from review_service.schemas import DictionaryEntryIn, DictionaryEntryOut, DraftOut, FalseAlarmRequest
from review_service.services import drafts
from review_service.services.errors import DomainError

router = APIRouter(tags=["dictionary"])
# Allow-listing is organisation-wide and permanent: only 终审 and admins (permissions), never political terms.
NEVER_ALLOWLISTED = ("term.political",)


def _admin(user: User) -> None:
    if not may(user, Action.MAINTAIN_DICTIONARY):
        raise DomainError(403, "forbidden", "仅管理员可以维护词库", "Only admins maintain the dictionary")


def _entry_out(entry: DictionaryEntry) -> DictionaryEntryOut:
    return DictionaryEntryOut(
        id=entry.id,
        kind=entry.kind,
        text=entry.text,
        data=entry.data,
        enabled=entry.enabled,
        retired=entry.retired_at is not None,
    )


def _invalid(exc: org_dictionary.EntryError) -> DomainError:
    return DomainError(422, "invalid_entry", f"词条不符合词库格式：{exc}", f"Invalid dictionary entry: {exc}")


@router.get("/dictionary/entries", response_model=list[DictionaryEntryOut], summary="本单位词条列表")
def list_entries(session: SessionDep, token: DraftsToken) -> list[DictionaryEntryOut]:
    return [_entry_out(e) for e in session.scalars(select(DictionaryEntry).order_by(DictionaryEntry.id))]


@router.post(
    "/dictionary/entries", response_model=DictionaryEntryOut, status_code=201, responses=ERRORS_409, summary="新增词条"
)
def add_entry(body: DictionaryEntryIn, session: SessionDep, token: DraftsToken) -> DictionaryEntryOut:
    _admin(token.user)
    try:
        entry = org_dictionary.create(session, user=token.user, kind=body.kind, text=body.text, data=body.data)
    except org_dictionary.EntryError as exc:
        raise _invalid(exc) from exc
    if not body.enabled:
        org_dictionary.update(session, user=token.user, entry=entry, text=entry.text, data=entry.data, enabled=False)
    return _entry_out(entry)


def _entry(session: SessionDep, entry_id: int) -> DictionaryEntry:
    entry = session.get(DictionaryEntry, entry_id)
    if entry is None or entry.retired_at is not None:
        raise DomainError(404, "entry_not_found", "词条不存在或已停用", "Entry not found or retired")
    return entry


@router.put(
    "/dictionary/entries/{entry_id}", response_model=DictionaryEntryOut, responses=ERRORS_409, summary="修改词条"
)
def edit_entry(
    entry_id: DraftId, body: DictionaryEntryIn, session: SessionDep, token: DraftsToken
) -> DictionaryEntryOut:
    _admin(token.user)
    entry = _entry(session, entry_id)
    if body.kind != entry.kind:
        raise DomainError(422, "kind_immutable", "词条类型不能修改", "An entry's kind cannot change")
    try:
        org_dictionary.update(
            session, user=token.user, entry=entry, text=body.text, data=body.data, enabled=body.enabled
        )
    except org_dictionary.EntryError as exc:
        raise _invalid(exc) from exc
    return _entry_out(entry)


@router.delete(
    "/dictionary/entries/{entry_id}", response_model=DictionaryEntryOut, responses=ERRORS_409, summary="停用词条"
)
def retire_entry(entry_id: DraftId, session: SessionDep, token: DraftsToken) -> DictionaryEntryOut:
    _admin(token.user)
    entry = _entry(session, entry_id)
    org_dictionary.retire(session, user=token.user, entry=entry)
    return _entry_out(entry)


@router.post(
    "/drafts/{draft_id}/false-alarms",
    response_model=DraftOut,
    status_code=201,
    responses=ERRORS_409,
    summary="标记误报并加入本单位白名单",
)
def false_alarm(
    draft_id: DraftId, body: FalseAlarmRequest, session: SessionDep, ctx: ContextDep, token: DraftsToken
) -> DraftOut:
    if not may(token.user, Action.ALLOW_LIST_FALSE_ALARM):
        raise DomainError(403, "forbidden", "仅终审人员或管理员可以把误报加入白名单", "Only final reviewers and admins")
    draft = drafts.load(ctx, token.user, draft_id)
    version = service.latest_version(draft)
    finding = next(
        (
            f
            for f in (version.check_run.findings if version.check_run else [])
            if service.finding_key(f) == body.finding_key
        ),
        None,
    )
    if finding is None:
        raise DomainError(404, "finding_not_found", "当前版本没有该问题", "No such finding in the current version")
    if not finding["category"].startswith(("typo", "term.")) or finding["category"] in NEVER_ALLOWLISTED:
        raise DomainError(
            422,
            "not_allowable",
            "个人信息、涉密和格式类问题不能加入白名单",
            "Only typo and term findings can be allow-listed",
        )
    source = {"body": version.body, "title": version.title, "summary": version.summary or ""}[finding["field"]]
    text = source[finding["start"] : finding["end"]]
    try:
        org_dictionary.create(
            session, user=token.user, kind="allow", text=text, data={"note": body.note, "draft": draft.id}
        )
    except org_dictionary.EntryError as exc:
        raise _invalid(exc) from exc
    return draft_out(ctx, draft, token.user)
