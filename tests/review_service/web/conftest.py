"""Fixtures the page tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.users import create_user
from tests.web_helpers import login
from tests.workflow_helpers import make_people


@pytest.fixture()
def admin(tmp_path) -> Iterator[tuple[TestClient, str, Settings]]:
    """The workflow's people plus an administrator ``boss``, logged in: (browser, CSRF token, settings)."""
    settings = Settings(data_dir=tmp_path)
    make_people(settings)
    with unit_of_work(settings) as session:
        create_user(session, username="boss", role="admin", password="pw-boss")
    with TestClient(create_app(settings)) as client:
        yield client, login(client, "boss"), settings
