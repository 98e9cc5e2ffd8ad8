"""The check engine: everything heavy is built here, once per process, from explicit config."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

from checks.build_cache import BuildCache
from checks.clock import beijing_today
from checks.document import DraftInput, build_documents
from checks.pipeline import CheckResult, drop_allowed, finish, run_checks
from checks.registry import CheckRegistry
from checks.resources import DEFAULT_DICTIONARIES, CheckFactory, EngineConfig, Resources
from checks.segmenter import Segmenter
from checks.severity import SeverityPolicy

# What the check families build on lives in checks.resources (the families import it, the engine the families).
__all__ = ["DEFAULT_DICTIONARIES", "CheckEngine", "CheckFactory", "EngineConfig", "Resources", "build_engine"]

SOURCES = ("body", "title", "summary")  # comment and attribute fields are read from the body's source


class CheckEngine:
    def __init__(
        self,
        registry: CheckRegistry,
        segmenter: Segmenter,
        policy: SeverityPolicy,
        allow_terms: tuple[str, ...] = (),
        today: Callable[[], dt.date] = beijing_today,
    ) -> None:
        self.registry = registry
        self.segmenter = segmenter
        self.policy = policy
        self.allow_terms = allow_terms
        self.today = today  # asked only for a draft without any date (the service always dates its drafts)

    def check(self, draft: DraftInput, *, categories: Sequence[str] | None = None) -> CheckResult:
        started = time.perf_counter()
        if draft.doc_date is None:
            draft = draft.dated(self.today)
        documents = build_documents(draft, self.segmenter)
        findings = run_checks(self.registry.select(categories=categories), documents)
        findings = drop_allowed(findings, documents, self.allow_terms)
        result = finish(
            findings, self.policy, draft.channel, sum(len(d.source) for d in documents if d.field in SOURCES)
        )
        result.stats["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return result


def build_engine(config: EngineConfig | None = None) -> CheckEngine:
    # The catalog imports every family (Presidio, spaCy …): loaded when an engine is built, not when
    # a process merely imports checks, so a server answers from its check processes sooner.
    from checks.catalog import CHECK_FACTORIES, user_dictionaries

    config = config or EngineConfig()
    cache = BuildCache(config.cache_dir)
    segmenter = Segmenter(user_dictionaries(config.dictionaries_dir), cache)
    resources = Resources(config=config, segmenter=segmenter, cache=cache)
    factories = CHECK_FACTORIES
    if config.enabled is not None:
        unknown = set(config.enabled) - set(factories)
        if unknown:
            raise ValueError(f"unknown checks: {sorted(unknown)}")
        factories = {name: f for name, f in factories.items() if name in config.enabled}
    registry = CheckRegistry(f(resources) for f in factories.values())
    return CheckEngine(registry, segmenter, config.policy, config.allow_terms, config.today)
