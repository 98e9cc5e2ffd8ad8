"""Factories of the term checks (political, banned, outdated), by check name."""

from __future__ import annotations

from checks.engine import CheckFactory

FACTORIES: dict[str, CheckFactory] = {}
