"""Debian's Chromium driven by Playwright against a live server; nothing downloads a browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from review_service.config import Settings
from tests.live_server import LiveServer
from tests.workflow_helpers import Person, make_people

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("REVIEW_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("Debian's chromium is required for the browser tests (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")  # sync Playwright holds an event loop: let later asyncio tests have theirs
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, Person], Settings]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("web"))
    people = make_people(settings)
    server = LiveServer(settings).start()
    try:
        yield server, people, settings
    finally:
        server.stop()


class Screens:
    """Screenshots of the main pages for the README, only when REVIEW_SCREENSHOTS names a folder."""

    def __init__(self) -> None:
        folder = os.environ.get("REVIEW_SCREENSHOTS")
        self.folder = Path(folder) if folder else None

    def take(self, page: Page, name: str) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(self.folder / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def screens() -> Screens:
    return Screens()
