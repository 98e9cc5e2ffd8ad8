"""Bad archive input: a stable code plus a Chinese and an English message, never a traceback."""

from __future__ import annotations

from checks.categories import PUBLIC_CATEGORIES
from review_service.services.errors import DomainError


class ArchiveError(DomainError, ValueError):
    """A domain error of the archive (bad import input, unknown page or run); 422 unless told."""

    def __init__(self, code: str, message_zh: str, message_en: str, *, status: int = 422) -> None:
        super().__init__(status, code, message_zh, message_en)

    def line(self, lang: str = "zh") -> str:
        """One line for the command line, in its language (review_service.cli_lang); the code in both."""
        return f"error [{self.code}]: {self.message_en}" if lang == "en" else f"错误 [{self.code}]：{self.message_zh}"


KNOWN_CATEGORIES = PUBLIC_CATEGORIES  # a filter names one of these or a prefix such as "term"


def validate_categories(categories: list[str] | tuple[str, ...]) -> list[str]:
    """Return the cleaned filter; raise ``unknown_category`` naming the bad ones."""
    cleaned = sorted({c.strip() for part in categories for c in part.split(",") if c.strip()})
    bad = [c for c in cleaned if not any(k == c or k.startswith(c + ".") for k in KNOWN_CATEGORIES)]
    if bad:
        shown = [b if len(b) <= 40 else b[:40] + "…" for b in bad[:5]] + (["…"] if len(bad) > 5 else [])
        raise ArchiveError(
            "unknown_category",
            f"未知的问题类别：{'、'.join(shown)}（可选：{'、'.join(KNOWN_CATEGORIES)}，或前缀如 term、pii）",
            f"Unknown categor{'y' if len(bad) == 1 else 'ies'}: {', '.join(shown)} "
            f"(choose from {', '.join(KNOWN_CATEGORIES)}, or a prefix such as term or pii)",
        )
    return cleaned


def category_matches(category: str, wanted: list[str]) -> bool:
    return not wanted or any(category == w or category.startswith(w + ".") for w in wanted)
