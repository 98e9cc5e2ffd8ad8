"""Builders for synthetic identifiers with valid (or deliberately broken) checksums."""

from __future__ import annotations

from checks.pii.validators import id_check_char, luhn_valid


def resident_id(first17: str) -> str:
    return first17 + id_check_char(first17)


def broken_resident_id(first17: str) -> str:
    good = id_check_char(first17)
    return first17 + ("1" if good != "1" else "2")


def luhn_number(prefix: str, length: int) -> str:
    body = prefix.ljust(length - 1, "7")
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable")


def fullwidth(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in value)
