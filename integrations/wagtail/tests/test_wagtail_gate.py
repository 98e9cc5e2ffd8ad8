"""The plugin on a real Wagtail site against a real review service: 先审后发 holds on every publish path."""

from __future__ import annotations

import datetime as dt
import itertools
import logging

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from live_service import THREE_PROOFS_THREE_REVIEWS
from news.models import NewsPage
from review_client import ReviewClient
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import querydict_from_html, rich_text
from wagtail_review import gate
from wagtail_review.enforce import PublishRefused
from wagtail_review.models import PublishDecision, ReviewDraft
from wagtail_review.send import send_for_review

CLEAN = "<p>各镇人民政府、街道办事处：为切实做好安全生产工作，现就有关事项通知如下。</p>"
WITH_PHONE = "<p>申请人联系电话13800138000，请于三日内办理。</p>"
slugs = itertools.count(1)


@pytest.fixture(scope="module")
def admin():
    user = get_user_model().objects.filter(username="admin").first()
    user = user or get_user_model().objects.create_superuser("admin", "admin@example.gov.cn", "pw")
    client = Client()
    client.force_login(user)
    return client


def new_page(body: str = CLEAN, title: str = "关于开展安全生产检查的通知", summary: str = "安全生产检查") -> NewsPage:
    home = Page.objects.get(depth=2)
    page = home.add_child(
        instance=NewsPage(title=title, slug=f"news-{next(slugs)}", summary=summary, body=body, live=False)
    )
    page.save_revision()
    return page


def edit(admin: Client, page: Page, action: str | None, body: str | None = None) -> str:
    """Post the page editor form as the editor's browser does; the text of the page shown afterwards."""
    url = f"/admin/pages/{page.pk}/edit/"
    data = querydict_from_html(admin.get(url).content.decode(), form_id="page-edit-form")
    for name in ("summary", "search_description"):  # a <textarea>'s first newline is not content
        data[name] = data.get(name, "").removeprefix("\n")
    if body is not None:
        data["body"] = rich_text(body)
    if action:
        data[action] = "1"
    response = admin.post(url, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def through_review(service, draft_id: int, steps=THREE_PROOFS_THREE_REVIEWS) -> None:
    for who, action in steps:
        with ReviewClient(service.base_url, service.tokens[who]) as person:
            person.act(draft_id, action)


def reload(page: Page) -> NewsPage:
    return NewsPage.objects.get(pk=page.pk)


def test_publish_before_review_is_refused_in_the_admin_with_the_findings(review, admin):
    page = new_page(WITH_PHONE)
    shown = edit(admin, page, "action-publish")
    assert "发布被拒绝" in shown and "该内容未经审核" in shown
    assert '<ul class="review-findings"><li>【阻断】pii.phone：' in shown  # the editor sees what blocks it
    assert "请先点击“送审（发布前审校）”" in shown
    assert not reload(page).live
    assert not PublishDecision.objects.filter(page=page).exists()


def test_send_for_review_then_publish_after_three_proofs_three_reviews(review, admin, service):
    page = new_page()
    editor = admin.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'name="action-send-for-review"' in editor and "送审（发布前审校）" in editor  # the button is there
    shown = edit(admin, page, "action-send-for-review")
    link = ReviewDraft.objects.get(page=page)
    assert f"已送审：审校稿件 #{link.draft_id}，当前环节：一校" in shown
    with ReviewClient(service.base_url, review["TOKEN"]) as cms:
        draft = cms.get_draft(link.draft_id)
        sent = cms.get_version(link.draft_id, draft.current_version)
    assert sent.title == page.title and sent.summary == "安全生产检查" and "安全生产工作" in sent.body

    shown = edit(admin, page, "action-publish")
    assert "发布被拒绝" in shown and "尚未终审通过（当前：一校）" in shown and f"#{link.draft_id}" in shown
    assert not reload(page).live

    through_review(service, link.draft_id)
    shown = edit(admin, page, "action-publish")
    assert "发布被拒绝" not in shown
    page = reload(page)
    assert page.live
    decision = PublishDecision.objects.get(revision=page.live_revision)
    assert decision.decision == "allow" and decision.draft_id == link.draft_id
    assert decision.receipt["payload"]["content_hash"] == decision.content_hash
    with ReviewClient(service.base_url) as anyone:  # the kept receipt verifies offline with the public keys
        anyone.verify_receipt(
            decision.receipt, channel="website", title=page.title, body=page.body, summary=page.summary, format="html"
        )

    # an edit after approval is refused again, and the live page keeps the approved content
    live_revision = page.live_revision_id
    shown = edit(admin, page, "action-publish", body=CLEAN + "<p>补充一段未经审核的内容。</p>")
    assert "发布被拒绝" in shown
    page = reload(page)
    assert page.live_revision_id == live_revision and "补充一段" not in page.body
    # sending it again voids the approvals: the draft goes back to 初审
    shown = edit(admin, page, "action-send-for-review")
    assert f"已送审：审校稿件 #{link.draft_id}，当前环节：初审" in shown
    through_review(service, link.draft_id, [("rev1", "approve"), ("rev2", "approve"), ("rev3", "approve")])
    edit(admin, page, "action-publish")
    assert "补充一段" in reload(page).body


def test_direct_publish_in_code_is_refused_and_allowed_after_review(review, service):
    page = new_page(CLEAN.replace("通知如下", "通知如下（代码发布）"))
    with pytest.raises(PublishRefused) as refused:
        page.latest_revision.publish()
    assert refused.value.outcome.reason == "not_reviewed"
    assert not reload(page).live
    draft = send_for_review(page, "script")
    through_review(service, draft.id)
    page.latest_revision.publish()
    assert reload(page).live


def test_scheduled_publishing_waits_for_the_gate(review, service, caplog):
    page = new_page(CLEAN.replace("通知如下", "通知如下（定时发布）"))
    revision = page.latest_revision
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - dt.timedelta(minutes=1))
    with caplog.at_level(logging.WARNING, logger="wagtail_review"):
        call_command("publish_scheduled")
    assert not reload(page).live
    assert "scheduled publish" in caplog.text and "not_reviewed" in caplog.text
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None  # still scheduled: retried by the next run

    through_review(service, send_for_review(page, "scheduler").id)
    call_command("publish_scheduled")
    page = reload(page)
    assert page.live and PublishDecision.objects.filter(revision=page.live_revision, decision="allow").exists()


