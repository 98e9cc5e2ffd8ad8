"""One answer to "may this person do this": the role enum and may(user, action)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from review_service.permissions import ALLOWED, Action, Role, may, roles_that_may
from review_service.users import ROLES
from tests.paths import REPO_ROOT

ROOT = REPO_ROOT


@dataclass(frozen=True)
class Person:
    role: str


@pytest.mark.parametrize(
    ("action", "roles"),
    [
        (Action.MANAGE_PEOPLE, {"admin"}),
        (Action.MAINTAIN_DICTIONARY, {"admin"}),
        (Action.ALLOW_LIST_FALSE_ALARM, {"admin", "reviewer3"}),
        (Action.MANAGE_ARCHIVE, {"admin", "reviewer3"}),
        (Action.EXPORT_LEDGER, {"admin", "reviewer3"}),
        (Action.ISSUE_COUNTERSIGN_LINK, {"admin"}),
    ],
)
def test_who_may_do_what(action: Action, roles: set[str]) -> None:
    assert {r for r in ROLES if may(Person(r), action)} == roles
    assert set(roles_that_may(action)) == roles
    assert not may(Person("Admin"), action) and not may(Person(""), action)  # exact roles only


def test_every_action_has_a_rule_and_the_roles_are_the_enum() -> None:
    assert set(ALLOWED) == set(Action)
    assert tuple(r.value for r in Role) == ROLES


# Route files that still spell roles themselves (issue 16: to move behind may() when those files are free).
KNOWN_ROLE_LITERALS: set[str] = set()
ROLE_LITERAL = re.compile(r"""role\s*(?:==|!=|not in|in)\s*[("']|require_role\(|_ROLES\s*=\s*\(""")


def test_no_new_route_file_spells_roles() -> None:
    routes = [*ROOT.glob("review_service/api/routes/*.py"), *ROOT.glob("review_service/web/routes/*.py")]
    spelled = {p.relative_to(ROOT).as_posix() for p in routes if ROLE_LITERAL.search(p.read_text(encoding="utf-8"))}
    assert spelled <= KNOWN_ROLE_LITERALS, sorted(spelled - KNOWN_ROLE_LITERALS)
