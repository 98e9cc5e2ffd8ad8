"""Default limits on one attachment (settings may lower or raise them)."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    max_bytes: int = 20 * MB
    max_uncompressed: int = 100 * MB  # everything a zip (xlsx, docx) inflates to
    max_ratio: int = 100  # inflated size / compressed size of any one zip entry
    max_ocr_pages: int = 50
    max_cells: int = 200_000
    max_pixels: int = 40_000_000
    ocr_timeout_s: float = 60.0  # one page or image
    chunk_chars: int = 20_000  # text is checked in pieces of about this size, at line boundaries
