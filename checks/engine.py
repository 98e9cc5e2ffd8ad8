"""The check engine: everything heavy is built here, once per process, from explicit config."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checks.build_cache import BuildCache
from checks.check import Check
from checks.clock import beijing_today
from checks.document import DraftInput, build_documents
from checks.pipeline import CheckResult, drop_allowed, finish, run_checks
from checks.registry import CheckRegistry
from checks.segmenter import Segmenter
from checks.severity import SeverityPolicy, default_policy

SOURCES = ("body", "title", "summary")  # comment and attribute fields are read from the body's source
DEFAULT_DICTIONARIES = Path(__file__).resolve().parent.parent / "dictionaries"


@dataclass(frozen=True)
class EngineConfig:
    dictionaries_dir: Path = DEFAULT_DICTIONARIES
    enabled: tuple[str, ...] | None = None  # check names; None = all
    term_list_dirs: tuple[Path, ...] = ()  # extra organisation term lists (same YAML format)
    allow_terms: tuple[str, ...] = ()  # the organisation's allow list: never a typo or term finding
    policy: SeverityPolicy = field(default_factory=default_policy)
    cache_dir: Path | None = None  # where builds are kept between starts (checks.build_cache); None = none
    name_mask_style: str = "keep_last"  # checks.pii.masking.NameMaskStyle: 王*明 (keep_last) or 王** (surname)
    today: Callable[[], dt.date] = beijing_today  # the date of a draft that carries none (the caller's clock)


@dataclass(frozen=True)
class Resources:
    """Shared, loaded-once things that check factories may use."""

    config: EngineConfig
    segmenter: Segmenter
    cache: BuildCache = field(default_factory=lambda: BuildCache(None))  # for heavy builds from files


CheckFactory = Callable[[Resources], Check]


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
