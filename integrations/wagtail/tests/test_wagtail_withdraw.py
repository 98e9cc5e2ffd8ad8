"""Who a page is by, and 撤回: the Wagtail user who sends a page is its author in the review service
(so a CMS editor who is also a reviewer cannot approve their own page), and a page under review is
withdrawn and sent anew when it changes, or withdrawn by its 撤回 button — never stuck."""

from __future__ import annotations

import httpx
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from review_client import ApiError, ReviewClient, ReviewError
from test_wagtail_gate import CLEAN, edit, new_page, reload, through_review
from wagtail_review.models import ReviewDraft
from wagtail_review.send import review_author, send_for_review

PROOFS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass")]


def wagtail_user(username: str) -> Client:
    """A Wagtail editor (superuser, so they may edit every page) logged in to the admin."""
    user = get_user_model().objects.filter(username=username).first()
    user = user or get_user_model().objects.create_superuser(username, f"{username}@example.gov.cn", "pw")
    client = Client()
    client.force_login(user)
    return client


def draft_of(service, page):  # type: ignore[no-untyped-def]
    with ReviewClient(service.base_url, service.tokens["wagtail-cms"]) as cms:
        return cms.get_draft(ReviewDraft.objects.get(page=page).draft_id)


def history(service, draft_id: int) -> list[str]:
    r = httpx.get(
        f"{service.base_url}/api/v1/drafts/{draft_id}/history",
        headers={"Authorization": f"Bearer {service.tokens['wagtail-cms']}"},
    )
    assert r.status_code == 200, r.text
    return [entry["kind"] for entry in r.json()]


def editor_page(client: Client, page) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    return response.content.decode()


def author_from_email(user) -> str:  # type: ignore[no-untyped-def]
    """An AUTHOR rule by dotted path: the part of the Wagtail user's e-mail before the @."""
    return user.email.split("@")[0]


# --- on_behalf_of ----------------------------------------------------------------------------------


def test_a_cms_editor_who_is_also_a_reviewer_cannot_approve_their_own_page(review, service):
    rev1 = wagtail_user("rev1")  # in the review service, rev1 holds 初审
    page = new_page(CLEAN.replace("通知如下", "通知如下（自审）"))
    shown = edit(rev1, page, "action-send-for-review")
    draft = draft_of(service, page)
    assert f"已送审：审校稿件 #{draft.id}，当前环节：一校" in shown
    assert (draft.author, draft.created_by) == ("rev1", "wagtail-cms")
    through_review(service, draft.id, PROOFS)
    with ReviewClient(service.base_url, service.tokens["rev1"]) as reviewer:
        assert "approve" not in reviewer.get_draft(draft.id).actions
        with pytest.raises(ApiError) as own:
            reviewer.act(draft.id, "approve")
    assert own.value.code == "own_draft"
    assert draft_of(service, page).stage_label == "初审"  # it waits for another 初审 reviewer
    shown = edit(rev1, page, "action-publish")
    assert "发布被拒绝" in shown and "初审" in shown and not reload(page).live


def test_the_author_rule_maps_wagtail_users_to_service_accounts(review, service):
    user = get_user_model().objects.create_user("zhang.san", "proof2@example.gov.cn", "pw")
    settings.WAGTAIL_REVIEW = {**review, "AUTHOR": "test_wagtail_withdraw.author_from_email"}
    assert review_author(user) == "proof2"
    page = new_page(CLEAN.replace("通知如下", "通知如下（映射）"))
    draft = send_for_review(page, user)
    assert draft.author == "proof2"
    with ReviewClient(service.base_url, service.tokens["proof2"]) as proof2:  # the author: 撤回, never 校对
        assert proof2.get_draft(draft.id).actions == ["withdraw"]
        through_review(service, draft.id, PROOFS[:1])
        with pytest.raises(ApiError) as own:
            proof2.act(draft.id, "pass")
    assert own.value.code == "own_draft"
    settings.WAGTAIL_REVIEW = {**review, "AUTHOR": lambda u: "nobody-there"}
    with pytest.raises(ApiError) as unknown:
        send_for_review(new_page(CLEAN.replace("通知如下", "通知如下（无人）")), user)
    assert unknown.value.code == "invalid_author"
    settings.WAGTAIL_REVIEW = {**review, "AUTHOR": lambda u: " "}
    with pytest.raises(ReviewError) as empty:
        send_for_review(new_page(CLEAN.replace("通知如下", "通知如下（空）")), user)
    assert empty.value.code == "author_unmapped"
    for bad in (42, "no.such.module.rule"):
        settings.WAGTAIL_REVIEW = {**review, "AUTHOR": bad}
        with pytest.raises(ImproperlyConfigured):
            send_for_review(page, user)


