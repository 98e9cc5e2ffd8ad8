"""The one place every page publish passes through: ``PublishPageRevisionAction.execute``.

Wagtail's admin (edit, create, bulk publish, workflow approval), ``publish_scheduled``,
``revision.publish()`` and ``page.publish(revision)`` all build this action and call ``execute``;
Wagtail offers no hook at that point, so the plugin wraps it once, at app start. The admin's
``before_publish_page`` hook asks the gate first to show the editor why; this wrapper makes the
rule hold for every other path too.

Alias pages have no revisions: ``create_alias`` copies a live page and ``update_aliases`` (run when
the source publishes) copies the content and sets ``live = True``, both by saving the alias. A
``pre_save`` guard asks the gate for the alias's content on the alias's own site channel whenever an
alias is saved live; when the gate does not allow it, the alias is saved as not live instead.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.models import Page

from wagtail_review import gate
from wagtail_review.loop import confirm_published

logger = logging.getLogger("wagtail_review")
SCHEDULED = "wagtail.publish.scheduled"


class PublishRefused(PermissionDenied):
    """The review service's publish gate did not allow this revision's content."""

    def __init__(self, outcome: gate.Outcome) -> None:
        super().__init__(f"发布被拒绝：{outcome.message}（{outcome.reason}）")
        self.outcome = outcome


def guard(revision: Any, *, scheduled: bool) -> bool:
    """True when ``revision`` may go live now; raises PublishRefused otherwise (scheduled: returns False).

    The gate is asked every time; a stored receipt only stands in while the service is unreachable,
    for a few minutes after it was issued (see ``gate.ask_content``).
    """
    try:
        outcome = gate.ask(revision)
        if outcome.allowed and not outcome.reused:
            gate.record(revision, outcome)
    except Exception:
        if not scheduled:
            raise  # the publish does not happen: the original action is never called
        # One broken page must not stop publish_scheduled for every later page: refuse this one.
        logger.exception(
            "scheduled publish of page %s revision %s refused: the review check failed unexpectedly",
            revision.object_id,
            revision.pk,
        )
        return False
    if outcome.allowed:
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


def guard_alias(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """An alias goes (or stays) live only if the gate allows its content on the alias's own channel."""
    if not isinstance(instance, Page) or instance.alias_of_id is None or not instance.live:
        return
    if update_fields is not None and "live" not in update_fields:
        return  # e.g. treebeard updating numchild: not a publish
    try:
        outcome = gate.ask_page(instance)
    except Exception:
        logger.exception("alias page %s (of page %s): the review check failed", instance.pk, instance.alias_of_id)
        outcome = None
    if outcome is not None and outcome.allowed:
        return
    instance.live = False
    instance.has_unpublished_changes = True
    logger.warning(
        "alias page %s (of page %s) on channel %s not made live: refused by the review gate: %s",
        instance.pk,
        instance.alias_of_id,
        outcome.channel if outcome is not None else "?",
        outcome.reason if outcome is not None else "error",
    )


def install() -> None:
    if getattr(PublishPageRevisionAction.execute, "review_guarded", False):
        return
    original = PublishPageRevisionAction.execute

    def execute(self: PublishPageRevisionAction, skip_permission_checks: bool = False) -> Any:
        self.check(skip_permission_checks=skip_permission_checks)  # Wagtail's own permission check first
        if not guard(self.revision, scheduled=self.log_action == SCHEDULED):
            return None
        result = original(self, skip_permission_checks=skip_permission_checks)
        confirm_published(self.revision)  # the draft becomes 已发布 in the review service
        return result

    execute.review_guarded = True  # type: ignore[attr-defined]
    PublishPageRevisionAction.execute = execute  # type: ignore[method-assign]
    pre_save.connect(guard_alias, dispatch_uid="wagtail_review.guard_alias")
