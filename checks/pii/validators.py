"""Checksums and plausibility tests for Chinese identifiers (pure functions)."""

from __future__ import annotations

import datetime as dt
import re

_SEPARATORS = re.compile(r"[\s\-－]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# First digit of the GB/T 2260 region code: 1–6 mainland regions, 7 Taiwan, 8 HK/Macau.
_REGION_FIRST_DIGITS = frozenset("12345678")


def compact(value: str) -> str:
    """Drop the spaces, line breaks and hyphens people put inside long numbers."""
    return _SEPARATORS.sub("", value)


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _valid_birth_date(year: int, month: int, day: int, today: dt.date) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1880, 1, 1) <= born <= today


def is_valid_resident_id(value: str, today: dt.date) -> bool:
    """GB 11643-1999: region, birth date (not after ``today``, the caller's date) and the MOD 11-2 check
    character. Pure: the date comes from the engine's injected clock, never from the system clock."""
    number = compact(value).upper()
    if len(number) == 18:
        if not number[:17].isdigit() or number[0] not in _REGION_FIRST_DIGITS:
            return False
        if not _valid_birth_date(int(number[6:10]), int(number[10:12]), int(number[12:14]), today):
            return False
        return id_check_char(number[:17]) == number[17]
    if len(number) == 15:  # legacy first-generation ID: YYMMDD in 19xx, no check digit
        if not number.isdigit() or number[0] not in _REGION_FIRST_DIGITS:
            return False
        return _valid_birth_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]), today)
    return False


def luhn_valid(value: str) -> bool:
    digits = compact(value)
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
