"""Ask the publish gate about a revision, explain a refusal, and keep the receipt with the revision.

Fail-closed: an unreachable service refuses unless ``FAIL_OPEN`` is set, and every fail-open
decision is logged (and stored with the revision). A misconfigured token or a bad receipt is never
a reason to open: those always refuse.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.utils import timezone
from review_client import Finding, KeySetCache, ReceiptError, RetryPolicy, ReviewClient, ReviewError, ServiceUnavailable
from review_client.canonical import content_hash
from wagtail.models import Page, Revision

from wagtail_review.conf import review_settings
from wagtail_review.content import PageContent, page_channel, page_content
from wagtail_review.models import PublishDecision

logger = logging.getLogger("wagtail_review")
KEYS = KeySetCache()  # one per process: the key set is fetched once and refreshed on an unknown key id
# A stored receipt stands in for an unreachable gate only this long after it was issued (e.g. the
# admin's early check got through, then the service went away before the publish itself).
RECEIPT_FALLBACK = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    reason: str | None
    message: str
    content_hash: str
    channel: str
    findings: list[Finding] = field(default_factory=list)
    draft_id: int | None = None
    version: int | None = None
    receipt: dict | None = None
    fail_open: bool = False
    reused: bool = False  # allowed on a receipt stored moments ago, while the service was unreachable


def client() -> ReviewClient:
    config = review_settings()
    return ReviewClient(
        config.url, config.token, timeout=config.timeout, retry=RetryPolicy(retries=config.retries), keys=KEYS
    )


def revision_content(revision: Revision) -> tuple[Page, PageContent, str]:
    page = revision.as_object()
    config = review_settings()
    return page, page_content(page), page_channel(page, default=config.channel, site_channels=config.site_channels)


def _hash(content: PageContent) -> str:
    return content_hash(title=content.title, body=content.body, summary=content.summary, body_format=content.format)


def ask(revision: Revision) -> Outcome:
    """The gate's answer for exactly the content of ``revision`` on its site's channel."""
    page, content, channel = revision_content(revision)
    return ask_content(page, content, channel, revision=revision)


def ask_page(page: Page) -> Outcome:
    """The gate's answer for a page as it is about to be saved (an alias has no revision of its own)."""
    config = review_settings()
    channel = page_channel(page, default=config.channel, site_channels=config.site_channels)
    return ask_content(page, page_content(page), channel)


def ask_content(page: Page, content: PageContent, channel: str, *, revision: Revision | None = None) -> Outcome:
    """Always asks the service. Only when it is unreachable does a stored receipt issued moments ago
    (``RECEIPT_FALLBACK``) for this exact revision stand in, and failing that ``FAIL_OPEN`` decides."""
    digest = _hash(content)
    fields = {"channel": channel, "title": content.title, "body": content.body, "summary": content.summary}
    try:
        with client() as service:
            gate = service.publish_gate(**fields, format=content.format)
            if gate.allowed:
                service.verify_receipt(gate.receipt, **fields, format=content.format)
                return Outcome(True, None, "", digest, channel, [], gate.draft_id, gate.version, gate.receipt)
            findings = _explain(service, gate.reason, gate.draft_id, content, channel)
            return Outcome(
                False, gate.reason, gate.message_zh or "发布闸门拒绝发布", digest, channel, findings, gate.draft_id
            )
    except ServiceUnavailable as exc:
        what = f"revision {revision.pk}" if revision is not None else "(alias)"
        if revision is not None and covered(revision):
            logger.warning(
                "review service unavailable (%s); page %s %s published on a receipt issued less than %s ago",
                exc.code,
                page.pk,
                what,
                RECEIPT_FALLBACK,
            )
            message = "审校服务暂时无法访问，已凭刚签发的发布回执放行"
            return Outcome(True, exc.code, message, digest, channel, reused=True)
        if review_settings().fail_open:
            logger.warning(
                "review service unavailable (%s); FAIL-OPEN: page %s %s published without a review receipt",
                exc.code,
                page.pk,
                what,
            )
            return Outcome(
                True, exc.code, "审校服务无法访问，已按配置放行（fail-open）", digest, channel, fail_open=True
            )
        return Outcome(False, exc.code, "审校服务无法访问，为确保先审后发，已阻止发布", digest, channel)
    except ReceiptError as exc:
        return Outcome(False, exc.code, f"发布回执验证失败：{exc.message_zh}", digest, channel)
    except ReviewError as exc:
        return Outcome(False, exc.code, f"审校服务拒绝了请求：{exc.message_zh}（{exc.code}）", digest, channel)


def _explain(
    service: ReviewClient, reason: str | None, draft_id: int | None, content: PageContent, channel: str
) -> list[Finding]:
    """Why: the findings of the draft under review, or of the content itself when never sent."""
    try:
        if draft_id is not None and reason in ("not_approved", "stale_version"):
            draft = service.get_draft(draft_id)
            findings = service.get_version(draft_id, draft.current_version).findings
        else:
            findings = service.check(
                content.body, title=content.title, summary=content.summary, format=content.format, channel=channel
            ).findings
    except ReviewError:
        return []  # the refusal stands; the findings only explain it
    return [f for f in findings if f.severity in ("block", "warn")]


def record(revision: Revision, outcome: Outcome) -> PublishDecision:
    return PublishDecision.objects.create(
        revision=revision,
        page_id=revision.object_id,
        decision=PublishDecision.FAIL_OPEN if outcome.fail_open else PublishDecision.ALLOW,
        channel=outcome.channel,
        content_hash=outcome.content_hash,
        draft_id=outcome.draft_id,
        version=outcome.version,
        receipt=outcome.receipt,
        note=(outcome.reason or "")[:300],
    )


def covered(revision: Revision, *, now: dt.datetime | None = None) -> bool:
    """Does a receipt stored with this revision, issued at most ``RECEIPT_FALLBACK`` ago, cover its exact content?

    Used only when the service is unreachable: a reachable gate is always asked, because a draft
    can be sent back or withdrawn after a receipt was issued. The receipt is re-verified offline
    against the revision's content now, so a receipt copied onto another revision, or content
    changed after the gate answered, is not covered. Fail-open decisions never cover anything.
    """
    now = now or timezone.now()
    decisions = list(PublishDecision.objects.filter(revision=revision, decision=PublishDecision.ALLOW)[:5])
    if not decisions:
        return False
    _, content, channel = revision_content(revision)
    fields = {"channel": channel, "title": content.title, "body": content.body, "summary": content.summary}
    for decision in decisions:
        try:
            with client() as service:
                payload = service.verify_receipt(decision.receipt, **fields, format=content.format, now=now)
            issued = dt.datetime.fromisoformat(payload["issued_at"])
        except (ReviewError, KeyError, TypeError, ValueError):
            continue
        if dt.timedelta(0) <= now - issued <= RECEIPT_FALLBACK:
            return True
    return False
