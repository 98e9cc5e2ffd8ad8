"""The CMS side of the review loop: what the review service says about a page, its reviewers' edits
coming back as a new revision (采用审定稿), and telling the service the page went live.

Reviewer edits flow back by **采用审定稿 with a diff**: the page editor shows the difference between
the page and the service's current version and a button that saves that version as a new Wagtail
revision (by the Wagtail user who clicks it). Nothing is written into the CMS behind the editor's back.
"""

from __future__ import annotations

import difflib
import html
import logging
import re
from dataclasses import dataclass, field

from review_client import Draft, DraftVersion, Finding, ReviewError
from review_client.canonical import content_hash
from wagtail.fields import RichTextField
from wagtail.models import Page, Revision

from wagtail_review.conf import review_settings
from wagtail_review.content import page_content
from wagtail_review.gate import client
from wagtail_review.models import PublishDecision, ReviewDraft

logger = logging.getLogger("wagtail_review")
STATUS = {"draft": "草稿", "in_review": "审核中", "returned": "已退回", "approved": "已终审通过", "published": "已发布"}
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ReviewState:
    draft: Draft
    link: str
    findings: list[Finding] = field(default_factory=list)
    reviewed: DraftVersion | None = None  # the service's current version, when it differs from the page

    @property
    def status_label(self) -> str:
        return STATUS.get(self.draft.status, self.draft.status)


def draft_link(draft_id: int) -> str:
    return f"{review_settings().url.rstrip('/')}/drafts/{draft_id}"


def _hash(title: str, body: str, summary: str | None) -> str:
    return content_hash(title=title, body=body, summary=summary, body_format="html")


def review_state(page: Page) -> ReviewState | None:
    """None when the page was never sent; raises ReviewError when the service refuses or is away."""
    record = ReviewDraft.objects.filter(page=page).first()
    if record is None:
        return None
    revision = page.latest_revision
    current = page_content(revision.as_object() if revision else page)
    with client() as service:
        draft = service.get_draft(record.draft_id)
        version = service.get_version(draft.id, draft.current_version)
    findings = [f for f in version.findings if f.severity in ("block", "warn")]
    reviewed = None
    if draft.content_hash != _hash(current.title, current.body, current.summary):
        reviewed = version
    return ReviewState(draft, draft_link(draft.id), findings, reviewed)


def _text_lines(value: str) -> list[str]:
    return [html.unescape(TAG.sub("", line)).strip() for line in re.split(r"</p>|<br\s*/?>|\n", value) if line.strip()]


def diff_lines(page: Page, version: DraftVersion) -> list[str]:
    """What the reviewers changed, as text lines (- page, + reviewed)."""
    current = page_content(page.latest_revision.as_object() if page.latest_revision else page)
    before = [f"标题：{current.title}", f"摘要：{current.summary or ''}", *_text_lines(current.body)]
    after = [f"标题：{version.title}", f"摘要：{version.summary or ''}", *_text_lines(version.body)]
    return [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]


def adopt_reviewed(page: Page, user: object) -> Revision:
    """采用审定稿: save the service's current version as the page's new revision (title, summary, body)."""
    record = ReviewDraft.objects.get(page=page)
    with client() as service:
        draft = service.get_draft(record.draft_id)
        version = service.get_version(draft.id, draft.current_version)
    target = page.get_latest_revision_as_object()
    names = getattr(target, "review_body_fields", None) or [
        f.name for f in target._meta.get_fields() if isinstance(f, RichTextField)
    ]
    if len(names) != 1:
        raise ReviewError("adopt_unsupported", "该页面有多个富文本字段，请手工采用审定稿", "Several rich text fields")
    target.title = version.title
    setattr(target, names[0], version.body)
    summary_field = getattr(target, "review_summary_field", "summary")
    if summary_field and hasattr(target, summary_field):
        setattr(target, summary_field, version.summary or "")
    return target.save_revision(user=user, log_action=True)


def confirm_published(revision: Revision) -> Draft | None:
    """After a publish: hand the service the receipt the gate issued for this revision (best effort)."""
    decision = (
        PublishDecision.objects.filter(revision=revision, decision=PublishDecision.ALLOW, draft_id__isnull=False)
        .exclude(receipt=None)
        .first()
    )
    if decision is None:
        return None
    try:
        with client() as service:
            return service.confirm_published(decision.draft_id, decision.receipt)
    except ReviewError as exc:
        logger.warning("page %s published; confirming draft %s failed: %s", revision.object_id, decision.draft_id, exc)
        return None
