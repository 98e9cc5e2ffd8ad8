"""Holds the enabled checks; built once per process by ``checks.engine.build_engine``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from checks.check import Check


class CheckRegistry:
    def __init__(self, checks: Iterable[Check]) -> None:
        self._checks: tuple[Check, ...] = tuple(checks)
        names = [c.name for c in self._checks]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"duplicate check names: {sorted(duplicates)}")

    @property
    def checks(self) -> tuple[Check, ...]:
        return self._checks

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({cat for c in self._checks for cat in c.categories}))

    def select(self, *, categories: Sequence[str] | None = None) -> tuple[Check, ...]:
        """Checks that emit at least one of ``categories`` (a prefix such as ``pii`` matches)."""
        if not categories:
            return self._checks
        return tuple(
            c
            for c in self._checks
            if any(cat == want or cat.startswith(want + ".") for cat in c.categories for want in categories)
        )
