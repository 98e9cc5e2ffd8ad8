"""The one place every page publish passes through: ``PublishPageRevisionAction.execute``.

Wagtail's admin (edit, create, bulk publish, workflow approval), ``publish_scheduled``,
``revision.publish()`` and ``page.publish(revision)`` all build this action and call ``execute``;
Wagtail offers no hook at that point, so the plugin wraps it once, at app start. The admin's
``before_publish_page`` hook asks the gate first to show the editor why; this wrapper makes the
rule hold for every other path too.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from wagtail.actions.publish_page_revision import PublishPageRevisionAction

from wagtail_review import gate

logger = logging.getLogger("wagtail_review")
SCHEDULED = "wagtail.publish.scheduled"


class PublishRefused(PermissionDenied):
    """The review service's publish gate did not allow this revision's content."""

    def __init__(self, outcome: gate.Outcome) -> None:
        super().__init__(f"发布被拒绝：{outcome.message}（{outcome.reason}）")
        self.outcome = outcome


def guard(revision: Any, *, scheduled: bool) -> bool:
    """True when ``revision`` may go live now; raises PublishRefused otherwise (scheduled: returns False)."""
    if gate.covered(revision):
        return True
    outcome = gate.ask(revision)
    if outcome.allowed:
        gate.record(revision, outcome)
        return True
    if scheduled:
        # Not raised: publish_scheduled would stop and hold back every later page. The revision
        # stays scheduled, so the next run publishes it once the gate allows it.
        logger.warning(
            "scheduled publish of page %s revision %s refused by the review gate: %s",
            revision.object_id,
            revision.pk,
            outcome.reason,
        )
        return False
    raise PublishRefused(outcome)


def install() -> None:
    if getattr(PublishPageRevisionAction.execute, "review_guarded", False):
        return
    original = PublishPageRevisionAction.execute

    def execute(self: PublishPageRevisionAction, skip_permission_checks: bool = False) -> Any:
        self.check(skip_permission_checks=skip_permission_checks)  # Wagtail's own permission check first
        if not guard(self.revision, scheduled=self.log_action == SCHEDULED):
            return None
        return original(self, skip_permission_checks=skip_permission_checks)

    execute.review_guarded = True  # type: ignore[attr-defined]
    PublishPageRevisionAction.execute = execute  # type: ignore[method-assign]
