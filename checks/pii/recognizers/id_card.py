"""Mainland resident ID numbers (GB 11643): 18 digits with check character, or legacy 15 digits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from checks.pii.recognizers import DIGITS_AFTER, DIGITS_BEFORE
from checks.pii.validators import compact, is_valid_resident_id

ENTITY = "CN_ID_CARD"
_SEP = r"[ \n]?"


class ResidentIdRecognizer(PatternRecognizer):
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("id18", rf"{DIGITS_BEFORE}[1-8](?:{_SEP}\d){{16}}{_SEP}[\dXx]{DIGITS_AFTER}", 0.4),
        # Legacy 15-digit IDs have no check digit: only a valid date, so they need context.
        Pattern("id15", rf"{DIGITS_BEFORE}[1-8](?:{_SEP}\d){{14}}{DIGITS_AFTER}", 0.3),
        # A 残疾人证号 is the holder's ID number followed by two digits (category, grade).
        Pattern("disability_card", rf"{DIGITS_BEFORE}[1-8]\d{{16}}[\dXx](?=\d{{2}}{DIGITS_AFTER})", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "身份证",
        "身份号码",
        "公民身份",
        "证件号",
        "证件号码",
        "身份证号",
        "居民身份",
    )

    def __init__(self, today: Callable[[], dt.date]) -> None:
        self.today = today  # the engine's clock (EngineConfig.today): a birth date after it is no ID
        super().__init__(
            supported_entity=ENTITY,
            name="ResidentIdRecognizer",
            supported_language="zh",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        number = compact(pattern_text)
        if not is_valid_resident_id(number, self.today()):
            return False
        return True if len(number) == 18 else None
