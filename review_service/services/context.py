"""The explicit context every service call takes, instead of values hidden on the SQLAlchemy session.

A ``ServiceContext`` is one unit of work (``services.unit_of_work``): its session, the settings, the
clock and an ``Outbox`` of what may leave the process only once the transaction has committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from review_service.clock import Clock, now_utc
from review_service.config import Settings
from review_service.mailer import Mail


@dataclass(frozen=True)
class Job:
    """Background work to start after commit: a task name (``review_service.jobs``) and its row id."""

    task: str
    arg: int


@dataclass(frozen=True)
class FileLine:
    """A JSON document to append to a file after commit (an audit checkpoint kept outside the database)."""

    path: Path
    document: dict[str, Any]


@dataclass
class Outbox:
    """What a unit of work hands on only after it commits; a rolled-back transaction hands on nothing.

    Jobs and file lines are acted on at each commit; notifications (webhook) and mail wait in
    ``sendable`` until the caller delivers them (the API after the response, elsewhere at once).
    """

    notifications: list[dict[str, Any]] = field(default_factory=list)
    mail: list[Mail] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    files: list[FileLine] = field(default_factory=list)
    sendable_notifications: list[dict[str, Any]] = field(default_factory=list)
    sendable_mail: list[Mail] = field(default_factory=list)

    def committed(self) -> tuple[list[Job], list[FileLine]]:
        """The transaction committed: release its messages, return (and forget) its jobs and files."""
        self.sendable_notifications.extend(self.notifications)
        self.sendable_mail.extend(self.mail)
        jobs, files = self.jobs, self.files
        self.notifications, self.mail, self.jobs, self.files = [], [], [], []
        return jobs, files

    def rolled_back(self) -> None:
        """The transaction rolled back: what it queued never happened."""
        self.notifications, self.mail, self.jobs, self.files = [], [], [], []

    def take_sendable(self) -> tuple[list[dict[str, Any]], list[Mail]]:
        notifications, mail = self.sendable_notifications, self.sendable_mail
        self.sendable_notifications, self.sendable_mail = [], []
        return notifications, mail


@dataclass
class ServiceContext:
    session: Session
    settings: Settings
    clock: Clock = now_utc
    outbox: Outbox = field(default_factory=Outbox)

    @property
    def spanning_roles(self) -> frozenset[str]:
        return self.settings.spanning_role_set
