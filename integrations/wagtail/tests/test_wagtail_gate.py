"""The plugin on a real Wagtail site against a real review service: 先审后发 holds on every publish path."""

from __future__ import annotations

import datetime as dt
import itertools
import logging

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from live_service import THREE_PROOFS_THREE_REVIEWS
from news.models import NewsPage
from review_client import ReviewClient
from wagtail.models import Page, Revision, Site
from wagtail.test.utils.form_data import querydict_from_html, rich_text
from wagtail_review import gate
from wagtail_review.conf import review_settings
from wagtail_review.content import PageContent
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
    home = Site.objects.get(is_default_site=True).root_page
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
    unknown_key = {**kept.receipt, "payload": {**kept.receipt["payload"], "kid": "k-unknown"}}
    PublishDecision.objects.filter(revision=approved).update(receipt=unknown_key)
    assert not gate.covered(approved)  # nor one naming a key the service never published
    PublishDecision.objects.filter(revision=approved).update(receipt=kept.receipt)
    assert gate.covered(approved)
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
    home = Site.objects.get(is_default_site=True).root_page
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


@pytest.mark.parametrize(
    ("key", "value"),
    [
        *[("FAIL_OPEN", "false"), ("FAIL_OPEN", 0), ("FAIL_OPEN", "True"), ("RETRIES", -1), ("RETRIES", 1.5)],
        *[("TIMEOUT", 0), ("TIMEOUT", -2.0), ("TIMEOUT", "5"), ("TIMEOUT", float("nan"))],
    ],
)
def test_settings_are_validated_not_coerced(review, key, value):
    settings.WAGTAIL_REVIEW = {**review, key: value}
    with pytest.raises(ImproperlyConfigured, match=key):
        review_settings()
    settings.WAGTAIL_REVIEW = {**review, "FAIL_OPEN": True, "RETRIES": 0, "TIMEOUT": 1}
    assert review_settings().fail_open is True and review_settings().retries == 0


def test_a_refusal_on_a_bad_fail_open_setting_never_publishes(review, service):
    page = new_page(CLEAN.replace("通知如下", "通知如下（配置）"))
    settings.WAGTAIL_REVIEW = {**review, "URL": "http://127.0.0.1:9", "FAIL_OPEN": "false"}
    with pytest.raises(ImproperlyConfigured):
        page.latest_revision.publish()
    assert not reload(page).live


def test_a_stored_receipt_does_not_stand_in_for_a_reachable_gate(review, service):
    page = new_page(CLEAN.replace("通知如下", "通知如下（旧回执）"))
    link = send_for_review(page, "editor")
    through_review(service, link.id)
    approved = page.latest_revision
    approved.publish()
    decision = PublishDecision.objects.get(revision=approved)
    assert decision.receipt is not None

    # the draft is sent back into review (a new version): the old receipt still verifies offline, but
    # the gate now refuses the approved text, so publishing that revision again is refused
    page = reload(page)
    page.body = CLEAN.replace("通知如下", "通知如下（旧回执，修改后）")
    page.save_revision()
    send_for_review(page, "editor")
    with pytest.raises(PublishRefused) as refused:
        approved.publish()
    assert refused.value.outcome.reason == "stale_version"


def test_a_fresh_receipt_covers_only_a_short_outage(review, service):
    page = new_page(CLEAN.replace("通知如下", "通知如下（短暂断网）"))
    through_review(service, send_for_review(page, "editor").id)
    revision = page.latest_revision
    outcome = gate.ask(revision)
    assert outcome.allowed
    gate.record(revision, outcome)

    settings.WAGTAIL_REVIEW = {**review, "URL": "http://127.0.0.1:9"}
    assert gate.covered(revision)
    assert not gate.covered(revision, now=timezone.now() + gate.RECEIPT_FALLBACK + dt.timedelta(seconds=5))
    refused = gate.ask_content(*gate.revision_content(revision), revision=None)  # no stored receipt to fall back on
    assert not refused.allowed and refused.reason == "service_unreachable"
    revision.publish()  # the service is down, the receipt was issued seconds ago: it stands in
    page = reload(page)
    assert page.live and PublishDecision.objects.filter(revision=revision).count() == 1


