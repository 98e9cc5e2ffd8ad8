"""The check engines of this process, built once per version of the organisation's dictionary.

Light on purpose (it imports only ``checks`` and the service's clock): a check process imports this
module and nothing of the web application. The build runs with the cyclic garbage collector paused: it creates hundreds
of thousands of long-lived objects, and each collection during the build would walk them all again
(≈ 0.35 s of a 1.7 s build). After the build everything the process holds is frozen (``gc.freeze``): the
engine's objects live as long as the process, and a check of 200,000 characters creates enough new objects
to trigger full collections, which would otherwise walk them all again (≈ 0.35 s of such a check). An
engine replaced by a newer dictionary version stays collectable: retiring one unfreezes, collects once and
freezes what remains (an engine still in use by a check at that moment is kept until the next retirement).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from checks import CheckEngine, EngineConfig, build_engine
from checks.build_cache import BuildCache
from checks.registry import CheckRegistry
from checks.resources import Resources
from checks.terms.factories import FACTORIES as TERM_FACTORIES
from review_service.clock import today_beijing

KEPT_ENGINES = 4
# dictionary version, term list folder, allow list, name mask style
EngineKey = tuple[str, Path | None, tuple[str, ...], str]


def default_key(mask_style: str) -> EngineKey:
    """The engine without organisation dictionary entries."""
    return ("empty", None, (), mask_style)


_engines: dict[EngineKey, CheckEngine] = {}
_build_lock = threading.Lock()  # one build at a time: concurrent first requests wait for it, not build twice
_builds = 0
_cache_dir: Path | None = None
_cache_dir_set = False


def use_build_cache(folder: Path | None) -> None:
    """Build this process's engines with the build cache in ``folder`` (else the settings' folder)."""
    global _cache_dir, _cache_dir_set
    _cache_dir, _cache_dir_set = folder, True


def _build_cache_dir() -> Path | None:
    if _cache_dir_set:
        return _cache_dir
    from review_service.config import get_settings

    return get_settings().build_cache_dir


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def engine_for(key: EngineKey) -> CheckEngine:
    global _builds
    engine = _engines.get(key)
    if engine is not None:
        return engine
    default = default_key(key[3])
    base = engine_for(default) if key != default else None  # built first, outside the lock it takes
    with _build_lock:
        engine = _engines.get(key)
        if engine is None:
            _version, term_dir, allow_terms, mask_style = key
            config = EngineConfig(
                term_list_dirs=(term_dir,) if term_dir else (),
                allow_terms=allow_terms,
                cache_dir=_build_cache_dir(),
                name_mask_style=mask_style,
                today=today_beijing,  # the service's one clock, for a draft that carries no date at all
            )
            with _collector_paused():
                engine = build_engine(config) if base is None else _with_dictionary(base, config)
            _builds += 1
            _engines[key] = engine
            retired = False
            while len(_engines) > KEPT_ENGINES:  # the oldest dictionary version; the defaults stay
                del _engines[next((k for k in _engines if k[0] != "empty"), next(iter(_engines)))]
                retired = True
            _freeze(retired)
    return engine


def _freeze(retired: bool) -> None:
    """Take what the process holds now out of later collections; after a retirement, collect the retired
    engine first (frozen objects are never collected, so it must be unfrozen to go)."""
    if retired:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def _with_dictionary(base: CheckEngine, config: EngineConfig) -> CheckEngine:
    """The default engine with an organisation's dictionary: its term lists and its allow list.

    Only the term checks read the organisation's term lists (``term_list_dirs``), and the allow list is
    the engine's own; the segmenter, the typo model, PII and every other check are the default engine's
    objects, shared instead of built again: a dictionary edit costs the term checks (a fraction of a
    second), not a whole engine (seconds, and hundreds of megabytes more for each kept version).
    """
    resources = Resources(config=config, segmenter=base.segmenter, cache=BuildCache(config.cache_dir))
    checks = [TERM_FACTORIES[c.name](resources) if c.name in TERM_FACTORIES else c for c in base.registry.checks]
    return CheckEngine(CheckRegistry(checks), base.segmenter, config.policy, config.allow_terms, config.today)


def ready(key: EngineKey) -> bool:
    """Whether the engine for ``key`` is built in this process (a check would not wait for a build)."""
    return key in _engines


def engine_builds() -> int:
    """How many engines this process has built (one per dictionary version): shows models load once."""
    return _builds
