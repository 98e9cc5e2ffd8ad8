"""Factories of the personal-data checks, by check name."""

from __future__ import annotations

from checks.engine import CheckFactory

FACTORIES: dict[str, CheckFactory] = {}
