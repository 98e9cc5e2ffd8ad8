"""The review loop as a Wagtail editor lives it: rendered rich text, returns and reviewer edits seen in the
page editor, 采用审定稿, Wagtail's own moderation hidden, and publication confirmed to the service."""

from __future__ import annotations

import httpx
from django.test import Client
from live_service import THREE_PROOFS_THREE_REVIEWS
from review_client import ReviewClient
from test_wagtail_gate import CLEAN, admin, new_page, reload, through_review  # noqa: F401 (fixture)
from wagtail.models import Site
from wagtail_review.models import ReviewDraft
from wagtail_review.send import send_for_review


def editor_page(admin: Client, page) -> str:  # noqa: F811
    response = admin.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    return response.content.decode()


def test_rich_text_is_sent_as_rendered_without_storage_references(review, service):
    home = Site.objects.get(is_default_site=True).root_page
    page = new_page(f'<p>详见<a linktype="page" id="{home.pk}">网站首页</a>。</p>' + CLEAN)
    draft = send_for_review(page, "editor")
    with ReviewClient(service.base_url, review["TOKEN"]) as cms:
        sent = cms.get_version(draft.id, draft.current_version)
    assert "linktype" not in sent.body and "<embed" not in sent.body
    assert f'<a href="{home.url}">网站首页</a>' in sent.body


def test_wagtail_moderation_is_hidden_and_a_return_is_seen_in_the_editor(review, admin, service):  # noqa: F811
    page = new_page(CLEAN.replace("通知如下", "通知如下（退回）"))
    assert page.get_workflow() is not None  # Wagtail would offer its own "submit for moderation" here
    shown = editor_page(admin, page)
    assert 'name="action-send-for-review"' in shown
    assert 'name="action-submit"' not in shown and 'name="action-workflow-action"' not in shown
    draft = send_for_review(page, "editor")
    assert "审核中" in editor_page(admin, page) and "一校" in editor_page(admin, page)
    with ReviewClient(service.base_url, service.tokens["proof1"]) as proof:
        proof.act(draft.id, "return", comment="第一段缺少检查时间，请补充。")
    shown = editor_page(admin, page)
    assert "已退回" in shown and "第一段缺少检查时间，请补充。" in shown and "proof1" in shown
    assert f"/drafts/{draft.id}" in shown  # a link to the draft in the review service


def test_a_proofreaders_edit_comes_back_by_adopting_it_then_publication_is_confirmed(review, admin, service):  # noqa: F811
    page = new_page(CLEAN.replace("通知如下", "通知如下（回流）"))
    draft = send_for_review(page, "editor")
    with ReviewClient(service.base_url, review["TOKEN"]) as cms:
        sent = cms.get_version(draft.id, draft.current_version)
    edited_body = sent.body.replace("安全生产工作", "安全生产和消防工作")
    r = httpx.post(
        f"{service.base_url}/api/v1/drafts/{draft.id}/actions",
        json={
            "action": "edit",
            "comment": "补充消防",
            "content": {"title": sent.title, "body": edited_body, "summary": sent.summary, "format": "html"},
        },
        headers={"Authorization": f"Bearer {service.tokens['proof1']}"},
    )
    assert r.status_code == 200, r.text

    shown = editor_page(admin, page)
    assert "审校中稿件已被修改" in shown and "采用审定稿" in shown and "安全生产和消防工作" in shown
    before = page.latest_revision_id
    response = admin.post(f"/admin/review/adopt/{page.pk}/", follow=True)
    assert response.status_code == 200 and "已采用审定稿" in response.content.decode()
    page = reload(page)
    assert page.latest_revision_id != before
    assert "安全生产和消防工作" in page.get_latest_revision_as_object().body
    assert "审校中稿件已被修改" not in editor_page(admin, page)  # page and service agree again

    through_review(service, draft.id, THREE_PROOFS_THREE_REVIEWS)
    page.latest_revision.publish()
    page = reload(page)
    assert page.live and "安全生产和消防工作" in page.body
    with ReviewClient(service.base_url, review["TOKEN"]) as cms:
        confirmed = cms.get_draft(ReviewDraft.objects.get(page=page).draft_id)
    assert confirmed.status == "published" and confirmed.published_at is not None
    assert "已发布" in editor_page(admin, page)


def test_adopting_needs_a_post_by_someone_who_may_edit(review, admin, service):  # noqa: F811
    page = new_page(CLEAN.replace("通知如下", "通知如下（权限）"))
    send_for_review(page, "editor")
    before = page.latest_revision_id
    refused = admin.get(f"/admin/review/adopt/{page.pk}/")  # Wagtail answers PermissionDenied with a redirect
    assert refused.status_code == 302 and refused.url == "/admin/"
    anonymous = Client().post(f"/admin/review/adopt/{page.pk}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert reload(page).latest_revision_id == before
