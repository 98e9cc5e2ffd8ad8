"""What the plugin remembers: the review draft of each page, and the gate's decision for each revision."""

from __future__ import annotations

from django.db import models
from wagtail.models import Page, Revision


class ReviewDraft(models.Model):
    """The review service's draft that carries this page through 三审三校."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="review_draft")
    draft_id = models.PositiveIntegerField()
    channel = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now=True)
    sent_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"page {self.page_id} → draft {self.draft_id}"


class PublishDecision(models.Model):
    """The publish gate's answer for one revision, with the signed receipt kept alongside the revision."""

    ALLOW = "allow"
    FAIL_OPEN = "fail_open"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="review_decisions")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="review_decisions")
    decision = models.CharField(max_length=20, choices=[(ALLOW, "allow"), (FAIL_OPEN, "fail open")])
    channel = models.CharField(max_length=20)
    content_hash = models.CharField(max_length=80)
    draft_id = models.PositiveIntegerField(null=True)
    version = models.PositiveIntegerField(null=True)
    receipt = models.JSONField(null=True)
    note = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"revision {self.revision_id}: {self.decision}"
