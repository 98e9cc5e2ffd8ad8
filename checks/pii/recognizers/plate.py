"""Mainland vehicle plates (GA 36): province character, letter, 5 (or 6 for new-energy) symbols."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

ENTITY = "CN_PLATE"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


class PlateRecognizer(PatternRecognizer):
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "plate",
            rf"[{_PROVINCES}][A-HJ-NP-Z][·•・. ]?(?:[A-HJ-NP-Z0-9]{{5,6}}|[A-HJ-NP-Z0-9]{{4}}[挂学警港澳])"
            r"(?![0-9A-Za-z*])",
            0.55,
        ),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("车牌", "号牌", "车辆", "牌照", "小型汽车", "轿车", "摩托车")

    def __init__(self) -> None:
        super().__init__(
            supported_entity=ENTITY,
            name="PlateRecognizer",
            supported_language="zh",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=0,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        tail = pattern_text[2:].lstrip("·•・. ")
        # A plate has at least one digit; "粤BCDEFG" is a word, not a plate.
        return None if any(ch.isdigit() for ch in tail) else False
