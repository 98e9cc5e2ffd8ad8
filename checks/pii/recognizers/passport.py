"""Chinese passports (E/G/D/S/P + digits); the shape is common, so 护照 context is required."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from checks.pii.recognizers import DIGITS_AFTER

ENTITY = "CN_PASSPORT"


class PassportRecognizer(PatternRecognizer):
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("passport", rf"(?<![0-9A-Za-z])[EGDSP][A-Z]?\d{{7,8}}{DIGITS_AFTER}", 0.2),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("护照", "passport", "通行证", "旅行证")

    def __init__(self) -> None:
        super().__init__(
            supported_entity=ENTITY,
            name="PassportRecognizer",
            supported_language="zh",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=0,
        )
