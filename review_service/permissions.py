"""Who may do what, outside the approval stages: one role enum and one question, ``may(user, action)``.

Stage decisions (pass, approve, return …) are the workflow engine's (workflows/); this module answers
the organisation-wide permissions that routes used to spell as role tuples: maintaining people and the
dictionary, allow-listing false alarms, the archive, the audit ledger, countersign links.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from review_service.services.errors import DomainError


class Role(StrEnum):
    EDITOR = "editor"
    PROOFREADER = "proofreader"
    REVIEWER1 = "reviewer1"
    REVIEWER2 = "reviewer2"
    REVIEWER3 = "reviewer3"
    ADMIN = "admin"
    CMS = "cms"  # a CMS service account


class Action(StrEnum):
    MANAGE_PEOPLE = "manage_people"
    MAINTAIN_DICTIONARY = "maintain_dictionary"
    ALLOW_LIST_FALSE_ALARM = "allow_list_false_alarm"  # organisation-wide and permanent
    MANAGE_ARCHIVE = "manage_archive"  # import and re-check the whole published site
    EXPORT_LEDGER = "export_ledger"  # the audit ledger and the dashboard's ledger view
    ISSUE_COUNTERSIGN_LINK = "issue_countersign_link"  # a bearer credential for another organisation


ALLOWED: dict[Action, frozenset[Role]] = {
    Action.MANAGE_PEOPLE: frozenset({Role.ADMIN}),
    Action.MAINTAIN_DICTIONARY: frozenset({Role.ADMIN}),
    Action.ALLOW_LIST_FALSE_ALARM: frozenset({Role.REVIEWER3, Role.ADMIN}),
    Action.MANAGE_ARCHIVE: frozenset({Role.ADMIN, Role.REVIEWER3}),
    Action.EXPORT_LEDGER: frozenset({Role.ADMIN, Role.REVIEWER3}),
    Action.ISSUE_COUNTERSIGN_LINK: frozenset({Role.ADMIN}),
}


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


def may(user: HasRole, action: Action) -> bool:
    """Whether this person's role allows the action (an unknown role allows nothing)."""
    return user.role in ALLOWED[action]


def require(user: HasRole, action: Action, message_zh: str, message_en: str) -> None:
    """Refuse with ``403 forbidden`` (and the action's own wording) unless ``may(user, action)``."""
    if not may(user, action):
        raise DomainError(403, "forbidden", message_zh, message_en)


def is_service_account(user: HasRole) -> bool:
    """A CMS's account (role ``cms``): it may hold ``publish`` and mint browser tokens, never act as a person."""
    return user.role == Role.CMS


def roles_that_may(action: Action) -> tuple[str, ...]:
    """For pages and messages that list who may act, in the enum's order."""
    return tuple(role.value for role in Role if role in ALLOWED[action])
