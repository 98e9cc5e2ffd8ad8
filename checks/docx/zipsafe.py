"""Zip packages opened defensively: byte, decompressed-size and compression-ratio limits against zip bombs.

Python's zipfile never inflates an entry past its declared size (it truncates and then fails the
CRC), so limits on the declared sizes also bound what any reader built on zipfile (openpyxl,
python-docx) will inflate.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

# Small parts (styles, a short sheet of repeated zeros) compress very well and are harmless.
RATIO_EXEMPT_BYTES = 1 << 20
MAX_ENTRIES = 10_000
DEFAULT_MAX_RATIO = 100


class ZipLimitError(ValueError):
    """Why a package is refused: ``reason`` is "invalid", "encrypted", "too_large" or "bomb"."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_uncompressed: int = 100 * 1024 * 1024
    max_ratio: int = DEFAULT_MAX_RATIO


def open_listing(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """A ZipFile over ``data`` and its entries; any way the central directory is unreadable is "invalid"."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return archive, archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        ValueError,
        struct.error,
    ) as exc:
        raise ZipLimitError("invalid", f"not a zip archive ({exc})") from exc


def open_checked(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    """A ZipFile over ``data`` whose entries all fit the limits; raise ZipLimitError otherwise."""
    if len(data) > limits.max_bytes:
        raise ZipLimitError("too_large", f"{len(data)} bytes")
    archive, infos = open_listing(data)
    if len(infos) > MAX_ENTRIES:
        raise ZipLimitError("bomb", f"{len(infos)} entries")
    if any(info.flag_bits & 0x1 for info in infos):
        raise ZipLimitError("encrypted", "an entry is encrypted")
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_uncompressed:
            raise ZipLimitError("bomb", f"more than {limits.max_uncompressed} bytes uncompressed")
        if info.file_size > RATIO_EXEMPT_BYTES and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ZipLimitError("bomb", f"{info.filename} inflates {info.file_size // max(info.compress_size, 1)}x")
    return archive
