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
def postgres_url():
    from tests.postgres_server import PostgresServer

    server = PostgresServer()
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
