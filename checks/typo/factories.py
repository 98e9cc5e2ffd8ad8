"""Factories of the typo check, by check name."""

from __future__ import annotations

from checks.engine import CheckFactory

FACTORIES: dict[str, CheckFactory] = {}
