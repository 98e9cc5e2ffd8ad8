"""Plain text files as government offices save them: UTF-8 (with or without BOM) or GB18030."""

from __future__ import annotations

# Control characters other than tab, CR and LF mean binary data, not a table.
_BINARY = frozenset(range(0, 32)) - {9, 10, 13}


def decode_text(data: bytes) -> str | None:
    """The text of ``data``, or None when it is binary or in neither encoding."""
    sample = bytes(data[:4096])
    if not data or any(byte in _BINARY for byte in sample):
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
