"""Engines are frozen out of the cyclic collector after their build, and a retired engine is still freed."""

from __future__ import annotations

import gc
import weakref

import pytest

from review_service import engines


class _Engine:
    """Stands in for a check engine: what matters here is that it sits in a reference cycle."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def one_kept_engine(monkeypatch):
    monkeypatch.setattr(engines, "_engines", {})
    monkeypatch.setattr(engines, "KEPT_ENGINES", 2)  # the default engine and one dictionary version
    monkeypatch.setattr(engines, "build_engine", lambda config: _Engine())
    monkeypatch.setattr(engines, "_with_dictionary", lambda base, config: _Engine())
    monkeypatch.setattr(engines, "_build_cache_dir", lambda: None)
    yield
    gc.unfreeze()


def key(version: str) -> engines.EngineKey:
    return (version, None, (), "full")


def test_a_built_engine_is_frozen_out_of_collections(one_kept_engine):
    gc.unfreeze()
    engine = engines.engine_for(key("v1"))
    assert gc.get_freeze_count() > 0
    assert not any(o is engine for o in gc.get_objects())  # a full collection would not walk it


def test_a_retired_engine_is_freed_although_it_was_frozen(one_kept_engine):
    first = weakref.ref(engines.engine_for(key("v1")))
    assert first() is not None
    gc.collect()
    assert first() is not None  # frozen and still kept: a collection leaves it alone
    second = engines.engine_for(key("v2"))  # retires v1 (the default engine stays)
    assert first() is None
    assert engines.engine_for(key("v2")) is second
    assert not any(o is second for o in gc.get_objects())
