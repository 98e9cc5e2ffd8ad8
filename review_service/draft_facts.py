"""What the workflow engine is told about a stored draft, and who may see it.

Read-only views of the rows (no writes, no notifications), shared by ``drafts`` (which changes
drafts) and ``notifications`` (which tells people about the changes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checks import Channel
from review_service.models import Draft, DraftVersion, User, utcnow
from review_service.tokens import SERVICE_ROLE
from review_service.workflow_state import definitions
from workflows.definition import WorkflowDefinition
from workflows.state import Actor, CheckStatus, Facts, FindingRef

DEFAULT_SPANNING_ROLES = frozenset(("admin",))


def actor_of(user: User) -> Actor:
    return Actor(user.id, frozenset({user.role}), user.department.name if user.department else None)


def can_see(user: User, draft: Draft, spanning_roles: frozenset[str] = DEFAULT_SPANNING_ROLES) -> bool:
    """Own department's drafts, unless the role (REVIEW_SPANNING_ROLES) or the user spans all.

    A draft whose author belongs to no department is the whole organisation's: otherwise nobody
    could review it."""
    if user.role == SERVICE_ROLE:  # a CMS account sees what it created, nothing else
        return draft.created_by_id == user.id
    if user.role in spanning_roles or user.spans_departments or draft.author_id == user.id:
        return True
    return draft.department_id is None or draft.department_id == user.department_id


def finding_key(finding: dict[str, Any]) -> str:
    return f"{finding['field']}:{finding['category']}:{finding['start']}:{finding['end']}:{finding['rule']}"


def definition_of(draft: Draft) -> WorkflowDefinition:
    return definitions()[draft.workflow]


def latest_version(draft: Draft) -> DraftVersion:
    return draft.versions[-1]


def facts_for(draft: Draft, now: dt.datetime | None = None, *, whatever_the_check: bool = False) -> Facts:
    """The current version's findings and check status (a version stored before check runs counts as checked).

    ``whatever_the_check``: who holds the stage regardless of the check (whom to tell, who may re-run it)."""
    version = latest_version(draft)
    run = version.check_run
    findings = tuple(FindingRef(finding_key(f), f["category"], f["severity"]) for f in (run.findings if run else []))
    check = CheckStatus(run.state) if run and not whatever_the_check else CheckStatus.DONE
    return Facts(version.content_hash, findings, Channel(draft.channel).is_public, now or utcnow(), check)
