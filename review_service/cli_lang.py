"""The command line's language: Chinese unless ``--lang en`` or REVIEW_LANG=en asks for English.

Every command line module picks its message with ``say``; codes (``unknown_scope``, ``[invalid_jsonl]``)
and machine output (``--json``) are the same in both languages.
"""

from __future__ import annotations

import argparse

LANGS = ("zh", "en")


def say(args: argparse.Namespace, zh: str, en: str) -> str:
    return en if getattr(args, "lang", "zh") == "en" else zh
