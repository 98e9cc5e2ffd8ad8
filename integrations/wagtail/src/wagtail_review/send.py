"""Send a page's title, summary and rich text to the review service as a draft, and submit it.

The draft is created ``on_behalf_of`` the Wagtail user who sends it (mapped by ``AUTHOR``), so the
service's separation of duties binds that person: a CMS editor who is also a reviewer never approves
their own page. A page already under review whose content changed is withdrawn (撤回) and submitted
anew with the new content, so 送审 never leaves a page stuck — except that reviewers' own edits
(校对修改) are never discarded silently: the editor adopts them first or confirms. Content changed
by another Wagtail user than the draft's author goes in a new draft by that user.
"""

from __future__ import annotations

from typing import Any

from review_client import Draft, ReviewClient, ReviewError
from review_client.canonical import content_hash
from wagtail.models import Page

from wagtail_review.conf import review_settings
from wagtail_review.content import PageContent
from wagtail_review.gate import client, revision_content
from wagtail_review.models import ReviewDraft

REVIEWER_EDITS = "reviewer_edits"  # the code of the refusal that a confirmed resend overrides
RECENT_REVISIONS = 20  # how far back a page's revisions are searched for an adopted reviewed version


def sender_name(user: Any) -> str:
    """The Wagtail username of whoever sent the page (a user, or a username when code sends)."""
    return user if isinstance(user, str) else user.get_username()


def review_author(user: Any) -> str:
    """The review service username a page sent by ``user`` is by: the ``AUTHOR`` rule, else the username."""
    rule = review_settings().author
    name = rule(user) if rule is not None else sender_name(user)
    if not isinstance(name, str) or not name.strip():
        raise ReviewError(
            "author_unmapped",
            f"无法确定 Wagtail 用户 {sender_name(user)} 在审校服务中的账号（请检查 AUTHOR 设置）",
            "The AUTHOR rule gave no review service username for this Wagtail user",
        )
    return name.strip()


def _hash(content: PageContent) -> str:
    return content_hash(title=content.title, body=content.body, summary=content.summary, body_format=content.format)


def _page_has(page: Page, digest: str) -> bool:
    """Whether one of the page's recent revisions is exactly ``digest`` (the editor adopted it)."""
    for revision in page.revisions.order_by("-created_at", "-id")[:RECENT_REVISIONS]:
        if _hash(revision_content(revision)[1]) == digest:
            return True
    return False


def _guard_reviewer_edits(service: ReviewClient, page: Page, draft: Draft) -> None:
    """Refuse to replace a version the reviewers wrote (a proofreader's 校对修改) that the page lacks."""
    version = service.get_version(draft.id, draft.current_version)
    if version.author == draft.author or _page_has(page, version.content_hash):
        return
    raise ReviewError(
        REVIEWER_EDITS,
        f"审校人员已修改审校中的稿件（第 {version.number} 版），本页内容未包含这些修改。请先“采用审定稿”，"
        "或确认撤回原稿件并以本页内容重新送审（审校人员的修改将不被采用）",
        "Reviewers edited the draft under review and the page lacks their edit: adopt it, or confirm the resend",
    )


def send_for_review(page: Page, user: Any, *, replace_reviewer_edits: bool = False) -> Draft:
    """Create the page's draft (or save a new version of it) from the latest revision, then submit.

    ``user`` is the Wagtail user who clicked 送审 (or a username). Under review with other content, the
    draft is withdrawn first and then updated and submitted, starting again at 一校; if a reviewer had
    edited it, ``replace_reviewer_edits`` must confirm that their edit is dropped (``reviewer_edits``
    otherwise). Raises ``ReviewError`` (with the service's code) when the service refuses.
    """
    username = sender_name(user)
    author = review_author(user)
    revision = page.latest_revision or page.save_revision()
    source, content, channel = revision_content(revision)
    if not content.body.strip():
        raise ReviewError("empty_text", "页面没有可送审的正文（富文本）", "The page has no rich text to review")
    fields = {"title": content.title, "body": content.body, "summary": content.summary, "format": content.format}
    digest = _hash(content)
    link = ReviewDraft.objects.filter(page=page).first()
    withdrawn = False
    with client() as service:
        if link is None:
            draft = service.create_draft(**fields, channel=channel, on_behalf_of=author)
            link = ReviewDraft.objects.create(page=page, draft_id=draft.id, channel=channel, sent_by=username)
            changed = True
        else:
            draft = service.get_draft(link.draft_id)
            changed = draft.content_hash != digest
            if changed and draft.status == "in_review":
                if not replace_reviewer_edits:
                    _guard_reviewer_edits(service, page, draft)
                note = f"页面已由 Wagtail 用户 {username} 修改，撤回后以新内容重新送审"
                draft = service.withdraw(draft.id, comment=note, expected_revision=draft.revision)
                withdrawn = True
            if changed and draft.author != author:
                # A draft has one author, bound by separation of duties: what another person wrote goes
                # in a new draft by them (else a reviewer who changed a colleague's page approves it).
                draft = service.create_draft(**fields, channel=channel, on_behalf_of=author)
                link.draft_id, link.channel = draft.id, channel
            elif changed:
                draft = service.update_draft(link.draft_id, **fields, expected_revision=draft.revision)
            link.sent_by = username
            link.save()
        if "submit" in draft.actions:
            draft = service.submit(draft.id)
        if changed:
            again = "撤回原稿件后重新" if withdrawn else ""
            service.comment(draft.id, f"由 Wagtail 用户 {username} 从页面“{source.title}”（ID {page.pk}）{again}送审")
    return draft


def withdraw_page(page: Page, user: Any) -> Draft:
    """撤回: take the page's draft back from review (it becomes a draft in the service)."""
    link = ReviewDraft.objects.filter(page=page).first()
    if link is None:
        raise ReviewError("not_sent", "该页面尚未送审", "The page was never sent for review")
    with client() as service:
        return service.withdraw(link.draft_id, comment=f"由 Wagtail 用户 {sender_name(user)} 撤回")