# --- 撤回 ------------------------------------------------------------------------------------------


def test_resending_a_changed_page_under_review_withdraws_and_submits_the_new_content(review, service):
    editor = wagtail_user("editor")
    page = new_page(CLEAN.replace("通知如下", "通知如下（重送）"))
    edit(editor, page, "action-send-for-review")
    draft = draft_of(service, page)
    through_review(service, draft.id, PROOFS[:2])
    assert draft_of(service, page).stage_label == "三校"
    # the same content again: nothing to withdraw, the draft stays where it is
    shown = edit(editor, page, "action-send-for-review")
    assert "当前环节：三校" in shown and "withdrawn" not in history(service, draft.id)
    # changed content: withdrawn, updated and submitted anew — one click, never wrong_status
    shown = edit(editor, page, "action-send-for-review", body=CLEAN + "<p>补充：请附检查照片。</p>")
    assert f"已送审：审校稿件 #{draft.id}，当前环节：一校" in shown and "送审失败" not in shown
    after = draft_of(service, page)
    assert (after.status, after.stage_label, after.current_version) == ("in_review", "一校", 2)
    kinds = history(service, draft.id)
    assert kinds.index("withdrawn") < len(kinds) - 1 - kinds[::-1].index("submitted")
    with ReviewClient(service.base_url, service.tokens["wagtail-cms"]) as cms:
        assert "请附检查照片" in cms.get_version(draft.id, 2).body
    through_review(service, draft.id, [*PROOFS, ("rev1", "approve"), ("rev2", "approve"), ("rev3", "approve")])
    edit(editor, page, "action-publish")
    assert reload(page).live and "请附检查照片" in reload(page).body


def test_a_reviewers_edit_is_never_dropped_silently(review, service):
    editor = wagtail_user("editor")
    page = new_page(CLEAN.replace("通知如下", "通知如下（校改）"))
    draft = send_for_review(page, "editor")
    with ReviewClient(service.base_url, service.tokens["wagtail-cms"]) as cms:
        sent = cms.get_version(draft.id, draft.current_version)
    r = httpx.post(
        f"{service.base_url}/api/v1/drafts/{draft.id}/actions",
        json={
            "action": "edit",
            "comment": "改正用语",
            "content": {
                "title": sent.title,
                "body": sent.body.replace("安全生产工作", "安全生产各项工作"),
                "summary": sent.summary,
                "format": "html",
            },
        },
        headers={"Authorization": f"Bearer {service.tokens['proof1']}"},
    )
    assert r.status_code == 200, r.text
    shown = edit(editor, page, "action-send-for-review", body=CLEAN + "<p>编辑另改一段。</p>")
    assert "送审失败" in shown and "reviewer_edits" in shown and "撤回并以本页内容重新送审" in shown
    assert draft_of(service, page).current_version == 2  # nothing was replaced
    assert "withdrawn" not in history(service, draft.id)
    # the editor confirms: the draft is withdrawn and the page's content sent instead
    confirmed = editor.post(f"/admin/review/resend/{page.pk}/", follow=True).content.decode()
    assert f"已送审：审校稿件 #{draft.id}，当前环节：一校" in confirmed
    after = draft_of(service, page)
    assert after.current_version == 3 and "withdrawn" in history(service, draft.id)
    # a page that adopted the reviewed version first needs no confirmation
    with ReviewClient(service.base_url, service.tokens["proof1"]) as proof:
        current = proof.get_version(draft.id, 3)
    r = httpx.post(
        f"{service.base_url}/api/v1/drafts/{draft.id}/actions",
        json={
            "action": "edit",
            "content": {
                "title": current.title,
                "body": current.body.replace("编辑另改一段", "编辑另改的一段"),
                "summary": current.summary,
                "format": "html",
            },
        },
        headers={"Authorization": f"Bearer {service.tokens['proof1']}"},
    )
    assert r.status_code == 200, r.text
    assert editor.post(f"/admin/review/adopt/{page.pk}/", follow=True).status_code == 200
    shown = edit(editor, reload(page), "action-send-for-review", body=CLEAN + "<p>编辑另改的一段，再补一句。</p>")
    assert "已送审" in shown and "送审失败" not in shown
    assert draft_of(service, page).current_version == 5


