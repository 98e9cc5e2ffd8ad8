"""Factories of the format and metadata checks, by check name."""

from __future__ import annotations

from checks.engine import CheckFactory

FACTORIES: dict[str, CheckFactory] = {}
