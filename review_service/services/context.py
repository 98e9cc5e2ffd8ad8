"""The explicit context every service call takes, instead of values hidden on the SQLAlchemy session."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from review_service.clock import Clock, now_utc
from review_service.config import Settings


@dataclass
class Outbox:
    """What a unit of work hands on only after it commits: in-app notifications and mail to send."""

    notifications: list[dict[str, Any]] = field(default_factory=list)
    mail: list[Any] = field(default_factory=list)


@dataclass
class ServiceContext:
    session: Session
    settings: Settings
    clock: Clock = now_utc
    outbox: Outbox = field(default_factory=Outbox)

    @property
    def spanning_roles(self) -> frozenset[str]:
        return self.settings.spanning_role_set
