"""Test-run configuration shared by every test folder, read before any test module is imported.

Password hashing is argon2id at RFC 9106 cost in production (about half a second a hash on a 2-core
machine); tests create hundreds of accounts, so the run uses the cheapest parameters through the same
settings an operator would set. Exported here, they also reach the servers and workers tests start.
"""

from __future__ import annotations

import os

TEST_SETTINGS = {
    "REVIEW_PASSWORD_TIME_COST": "1",
    "REVIEW_PASSWORD_MEMORY_KIB": "8",
    "REVIEW_PASSWORD_PARALLELISM": "1",
}
for _name, _value in TEST_SETTINGS.items():
    os.environ.setdefault(_name, _value)


# Test tiers. `make test` runs every tier; `make test-fast` leaves out the ones that need a server
# process, a browser or minutes (`-m "not (pg or redis or browser or slow)"`). Three tiers follow from where
# a test lives and what it uses, so a new test lands in them without a decorator; `slow` (processes of
# its own: the service, the CLI, check processes; whole dev sets) is marked in the module or on the test.
BROWSER_DIRS = ("tests/browser/", "integrations/js/tests/")
PG_FIXTURES = {"postgres_server", "postgres_url", "postgres_schema", "postgres_migrated_url"}


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    for marker in (
        "pg: needs a real PostgreSQL server (started by the test run)",
        "redis: needs a real redis-server and Celery worker processes",
        "browser: drives Debian's Chromium through Playwright",
    ):
        config.addinivalue_line("markers", marker)


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    import pytest

    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else item.path.as_posix()
        if path.startswith(BROWSER_DIRS):
            item.add_marker(pytest.mark.browser)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if PG_FIXTURES & set(getattr(item, "fixturenames", ())) or "postgresql" in params.values():
            item.add_marker(pytest.mark.pg)
        module = getattr(item, "module", None)
        if module is not None and (hasattr(module, "RedisServer") or hasattr(module, "CeleryWorker")):
            item.add_marker(pytest.mark.redis)