BROKEN = "关于一个内容无法读取的页面的通知"


def _review_content(page):
    if page.title == BROKEN:
        raise RuntimeError("this page's content cannot be read")
    return PageContent(title=page.title, body=str(page.body or ""), summary=page.summary or None)


def test_scheduled_publishing_refuses_a_page_that_errors_and_publishes_the_others(review, service, caplog, monkeypatch):
    monkeypatch.setattr(NewsPage, "review_content", _review_content, raising=False)
    broken = new_page(CLEAN.replace("通知如下", "通知如下（坏页面）"), title=BROKEN)
    good = new_page(CLEAN.replace("通知如下", "通知如下（好页面）"))
    through_review(service, send_for_review(good, "scheduler").id)
    earlier = timezone.now() - dt.timedelta(minutes=2)
    Revision.objects.filter(pk=broken.latest_revision.pk).update(approved_go_live_at=earlier)
    Revision.objects.filter(pk=good.latest_revision.pk).update(approved_go_live_at=earlier + dt.timedelta(minutes=1))
    with caplog.at_level(logging.WARNING, logger="wagtail_review"):
        call_command("publish_scheduled")
    assert not reload(broken).live and reload(good).live
    assert f"scheduled publish of page {broken.pk}" in caplog.text and "failed unexpectedly" in caplog.text
    Revision.objects.filter(pk=broken.latest_revision.pk).update(approved_go_live_at=None)


def _mobile_site() -> Page:
    site = Site.objects.filter(hostname=MOBILE).first()
    if site is None:
        root = Page.get_first_root_node().add_child(instance=Page(title="移动端", slug="m-root", live=True))
        site = Site.objects.create(hostname=MOBILE, root_page=root, port=80)
    return site.root_page


MOBILE = "m.example.gov.cn"


def test_an_alias_goes_live_only_where_the_gate_allows_its_content(review, service, caplog):
    settings.WAGTAIL_REVIEW = {**review, "SITE_CHANNELS": {MOBILE: "new_media"}}
    mobile = _mobile_site()
    page = new_page(CLEAN.replace("通知如下", "通知如下（别名）"))
    through_review(service, send_for_review(page, "editor").id)
    page.latest_revision.publish()
    page = reload(page)
    assert page.live

    with caplog.at_level(logging.WARNING, logger="wagtail_review"):
        elsewhere = NewsPage.objects.get(pk=page.create_alias(parent=mobile, update_slug=f"alias-{page.pk}").pk)
    assert not elsewhere.live  # approved for website, not for the new_media site it was aliased onto
    assert "not made live" in caplog.text and "new_media" in caplog.text
    same_site = NewsPage.objects.get(pk=page.create_alias(update_slug=f"alias-same-{page.pk}").pk)
    assert same_site.live  # the same content on the same channel: the gate allows it

    # the source publishes again after review: the alias on the other channel is not made live
    page.body = CLEAN.replace("通知如下", "通知如下（别名，第二版）")
    page.save_revision()
    through_review(
        service, send_for_review(page, "editor").id, [("rev1", "approve"), ("rev2", "approve"), ("rev3", "approve")]
    )
    page.latest_revision.publish()
    elsewhere, same_site = NewsPage.objects.get(pk=elsewhere.pk), NewsPage.objects.get(pk=same_site.pk)
    assert "第二版" in elsewhere.body and not elsewhere.live
    assert "第二版" in same_site.body and same_site.live

    # even a direct save cannot make it live
    elsewhere.live = True
    elsewhere.save()
    assert not NewsPage.objects.get(pk=elsewhere.pk).live
