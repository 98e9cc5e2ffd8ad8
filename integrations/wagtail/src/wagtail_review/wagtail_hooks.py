"""Admin integration: refuse publishing with the reason, and a one-click 送审 button on the page editor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from review_client import ReviewError
from wagtail import hooks
from wagtail.admin.action_menu import (
    ActionMenuItem,
    RestartWorkflowMenuItem,
    SubmitForModerationMenuItem,
    WorkflowMenuItem,
)
from wagtail.models import Page

from wagtail_review import gate, loop
from wagtail_review.send import REVIEWER_EDITS, send_for_review, withdraw_page

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


def _post_button(request: HttpRequest, url_name: str, page: Page, label: str, css: str = "button") -> SafeString:
    """A one-button form to one of the plugin's admin views (Django's CSRF token included)."""
    return format_html(
        '<form method="post" action="{}" class="review-action"><input type="hidden" name="csrfmiddlewaretoken"'
        ' value="{}"><button type="submit" class="{}">{}</button></form>',
        reverse(url_name, args=[page.pk]),
        get_token(request),
        css,
        label,
    )


def _sent(request: HttpRequest, page: Page, replace_reviewer_edits: bool = False) -> HttpResponse:
    try:
        draft = send_for_review(page, request.user, replace_reviewer_edits=replace_reviewer_edits)
    except ReviewError as exc:
        message = format_html("送审失败：{}（{}）", exc.message_zh, exc.code)
        if exc.code == REVIEWER_EDITS:
            resend = _post_button(request, "wagtail_review_resend", page, "撤回并以本页内容重新送审", "button no")
            message = format_html("{}{}", message, resend)
        messages.error(request, message)
        return _edit(page)
    stage = draft.stage_label or draft.status
    messages.success(request, format_html("已送审：审校稿件 #{}，当前环节：{}", draft.id, stage))
    return _edit(page)


def _send(request: HttpRequest, page: Page) -> HttpResponse | None:
    if not request.POST.get(SEND_ACTION):
        return None
    return _sent(request, page)


hooks.register("after_edit_page", _send)
hooks.register("after_create_page", _send)


# -- the review loop on the page editor -----------------------------------------------------------

MODERATION_ITEMS = (SubmitForModerationMenuItem, WorkflowMenuItem, RestartWorkflowMenuItem)


@hooks.register("construct_page_action_menu")
def hide_wagtail_moderation(menu_items: list, request: HttpRequest, context: dict) -> None:
    """送审 replaces Wagtail's own "submit for moderation": two review paths side by side confuse."""
    menu_items[:] = [item for item in menu_items if not isinstance(item, MODERATION_ITEMS)]


def _status_message(request: HttpRequest, page: Page, state: loop.ReviewState) -> SafeString:
    draft = state.draft
    stage = f" · 当前环节：{draft.stage_label}" if draft.stage_label else ""
    head = format_html(
        '发布前审校：<strong class="review-status">{}</strong>{} · 稿件 #{} · <a href="{}" target="_blank"'
        ' rel="noopener">在审校服务中查看</a>',
        state.status_label,
        stage,
        draft.id,
        state.link,
    )
    parts = [head]
    if draft.status == "returned" and draft.last_return:
        back = draft.last_return
        parts.append(
            format_html(
                '<div class="review-return">退回意见（{} · {}）：{}</div>',
                back.get("stage_label", ""),
                back.get("by", ""),
                back.get("comment", ""),
            )
        )
    if draft.status == "in_review":
        parts.append(_post_button(request, "wagtail_review_withdraw", page, "撤回送审", "button button-secondary"))
    if state.findings:
        items = format_html_join(
            "",
            "<li>【{}】{}</li>",
            ((SEVERITY.get(f.severity, f.severity), f.message) for f in state.findings[:MAX_LISTED]),
        )
        parts.append(format_html('<ul class="review-findings">{}</ul>', items))
    if state.reviewed is not None and draft.status != "draft":
        changes = format_html_join("", "<li>{}</li>", ((line,) for line in loop.diff_lines(page, state.reviewed)[:40]))
        parts.append(
            format_html(
                '<div class="review-adopt">审校中稿件已被修改（第 {} 版），与本页内容不同：'
                '<ul class="review-diff">{}</ul>'
                '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<button type="submit" class="button" name="adopt">采用审定稿</button></form></div>',
                state.reviewed.number,
                changes,
                reverse("wagtail_review_adopt", args=[page.pk]),
                get_token(request),
            )
        )
    return format_html_join("", "{}", ((p,) for p in parts))


@hooks.register("before_edit_page")
def show_review_state(request: HttpRequest, page: Page) -> None:
    """The page editor shows status, stage, findings, the return reason and a link to the draft."""
    if request.method != "GET":
        return
    try:
        state = loop.review_state(page)
    except ReviewError as exc:
        messages.warning(request, format_html("发布前审校：暂时无法读取审校状态（{}）", exc.code))
        return
    if state is None:
        return
    level = messages.warning if state.draft.status == "returned" or state.reviewed else messages.info
    level(request, _status_message(request, page, state))


def _editable_page(request: HttpRequest, page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id).specific
    if request.method != "POST" or not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def adopt_view(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _editable_page(request, page_id)
    try:
        revision = loop.adopt_reviewed(page, request.user)
    except ReviewError as exc:
        messages.error(request, format_html("采用审定稿失败：{}（{}）", exc.message_zh, exc.code))
        return _edit(page)
    messages.success(request, format_html("已采用审定稿，保存为页面的新修订版本（#{}）", revision.pk))
    return _edit(page)


def withdraw_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """撤回送审: the page's draft leaves review and becomes a draft again in the service."""
    page = _editable_page(request, page_id)
    try:
        draft = withdraw_page(page, request.user)
    except ReviewError as exc:
        messages.error(request, format_html("撤回失败：{}（{}）", exc.message_zh, exc.code))
        return _edit(page)
    messages.success(request, format_html("已撤回：审校稿件 #{} 回到草稿，修改后可再次送审", draft.id))
    return _edit(page)


def resend_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """The editor confirmed: withdraw the draft reviewers edited and send this page's content instead."""
    return _sent(request, _editable_page(request, page_id), replace_reviewer_edits=True)


@hooks.register("register_admin_urls")
def review_urls() -> list:
    return [
        path("review/adopt/<int:page_id>/", adopt_view, name="wagtail_review_adopt"),
        path("review/withdraw/<int:page_id>/", withdraw_view, name="wagtail_review_withdraw"),
        path("review/resend/<int:page_id>/", resend_view, name="wagtail_review_resend"),
    ]