def test_a_page_changed_between_gate_and_publish_is_refused(review, service):
    page = new_page(CLEAN.replace("通知如下", "通知如下（先审）"))
    through_review(service, send_for_review(page, "editor").id)
    approved = page.latest_revision
    outcome = gate.ask(approved)
    assert outcome.allowed
    kept = gate.record(approved, outcome)

    # the content changes after the gate answered; the receipt is even copied onto the new revision
    page.body = CLEAN.replace("通知如下", "通知如下（后改）")
    changed = page.save_revision()
    PublishDecision.objects.create(
        revision=changed,
        page=page,
        decision="allow",
        channel="website",
        content_hash=kept.content_hash,
        receipt=kept.receipt,
    )
    assert not gate.covered(changed)  # a receipt for other content does not cover it
    with pytest.raises(PublishRefused):
        changed.publish()
    assert not reload(page).live

    forged = {
        **kept.receipt,
        "payload": {**kept.receipt["payload"], "content_hash": gate._hash(gate.revision_content(changed)[1])},
    }
    PublishDecision.objects.filter(revision=changed).update(receipt=forged)
    assert not gate.covered(changed)  # a forged receipt does not either
    approved.publish()  # the approved revision itself still goes out
    assert reload(page).live


def test_token_without_publish_scope_never_publishes(review, service, admin):
    page = new_page(CLEAN.replace("通知如下", "通知如下（权限）"))
    settings.WAGTAIL_REVIEW = {**review, "TOKEN": service.tokens["checker"], "FAIL_OPEN": True}
    shown = edit(admin, page, "action-publish")
    assert "发布被拒绝" in shown and "insufficient_scope" in shown
    assert not reload(page).live  # a wrong token is misconfiguration, never a reason to fail open


def test_service_down_fails_closed_and_fail_open_is_logged(review, admin, caplog):
    page = new_page(CLEAN.replace("通知如下", "通知如下（断网）"))
    settings.WAGTAIL_REVIEW = {**review, "URL": "http://127.0.0.1:9"}
    shown = edit(admin, page, "action-publish")
    assert "发布被拒绝" in shown and "审校服务无法访问" in shown
    assert not reload(page).live
    with pytest.raises(PublishRefused):
        page.latest_revision.publish()

    settings.WAGTAIL_REVIEW = {**review, "URL": "http://127.0.0.1:9", "FAIL_OPEN": True}
    with caplog.at_level(logging.WARNING, logger="wagtail_review"):
        shown = edit(admin, page, "action-publish")
    page = reload(page)
    assert page.live and "fail-open" in shown
    assert "FAIL-OPEN" in caplog.text and f"page {page.pk}" in caplog.text
    decision = PublishDecision.objects.get(revision=page.live_revision)
    assert decision.decision == "fail_open" and decision.receipt is None


def test_a_new_page_is_sent_for_review_from_the_create_form(review, admin):
    home = Page.objects.get(depth=2)
    url = f"/admin/pages/add/news/newspage/{home.pk}/"
    data = querydict_from_html(admin.get(url).content.decode(), form_id="page-edit-form")
    slug = f"news-{next(slugs)}"
    data.update({"title": "关于新建页面送审的通知", "slug": slug, "summary": "新建即送审", "search_description": ""})
    data["body"] = rich_text(CLEAN.replace("通知如下", "通知如下（新建）"))
    data["action-send-for-review"] = "1"
    shown = admin.post(url, data, follow=True).content.decode()
    page = NewsPage.objects.get(slug=slug)
    link = ReviewDraft.objects.get(page=page)
    assert f"已送审：审校稿件 #{link.draft_id}，当前环节：一校" in shown
    assert not page.live
