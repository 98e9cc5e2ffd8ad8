"""How each kind of personal data is masked (documented in README, 'Masking rules')."""

from __future__ import annotations

import re
from enum import StrEnum

from checks.normalize import fold_char


def _keep(value: str, head: int, tail: int) -> str:
    """Mask every digit/letter except the first ``head`` and last ``tail`` ones; separators stay."""
    if value.isalnum():  # the common case, no separators: slice instead of walking
        if len(value) <= head + tail:
            return value
        return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    if len(positions) <= head + tail:
        return value
    masked = set(positions[head : len(positions) - tail])
    return "".join("*" if i in masked else ch for i, ch in enumerate(value))


def mask_id_card(value: str) -> str:
    return _keep(value, 4, 4)


def mask_phone(value: str) -> str:
    folded = "".join(fold_char(ch) or " " for ch in value)
    digits = re.sub(r"\D", "", folded)
    if len(digits) >= 11 and re.search(r"1[3-9]\d", folded):  # mobile: 138****8000
        prefix = 2 if digits.startswith("86") and len(digits) > 11 else 0
        return _keep(value, 3 + prefix, 4)
    area = re.match(r"[（(]?0\d{2,3}[)）]?[ \-－]?", folded)  # landline: area code stays
    if area:
        return value[: area.end()] + _keep(value[area.end() :], 0, 4)
    return _keep(value, 0, 4)


def mask_bank_card(value: str) -> str:
    return _keep(value, 4, 4)


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_passport(value: str) -> str:
    return _keep(value, 1, 2)


def mask_plate(value: str) -> str:
    return value[:2] + _keep(value[2:], 0, 1)


class NameMaskStyle(StrEnum):
    """How names are masked (setting ``REVIEW_MASK_STYLE``).

    ``keep_last`` is how civil-affairs 公示 lists mask names: 王*明 (three characters), 王* (two),
    欧阳*涵; ``surname`` keeps the surname only: 王**, 王*, 欧阳**.
    """

    KEEP_LAST = "keep_last"
    SURNAME = "surname"


def mask_person_name(value: str, surnames: frozenset[str], *, style: NameMaskStyle = NameMaskStyle.KEEP_LAST) -> str:
    """Keep the surname and, in the ``keep_last`` style for three characters or more, the last one."""
    keep = 2 if len(value) > 2 and value[:2] in surnames else 1
    tail = 1 if style is NameMaskStyle.KEEP_LAST and len(value) - keep >= 2 else 0
    return value[:keep] + "*" * (len(value) - keep - tail) + value[len(value) - tail :]


_ADMIN_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|州|盟|区|县|旗|镇|乡|街道))+")


def mask_address(value: str) -> str:
    """Keep the administrative prefix (province … township), mask the street and door part."""
    match = _ADMIN_PREFIX.match(value)
    keep = match.end() if match else min(2, len(value))
    return value[:keep] + "*" * (len(value) - keep)
