"""The list of available checks, by name. Explicit on purpose: no subclass discovery."""

from __future__ import annotations

from pathlib import Path

from checks.formatting.factories import FACTORIES as FORMAT_FACTORIES
from checks.pii.factories import FACTORIES as PII_FACTORIES
from checks.resources import CheckFactory
from checks.secret.factories import FACTORIES as SECRET_FACTORIES
from checks.terms.factories import FACTORIES as TERM_FACTORIES
from checks.typo.factories import FACTORIES as TYPO_FACTORIES

CHECK_FACTORIES: dict[str, CheckFactory] = {
    **PII_FACTORIES,
    **SECRET_FACTORIES,
    **FORMAT_FACTORIES,
    **TERM_FACTORIES,
    **TYPO_FACTORIES,
}


def user_dictionaries(dictionaries_dir: Path) -> list[Path]:
    """jieba user dictionaries shipped in ``dictionaries/`` (words that must segment whole)."""
    return sorted(dictionaries_dir.glob("jieba_*.txt"))
