"""A test app on a temporary data directory, plus tokens minted the way the CLI mints them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from review_service.config import Settings
from review_service.db import unit_of_work, upgrade
from review_service.tokens import ensure_service_account, issue_token


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, **overrides)


def mint_token(settings: Settings, *, name: str = "cms-test", scopes: list[str] | None = None, days: int = 30) -> str:
    upgrade(settings)
    with unit_of_work(settings) as session:
        user = ensure_service_account(session, username=name)
        return issue_token(session, user=user, name=name, scopes=scopes or ["check"], ttl=dt.timedelta(days=days)).token
