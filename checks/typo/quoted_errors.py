"""Quotations of wrong text in a correction notice (更正: 原文“谈笑风声”应为“谈笑风生”) are not typos.

A 更正 or 勘误 quotes the error on purpose, so a quoted span that the text around it names as the wrong
form is hidden from every typo layer, the curated list included.
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r"[“「『‘\"]([^“”「」『』‘’\"\n]{1,40})[”」』’\"]")
_BEFORE = re.compile(r"(?:误为|误作|误写为|误写成|误印为|错写为|原文|原稿|原为|写成了?|将)\s*$")
_AFTER = re.compile(r"\s*(?:应为|应是|应作|应改为|改为|更正为|更改为|有误|系笔误|为笔误|错误)")


def quoted_error_spans(text: str) -> list[tuple[int, int]]:
    """Spans (inside the quotation marks) that the surrounding words mark as quoted errors."""
    spans = []
    for m in _QUOTED.finditer(text):
        if _BEFORE.search(text[max(0, m.start() - 6) : m.start()]) or _AFTER.match(text, m.end()):
            spans.append(m.span(1))
    return spans
