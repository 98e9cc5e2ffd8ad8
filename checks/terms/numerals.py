"""Chinese and Arabic numerals, both ways, for date-tied figures (建党一百零三周年, 新中国成立75周年)."""

from __future__ import annotations

import re

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = r"(?:[0-9]{1,4}|[〇零一二两三四五六七八九十百千]{1,7})"
_YEAR = re.compile(r"(?<![0-9])((?:1[6-9]|20)[0-9]{2})年|([〇零一二三四五六七八九○Ｏ]{4})年")
_CN_YEAR_DIGITS = {**DIGITS, "○": 0, "Ｏ": 0}


def parse_number(text: str) -> int | None:
    """123 / 一百二十三 / 十五 / 一〇三 (digit by digit); None when it is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in DIGITS and c not in UNITS for c in text):
        return None
    if not any(c in UNITS for c in text):  # 一〇三: positional
        return int("".join(str(DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in DIGITS:
            current = DIGITS[c]
        else:
            total += (current or 1) * UNITS[c]
            current = 0
    return total + current


def to_chinese(value: int) -> str:
    """75 -> 七十五, 103 -> 一百零三, 10 -> 十 (the style of 周年 figures)."""
    names = "零一二三四五六七八九"
    if value < 10:
        return names[value]
    if value < 20:
        return "十" + (names[value % 10] if value % 10 else "")
    if value < 100:
        return names[value // 10] + "十" + (names[value % 10] if value % 10 else "")
    hundreds, rest = divmod(value, 100)
    if rest == 0:
        return names[hundreds] + "百"
    if rest < 10:
        return names[hundreds] + "百零" + names[rest]
    tail = to_chinese(rest)
    return names[hundreds] + "百" + ("一" + tail if tail.startswith("十") else tail)


def same_style(example: str, value: int) -> str:
    """Write ``value`` the way ``example`` was written (Arabic or Chinese)."""
    return str(value) if example.isdigit() else to_chinese(value)


def years_in(text: str) -> list[int]:
    """Explicit years in a sentence: 2019年, 一九九八年."""
    out = []
    for match in _YEAR.finditer(text):
        if match.group(1):
            out.append(int(match.group(1)))
        else:
            out.append(int("".join(str(_CN_YEAR_DIGITS[c]) for c in match.group(2))))
    return out
