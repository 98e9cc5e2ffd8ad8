"""Factories of the personal-data checks, by check name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from checks.pii.check import SCORE_THRESHOLD, PiiCheck
from checks.pii.context import WindowContextEnhancer
from checks.pii.masking import NameMaskStyle
from checks.pii.nlp_engine import LANGUAGE, JiebaNlpEngine
from checks.pii.recognizers.address import AddressRecognizer
from checks.pii.recognizers.bank_card import BankCardRecognizer
from checks.pii.recognizers.email import EmailRecognizer
from checks.pii.recognizers.id_card import ResidentIdRecognizer
from checks.pii.recognizers.passport import PassportRecognizer
from checks.pii.recognizers.person_name import PersonNameRecognizer
from checks.pii.recognizers.phone import LandlineRecognizer, MobileRecognizer
from checks.pii.recognizers.plate import PlateRecognizer
from checks.resources import CheckFactory, Resources
from checks.segmenter import Segmenter


def load_surnames(resources: Resources) -> frozenset[str]:
    path = resources.config.dictionaries_dir / "surnames.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def build_analyzer(
    nlp_engine: JiebaNlpEngine, surnames: frozenset[str], segmenter: Segmenter, today: Callable[[], dt.date]
) -> AnalyzerEngine:
    """Only recognizers tested on Chinese text; Presidio's predefined ones are not loaded."""
    recognizers = [
        ResidentIdRecognizer(today),
        MobileRecognizer(),
        LandlineRecognizer(),
        BankCardRecognizer(),
        EmailRecognizer(),
        PassportRecognizer(),
        PlateRecognizer(),
        PersonNameRecognizer(surnames, segmenter.dictionary_tag),
        AddressRecognizer(),
    ]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE])
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        default_score_threshold=SCORE_THRESHOLD,
        # Chinese tokens are short: look further back than Presidio's English default of 5.
        context_aware_enhancer=WindowContextEnhancer(context_prefix_count=8, context_suffix_count=2),
    )


def build_pii_check(resources: Resources) -> PiiCheck:
    nlp_engine = JiebaNlpEngine(resources.segmenter)
    surnames = load_surnames(resources)
    style = NameMaskStyle(resources.config.name_mask_style)  # an unknown style fails here, at build time
    return PiiCheck(
        build_analyzer(nlp_engine, surnames, resources.segmenter, resources.config.today), nlp_engine, surnames, style
    )


FACTORIES: dict[str, CheckFactory] = {"pii": build_pii_check}
