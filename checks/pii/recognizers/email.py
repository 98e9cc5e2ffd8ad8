"""E-mail addresses, ASCII-only so the Chinese clause before an address is not swallowed.

The top-level domain is checked against tldextract's bundled public-suffix snapshot with
remote fetching disabled (its default would download the list on first use).
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

import tldextract
from presidio_analyzer import Pattern, PatternRecognizer

ENTITY = "EMAIL_ADDRESS"


@lru_cache(maxsize=1)
def _offline_extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


class EmailRecognizer(PatternRecognizer):
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "email",
            r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
            r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])",
            0.5,
        ),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("邮箱", "电子邮件", "电子邮箱", "邮件", "email", "e-mail")

    def __init__(self) -> None:
        super().__init__(
            supported_entity=ENTITY,
            name="ChineseEmailRecognizer",
            supported_language="zh",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )
        _offline_extractor()

    def validate_result(self, pattern_text: str) -> bool | None:
        return bool(_offline_extractor()(pattern_text.split("@", 1)[1]).suffix)
