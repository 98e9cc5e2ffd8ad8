"""The list of available checks, by name. Explicit on purpose: no subclass discovery."""

from __future__ import annotations

from pathlib import Path

from checks.engine import CheckFactory

CHECK_FACTORIES: dict[str, CheckFactory] = {}


def user_dictionaries(dictionaries_dir: Path) -> list[Path]:
    """jieba user dictionaries shipped in ``dictionaries/`` (words that must segment whole)."""
    return sorted(dictionaries_dir.glob("jieba_*.txt"))
