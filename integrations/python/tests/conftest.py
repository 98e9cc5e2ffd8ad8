"""One real review service (a `review-service serve` process) for the client tests, with 三审三校 people."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "testing"))

from live_service import REVIEWERS, LiveService

PEOPLE = {
    **REVIEWERS,
    "editor": ("editor", "办公室", ["drafts"]),
    "site-cms": ("cms", "办公室", ["check", "publish"]),
    "cms-drafts": ("cms", "办公室", ["check", "drafts"]),  # a CMS that sends pages for review
    "checker": ("cms", None, ["check"]),
}


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    live = LiveService(tmp_path_factory.mktemp("client-service"))
    live.tokens = live.people(PEOPLE)
    with live:
        live.warm_up(live.tokens["checker"])
        yield live
