"""Send a page's title, summary and rich text to the review service as a draft, and submit it."""

from __future__ import annotations

from review_client import Draft, ReviewError
from review_client.canonical import content_hash
from wagtail.models import Page

from wagtail_review.gate import client, revision_content
from wagtail_review.models import ReviewDraft


def send_for_review(page: Page, username: str) -> Draft:
    """Create the page's draft (or save a new version of it) from the latest revision, then submit.

    The draft is authored by the CMS service account; the Wagtail user who sent it is written as a
    comment on the draft. Raises ``ReviewError`` (with the service's code) when the service refuses,
    e.g. while the draft is in review (``wrong_status``).
    """
    revision = page.latest_revision or page.save_revision()
    source, content, channel = revision_content(revision)
    if not content.body.strip():
        raise ReviewError("empty_text", "页面没有可送审的正文（富文本）", "The page has no rich text to review")
    fields = {"title": content.title, "body": content.body, "summary": content.summary, "format": content.format}
    digest = content_hash(title=content.title, body=content.body, summary=content.summary, body_format=content.format)
    link = ReviewDraft.objects.filter(page=page).first()
    with client() as service:
        if link is None:
            draft = service.create_draft(**fields, channel=channel)
            link = ReviewDraft.objects.create(page=page, draft_id=draft.id, channel=channel, sent_by=username)
            changed = True
        else:
            draft = service.get_draft(link.draft_id)
            changed = draft.content_hash != digest
            if changed:
                draft = service.update_draft(link.draft_id, **fields, expected_revision=draft.revision)
            link.sent_by = username
            link.save()
        if "submit" in draft.actions:
            draft = service.submit(draft.id)
        if changed:
            service.comment(draft.id, f"由 Wagtail 用户 {username} 从页面“{source.title}”（ID {page.pk}）送审")
    return draft
