"""消息: my notifications, marking them read, and turning notification mail on or off."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from review_service.services import messages as service
from review_service.web.deps import FormDataDep, FormPageDep, PageDep
from review_service.web.refusals import back_on_refusal

router = APIRouter()
PAGE_SIZE = 100


@router.get("/messages")
def messages(page: PageDep) -> Response:
    notes = service.inbox(page.ctx, user=page.user, limit=PAGE_SIZE)
    return page.render("messages.html", notes=notes, kind_labels=service.KIND_LABELS)


@router.post("/messages/{note_id}/read")
def read(note_id: int, page: FormPageDep) -> Response:
    back_on_refusal(page, "/messages", plain=True)
    note = service.mark_read(page.ctx, user=page.user, note_id=note_id)
    return page.redirect(f"/drafts/{note.draft_id}" if note.draft_id else "/messages")


@router.post("/messages/read-all")
def read_all(page: FormPageDep) -> Response:
    count = service.mark_all_read(page.ctx, user=page.user)
    return page.redirect("/messages", f"已将 {count} 条消息标为已读")


@router.post("/messages/email")
def email_setting(page: FormPageDep, data: FormDataDep) -> Response:
    wanted = data.get("email_notifications") == "1"
    service.set_mail(page.ctx, user=page.user, wanted=wanted)
    return page.redirect("/messages", "已开启邮件提醒" if wanted else "已关闭邮件提醒，仍可在本页查看消息")
