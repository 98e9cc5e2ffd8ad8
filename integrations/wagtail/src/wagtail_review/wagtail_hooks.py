"""Admin integration: refuse publishing with the reason, and a one-click 送审 button on the page editor."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from review_client import ReviewError
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.models import Page

from wagtail_review import gate
from wagtail_review.send import send_for_review

SEND_ACTION = "action-send-for-review"
SEVERITY = {"block": "阻断", "warn": "警告", "info": "提示"}
MAX_LISTED = 10
NEEDS_SENDING = ("not_reviewed", "stale_version")  # the content on screen is not what is under review


def refusal_message(outcome: gate.Outcome) -> SafeString:
    head = format_html("发布被拒绝：{}", outcome.message)
    if outcome.draft_id:
        head = format_html("{}（审校稿件 #{}）", head, outcome.draft_id)
    if outcome.reason in NEEDS_SENDING:
        head = format_html("{}。请先点击“{}”。", head, SendForReviewMenuItem.label)
    if not outcome.findings:
        return head
    items = format_html_join(
        "",
        "<li>【{}】{}：{}</li>",
        ((SEVERITY.get(f.severity, f.severity), f.category, f.message) for f in outcome.findings[:MAX_LISTED]),
    )
    more = f"<li>……另有 {len(outcome.findings) - MAX_LISTED} 处</li>" if len(outcome.findings) > MAX_LISTED else ""
    return format_html('{}<ul class="review-findings">{}{}</ul>', head, items, SafeString(more))


def _edit(page: Page) -> HttpResponse:
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_publish_page")
def ask_the_gate(request: HttpRequest, page: Page) -> HttpResponse | None:
    """Ask before Wagtail publishes, so a refusal comes back to the editor as a message, not an error."""
    revision = page.latest_revision
    if revision is None:
        return None
    outcome = gate.ask(revision)  # the publish action asks again and keeps the receipt (enforce.guard)
    if not outcome.allowed:
        messages.error(request, refusal_message(outcome))
        return _edit(page)
    if outcome.fail_open:
        messages.warning(request, outcome.message)
    return None


class SendForReviewMenuItem(ActionMenuItem):
    label = "送审（发布前审校）"
    name = SEND_ACTION
    icon_name = "clipboard-list"

    def is_shown(self, context: dict) -> bool:
        return context.get("view") in ("create", "edit")


@hooks.register("register_page_action_menu_item")
def send_for_review_button() -> ActionMenuItem:
    return SendForReviewMenuItem(order=15)


def _send(request: HttpRequest, page: Page) -> HttpResponse | None:
    if not request.POST.get(SEND_ACTION):
        return None
    try:
        draft = send_for_review(page, request.user.get_username())
    except ReviewError as exc:
        messages.error(request, format_html("送审失败：{}（{}）", exc.message_zh, exc.code))
        return _edit(page)
    stage = draft.stage_label or draft.status
    messages.success(request, format_html("已送审：审校稿件 #{}，当前环节：{}", draft.id, stage))
    return _edit(page)


hooks.register("after_edit_page", _send)
hooks.register("after_create_page", _send)