def test_the_withdraw_button_takes_the_page_back_from_review(review, service):
    editor = wagtail_user("editor")
    page = new_page(CLEAN.replace("通知如下", "通知如下（撤回）"))
    assert "撤回送审" not in editor_page(editor, page)  # never sent: nothing to withdraw
    edit(editor, page, "action-send-for-review")
    shown = editor_page(editor, page)
    assert "撤回送审" in shown and f'action="/admin/review/withdraw/{page.pk}/"' in shown
    # not by GET, not anonymously
    assert editor.get(f"/admin/review/withdraw/{page.pk}/").status_code == 302
    anonymous = Client().post(f"/admin/review/withdraw/{page.pk}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert draft_of(service, page).status == "in_review"
    # a cross-site post without Django's CSRF token is refused too
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(get_user_model().objects.get(username="editor"))
    assert strict.post(f"/admin/review/withdraw/{page.pk}/").status_code == 403
    assert draft_of(service, page).status == "in_review"
    done = editor.post(f"/admin/review/withdraw/{page.pk}/", follow=True).content.decode()
    draft = draft_of(service, page)
    assert f"已撤回：审校稿件 #{draft.id}" in done and draft.status == "draft"
    shown = editor_page(editor, page)
    assert "撤回送审" not in shown and '<strong class="review-status">草稿</strong>' in shown
    again = editor.post(f"/admin/review/withdraw/{page.pk}/", follow=True).content.decode()
    assert "撤回失败" in again and "wrong_status" in again
    # 送审 again submits the same content anew, from 一校
    shown = edit(editor, page, "action-send-for-review")
    assert f"已送审：审校稿件 #{draft.id}，当前环节：一校" in shown


def test_a_page_another_user_changed_is_a_new_draft_by_them(review, service):
    """The service binds one author per draft: content a second Wagtail user wrote goes in a new draft by
    them (the first is withdrawn), so a reviewer who changes someone else's page never approves their edit."""
    editor, rev1 = wagtail_user("editor"), wagtail_user("rev1")
    page = new_page(CLEAN.replace("通知如下", "通知如下（他人改）"))
    edit(editor, page, "action-send-for-review")
    first = draft_of(service, page)
    assert first.author == "editor"
    shown = edit(rev1, page, "action-send-for-review", body=CLEAN + "<p>初审人员自己加的一段。</p>")
    second = draft_of(service, page)
    assert second.id != first.id and (second.author, second.status, second.stage_label) == ("rev1", "in_review", "一校")
    assert f"已送审：审校稿件 #{second.id}，当前环节：一校" in shown
    assert "withdrawn" in history(service, first.id)
    with ReviewClient(service.base_url, service.tokens["wagtail-cms"]) as cms:
        assert cms.get_draft(first.id).status == "draft"
        assert "初审人员自己加的一段" in cms.get_version(second.id, second.current_version).body
    through_review(service, second.id, PROOFS)
    with ReviewClient(service.base_url, service.tokens["rev1"]) as reviewer, pytest.raises(ApiError) as own:
        reviewer.act(second.id, "approve")
    assert own.value.code == "own_draft"
    # the same user sending again keeps their draft
    edit(rev1, page, "action-send-for-review", body=CLEAN + "<p>初审人员自己加的一段，再改。</p>")
    assert draft_of(service, page).id == second.id
