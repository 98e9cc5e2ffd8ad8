"""Text → language-model symbols, shared by the model builder and the check.

The character model must see text the same way when it is built and when it is used, so this
mapping lives in one place: every digit is one symbol, every Latin letter another, any whitespace
is the boundary symbol, and ASCII punctuation is folded to the full-width form Chinese prose uses.
"""

from __future__ import annotations

import re

import numpy as np

BOUNDARY = ord("\n")
DIGIT = ord("0")
LATIN = ord("a")

_ASCII_FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_WS = re.compile(r"\s+")


def _ascii_table() -> np.ndarray:
    table = np.arange(0x10000, dtype=np.uint32)
    for code in range(0x30, 0x3A):
        table[code] = DIGIT
    for code in range(0xFF10, 0xFF1A):
        table[code] = DIGIT
    for lo, hi in ((0x41, 0x5B), (0x61, 0x7B), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)):
        table[lo:hi] = LATIN
    for ch in " \t\r\n\u3000\u00a0\x0b\x0c":
        table[ord(ch)] = BOUNDARY
    for half, full in _ASCII_FULLWIDTH.items():
        table[ord(half)] = ord(full)
    return table


_TABLE = _ascii_table()


def encode(text: str) -> np.ndarray:
    """One uint64 symbol per character of ``text`` (same length, so offsets carry over)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    bmp = codes < 0x10000
    out = np.where(bmp, _TABLE[np.where(bmp, codes, 0)], codes)
    return out.astype(np.uint64)


def clean_for_model(text: str) -> str:
    """Training text: whitespace runs become one line break (one boundary symbol)."""
    return _WS.sub("\n", text).strip("\n")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FA1F


def cjk_mask(text: str) -> np.ndarray:
    """``is_cjk`` of every character of ``text`` at once."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return (
        ((codes >= 0x4E00) & (codes <= 0x9FFF))
        | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0x20000) & (codes <= 0x2FA1F))
    )
