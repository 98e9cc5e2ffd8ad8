"""A real Wagtail project (SQLite, temp folder) and a real review service process, for the plugin tests."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "site_project"), str(HERE.parents[1] / "testing")]
os.environ.setdefault("WAGTAIL_TEST_DIR", tempfile.mkdtemp(prefix="wagtail-site-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "site_project.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from live_service import REVIEWERS, LiveService  # noqa: E402

call_command("migrate", verbosity=0)

PEOPLE = {
    **REVIEWERS,
    # the CMS service account: check while editing, drafts to send pages for review, publish for the gate
    "wagtail-cms": ("cms", "办公室", ["check", "drafts", "publish"]),
    "checker": ("cms", "办公室", ["check", "drafts"]),
    # Wagtail users who send pages in the tests: the plugin names them as the drafts' authors
    # (on_behalf_of); the Wagtail superuser "admin" is the service's first administrator
    "editor": ("editor", "办公室", ["drafts"]),
    "script": ("editor", "办公室", ["drafts"]),
    "scheduler": ("editor", "办公室", ["drafts"]),
}


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    live = LiveService(tmp_path_factory.mktemp("wagtail-service"))
    live.tokens = live.people(PEOPLE)
    with live:
        live.warm_up(live.tokens["wagtail-cms"])
        yield live


@pytest.fixture
def review(service):
    """Point the plugin at the live service (fail-closed), restoring the settings afterwards."""
    saved = settings.WAGTAIL_REVIEW
    settings.WAGTAIL_REVIEW = {**saved, "URL": service.base_url, "TOKEN": service.tokens["wagtail-cms"]}
    yield settings.WAGTAIL_REVIEW
    settings.WAGTAIL_REVIEW = saved
