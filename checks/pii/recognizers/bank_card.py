"""Bank card numbers: 16–19 digits (UnionPay 62… included) passing Luhn."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from checks.pii.recognizers import DIGITS_AFTER, DIGITS_BEFORE
from checks.pii.validators import compact, luhn_valid

ENTITY = "CN_BANK_CARD"


class BankCardRecognizer(PatternRecognizer):
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("card", rf"{DIGITS_BEFORE}[3-6](?:[ \n\-]?\d){{15,18}}{DIGITS_AFTER}", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "银行卡",
        "卡号",
        "账号",
        "帐号",
        "账户",
        "帐户",
        "开户行",
        "开户银行",
        "储蓄卡",
        "信用卡",
        "社保卡",
    )

    def __init__(self) -> None:
        super().__init__(
            supported_entity=ENTITY,
            name="BankCardRecognizer",
            supported_language="zh",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        # Luhn alone passes one random number in ten, so a valid checksum keeps the
        # base score and a bank word nearby is still needed for 16–17 digits.
        digits = compact(pattern_text)
        if not luhn_valid(digits):
            return False
        return True if len(digits) == 19 and digits.startswith("62") else None
