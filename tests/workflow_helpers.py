"""People for workflow tests: one of each role, each with a personal `drafts` token."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from review_service.config import Settings
from review_service.db import unit_of_work, upgrade
from review_service.tokens import issue_token
from review_service.users import create_user

PEOPLE = {
    "editor": ("editor", "办公室"),
    "editor2": ("editor", "办公室"),
    "proof1": ("proofreader", "办公室"),
    "proof2": ("proofreader", "办公室"),
    "proof3": ("proofreader", "办公室"),
    "rev1": ("reviewer1", "办公室"),
    "rev2": ("reviewer2", "办公室"),
    "rev3": ("reviewer3", "办公室"),
    "outsider": ("reviewer1", "教育局"),
}


@dataclass(frozen=True)
class Person:
    username: str
    user_id: int
    headers: dict[str, str]


def make_people(settings: Settings, extra: dict[str, tuple[str, str]] | None = None) -> dict[str, Person]:
    upgrade(settings)
    people = {}
    with unit_of_work(settings) as session:
        for username, (role, department) in {**PEOPLE, **(extra or {})}.items():
            user, _ = create_user(
                session, username=username, role=role, department=department, password="pw-" + username
            )
            token = issue_token(session, user=user, name=username, scopes=["drafts"], ttl=dt.timedelta(days=1)).token
            people[username] = Person(username, user.id, {"Authorization": f"Bearer {token}"})
        cms, _ = create_user(session, username="site-cms", role="cms")
        token = issue_token(session, user=cms, name="cms", scopes=["check", "publish"], ttl=dt.timedelta(days=1)).token
        people["cms"] = Person("site-cms", cms.id, {"Authorization": f"Bearer {token}"})
    return people


def race_two_proofreaders(client: Any, people: dict[str, Person], draft_id: int) -> list[int]:
    """proof1 and proof2 pass the same stage at once, both from the revision they read: the statuses."""
    revision = client.get(f"/api/v1/drafts/{draft_id}", headers=people["proof1"].headers).json()["revision"]
    statuses: list[int] = []

    def decide(who: str) -> None:
        r = client.post(
            f"/api/v1/drafts/{draft_id}/actions",
            json={"action": "pass", "expected_revision": revision},
            headers=people[who].headers,
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=decide, args=(who,)) for who in ("proof1", "proof2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses
