"""Mobile and landline numbers. Landlines are mostly offices, so they need personal context."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from checks.pii.recognizers import DIGITS_AFTER, DIGITS_BEFORE

ENTITY = "CN_PHONE"
_SEP = r"[ \n\-－]?"


class MobileRecognizer(PatternRecognizer):
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "mobile",
            rf"{DIGITS_BEFORE}(?:(?:\+|00)?86[ \-]?)?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}{DIGITS_AFTER}",
            0.6,
        ),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("电话", "手机", "联系方式", "手机号", "号码", "联系人", "致电", "拨打")

    def __init__(self) -> None:
        super().__init__(
            supported_entity=ENTITY,
            name="MobileRecognizer",
            supported_language="zh",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )


class LandlineRecognizer(PatternRecognizer):
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "landline",
            rf"{DIGITS_BEFORE}(?:[（(]0\d{{2,3}}[)）][ \-]?|0\d{{2,3}}[ \-－]?)[2-9]\d{{6,7}}"
            rf"(?:(?:转|-|－)\d{{1,5}})?{DIGITS_AFTER}",
            0.3,
        ),
    )
    # Only words that tie the number to a private person; a bare 电话 does not.
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "家庭电话",
        "住宅电话",
        "宅电",
        "本人",
        "户主",
        "申请人",
        "投诉人",
        "来信人",
        "反映人",
        "当事人",
        "家属",
    )

    def __init__(self) -> None:
        super().__init__(
            supported_entity=ENTITY,
            name="LandlineRecognizer",
            supported_language="zh",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )
