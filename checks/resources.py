"""What check factories are given: the engine's configuration and the loaded-once shared resources.

Its own module, below both the family factories and the engine that builds them from the catalog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checks.build_cache import BuildCache
from checks.check import Check
from checks.clock import beijing_today
from checks.segmenter import Segmenter
from checks.severity import SeverityPolicy, default_policy

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
