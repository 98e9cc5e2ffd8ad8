from __future__ import annotations

import pytest

from checks import CheckEngine, DraftInput, build_engine


@pytest.fixture(scope="session")
def engine() -> CheckEngine:
    return build_engine()


@pytest.fixture(scope="session")
def check(engine: CheckEngine):
    def run(text: str, **kwargs):
        return engine.check(DraftInput(body=text, **kwargs))

    return run


@pytest.fixture(scope="session")
def postgres_server():
    from tests.postgres_server import PostgresServer

    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def postgres_url(postgres_server) -> str:
    """A real PostgreSQL database of its own for each test (one server for the whole run)."""
    return postgres_server.new_database()
