"""The organisation's dictionary: admins add, edit and retire entries; reviewers report false alarms."""

from __future__ import annotations

from fastapi import APIRouter

from review_service.api.deps import ContextDep, DraftsToken
from review_service.api.routes.drafts import ERRORS_409, DraftId, draft_out
from review_service.models import DictionaryEntry
from review_service.schemas import DictionaryEntryIn, DictionaryEntryOut, DraftOut, FalseAlarmRequest
from review_service.services import dictionary, drafts

router = APIRouter(tags=["dictionary"])


def _entry_out(entry: DictionaryEntry) -> DictionaryEntryOut:
    return DictionaryEntryOut(
        id=entry.id,
        kind=entry.kind,
        text=entry.text,
        data=entry.data,
        enabled=entry.enabled,
        retired=entry.retired_at is not None,
    )


@router.get("/dictionary/entries", response_model=list[DictionaryEntryOut], summary="本单位词条列表")
def list_entries(ctx: ContextDep, token: DraftsToken) -> list[DictionaryEntryOut]:
    return [_entry_out(e) for e in dictionary.entries(ctx)]


@router.post(
    "/dictionary/entries", response_model=DictionaryEntryOut, status_code=201, responses=ERRORS_409, summary="新增词条"
)
def add_entry(body: DictionaryEntryIn, ctx: ContextDep, token: DraftsToken) -> DictionaryEntryOut:
    entry = dictionary.add(ctx, actor=token.user, kind=body.kind, text=body.text, data=body.data, enabled=body.enabled)
    return _entry_out(entry)


@router.put(
    "/dictionary/entries/{entry_id}", response_model=DictionaryEntryOut, responses=ERRORS_409, summary="修改词条"
)
def edit_entry(entry_id: DraftId, body: DictionaryEntryIn, ctx: ContextDep, token: DraftsToken) -> DictionaryEntryOut:
    entry = dictionary.edit(
        ctx, actor=token.user, entry_id=entry_id, kind=body.kind, text=body.text, data=body.data, enabled=body.enabled
    )
    return _entry_out(entry)


@router.delete(
    "/dictionary/entries/{entry_id}", response_model=DictionaryEntryOut, responses=ERRORS_409, summary="停用词条"
)
def retire_entry(entry_id: DraftId, ctx: ContextDep, token: DraftsToken) -> DictionaryEntryOut:
    return _entry_out(dictionary.retire(ctx, actor=token.user, entry_id=entry_id))


@router.post(
    "/drafts/{draft_id}/false-alarms",
    response_model=DraftOut,
    status_code=201,
    responses=ERRORS_409,
    summary="标记误报并加入本单位白名单",
)
def false_alarm(draft_id: DraftId, body: FalseAlarmRequest, ctx: ContextDep, token: DraftsToken) -> DraftOut:
    dictionary.require_allow_lister(token.user)  # before the draft is looked up: say nothing of it
    draft = drafts.load(ctx, token.user, draft_id)
    dictionary.allow_list_false_alarm(ctx, actor=token.user, draft=draft, finding_key=body.finding_key, note=body.note)
    return draft_out(ctx, draft, token.user)
