"""Factories of the secrecy checks, by check name."""

from __future__ import annotations

from checks.check import Check
from checks.resources import CheckFactory, Resources
from checks.secret.disclosure import DisclosureCheck
from checks.secret.markers import FILE_NAME, load_markers
from checks.secret.marking import SecretMarkingCheck


def secret_marking(resources: Resources) -> Check:
    """Loads dictionaries/secret_markers.yaml once, when the engine is built."""
    return SecretMarkingCheck(load_markers(resources.config.dictionaries_dir / FILE_NAME))


def secret_disclosure(resources: Resources) -> Check:
    return DisclosureCheck()


FACTORIES: dict[str, CheckFactory] = {
    SecretMarkingCheck.name: secret_marking,
    DisclosureCheck.name: secret_disclosure,
}
