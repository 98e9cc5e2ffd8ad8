"""Factories of the format and metadata checks, by check name."""

from __future__ import annotations

from checks.check import Check
from checks.formatting.doc_number import DocNumberCheck
from checks.formatting.metadata_required import MetadataRequiredCheck
from checks.formatting.number_date import NumberDateCheck
from checks.formatting.number_usage import NumberUsageCheck
from checks.formatting.punctuation import PunctuationCheck
from checks.formatting.punctuation_usage import PunctuationUsageCheck
from checks.resources import CheckFactory, Resources


def doc_number(resources: Resources) -> Check:
    return DocNumberCheck()


def punctuation(resources: Resources) -> Check:
    return PunctuationCheck()


def number_date(resources: Resources) -> Check:
    return NumberDateCheck()


def number_usage(resources: Resources) -> Check:
    return NumberUsageCheck()


def punctuation_usage(resources: Resources) -> Check:
    return PunctuationUsageCheck()


def metadata_required(resources: Resources) -> Check:
    return MetadataRequiredCheck()


FACTORIES: dict[str, CheckFactory] = {
    DocNumberCheck.name: doc_number,
    PunctuationCheck.name: punctuation,
    NumberDateCheck.name: number_date,
    NumberUsageCheck.name: number_usage,
    PunctuationUsageCheck.name: punctuation_usage,
    MetadataRequiredCheck.name: metadata_required,
}
