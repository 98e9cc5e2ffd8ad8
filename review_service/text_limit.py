"""One text limit for every way text enters the service (check, mask, drafts, versions, .docx, import).

Checks are linear, but a limit still bounds each request's time and memory; one number, one code,
so a CMS handles every refusal the same way.
"""

from __future__ import annotations

DEFAULT_MAX_TEXT_CHARS = 200_000


class TextTooLong(ValueError):
    """The text is longer than REVIEW_MAX_TEXT_CHARS; nothing was stored or checked."""

    code = "text_too_long"
    status = 413

    def __init__(self, limit: int, length: int) -> None:
        self.limit, self.length = limit, length
        self.message_zh = f"正文超过 {limit} 字的上限（共 {length} 字）"
        self.message_en = f"Text exceeds the limit of {limit} characters ({length} characters)"
        super().__init__(self.message_en)


def enforce(text: str | None, limit: int = DEFAULT_MAX_TEXT_CHARS) -> None:
    """Raise ``TextTooLong`` when ``text`` has more than ``limit`` code points."""
    if text is not None and len(text) > limit:
        raise TextTooLong(limit, len(text))
