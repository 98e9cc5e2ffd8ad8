from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.engine import make_url

from checks import CheckEngine, DraftInput
from checks.registry import CheckRegistry
from checks.typo.check import TypoCheck
from review_service.check_service import get_check_engine
from review_service.config import Settings
from review_service.db import alembic_config


@pytest.fixture(scope="session")
def engine() -> CheckEngine:
    """The process's engine, the very one every in-process app of the run uses: built once per session."""
    return get_check_engine()


@pytest.fixture(scope="session")
def check(engine: CheckEngine):
    def run(text: str, **kwargs):
        return engine.check(DraftInput(body=text, **kwargs))

    return run


EngineOf = Callable[..., CheckEngine]


def engine_with(names: tuple[str, ...]) -> CheckEngine:
    """An engine running only the named checks: the session engine's own check objects and segmenter.

    The same checks ``build_engine(EngineConfig(enabled=names))`` builds (the session engine is built from
    the default configuration, its clock Beijing's date), without building them again: a partial build
    costs a second or more of CPU, mostly the segmenter; this costs nothing. A test of another
    configuration (another clock, dictionaries, mask style) builds its own engine.
    """
    whole = get_check_engine()
    checks = [c for c in whole.registry.checks if c.name in names]
    unknown = set(names) - {c.name for c in checks}
    if unknown:
        raise ValueError(f"unknown checks: {sorted(unknown)}")
    return CheckEngine(CheckRegistry(checks), whole.segmenter, whole.policy, whole.allow_terms, whole.today)


@pytest.fixture(scope="session")
def engine_of() -> EngineOf:
    """``engine_of("term.banned", ...)``: an engine of those checks alone (``engine_with``), for a module's
    ``engine`` fixture."""

    def of(*names: str) -> CheckEngine:
        return engine_with(names)

    return of


@pytest.fixture(scope="session")
def typo_engine() -> CheckEngine:
    """An engine with the typo check alone (its findings unmixed with other categories)."""
    return engine_with(("typo",))


@pytest.fixture(scope="session")
def typo(typo_engine: CheckEngine) -> TypoCheck:
    """The typo check of ``typo_engine``, for tests of its layers and internals."""
    check = next(c for c in typo_engine.registry.checks if c.name == "typo")
    assert isinstance(check, TypoCheck)
    return check


_real_upgrade = command.upgrade


class SchemaTemplate:
    """An SQLite database migrated to head once per run; each test's fresh database starts as its copy.

    Migrating from nothing costs about half a second; copying the result costs a millisecond. The copy
    is exactly what the migrations produce (they read no settings), and Alembic still runs on it (a no-op
    at head), so a test that migrates step by step, or to another revision, migrates for real.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._path: Path | None = None
        self._lock = threading.Lock()

    def path(self) -> Path:
        with self._lock:
            if self._path is None:
                data_dir = self._root / "migrated"
                data_dir.mkdir()
                _real_upgrade(alembic_config(Settings(data_dir=data_dir)), "head")
                template = self._root / "template.db"
                with sqlite3.connect(data_dir / "review.db") as source, sqlite3.connect(template) as copy:
                    source.backup(copy)  # consistent whatever is still in the write-ahead log
                self._path = template
            return self._path


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> SchemaTemplate:
    return SchemaTemplate(tmp_path_factory.mktemp("schema"))


@pytest.fixture(autouse=True)
def _migrate_once_per_run(monkeypatch: pytest.MonkeyPatch, sqlite_schema: SchemaTemplate) -> None:
    """`upgrade … head` of a new SQLite file starts from the run's migrated copy instead of from nothing."""

    def upgrade(config, revision, **kwargs):  # type: ignore[no-untyped-def]
        url = make_url(config.get_main_option("sqlalchemy.url"))
        target = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
        if revision == "head" and target is not None and not target.exists():
            shutil.copyfile(sqlite_schema.path(), target)
        return _real_upgrade(config, revision, **kwargs)

    monkeypatch.setattr(command, "upgrade", upgrade)


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
    """A real, empty PostgreSQL database of its own for each test (one server for the whole run): for tests
    of the migrations themselves. A test that only needs the schema takes ``postgres_migrated_url``."""
    return postgres_server.new_database()


@pytest.fixture(scope="session")
def postgres_schema(postgres_server, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL template database migrated to head once per run (by the real migrations, as on SQLite)."""
    data_dir = tmp_path_factory.mktemp("pg-schema")

    def migrate(url: str) -> None:  # Alembic's env.py connects without a pool: nothing stays connected
        _real_upgrade(alembic_config(Settings(data_dir=data_dir, database_url=url)), "head")

    return postgres_server.make_template("review_schema", migrate)


@pytest.fixture()
def postgres_migrated_url(postgres_server, postgres_schema: str) -> str:
    """A real PostgreSQL database of its own, already at the head revision: a copy of ``postgres_schema``
    (CREATE DATABASE … TEMPLATE, a file copy in the server) instead of a migration run per test."""
    return postgres_server.new_database(template=postgres_schema)
