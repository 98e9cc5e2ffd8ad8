"""Version comparison for proofreaders: changed lines with the changed characters marked.

A line diff alone marks a whole Chinese paragraph for a one-character fix; pairing replaced lines
and diffing their characters shows exactly what moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT = 1


@dataclass(frozen=True)
class DiffRow:
    kind: str  # same | add | del | change | gap
    parts: tuple[tuple[str, str], ...]  # (eq | ins | del, text)


def _inline(old: str, new: str) -> tuple[tuple[str, str], ...]:
    parts: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("eq", old[a1:a2]))
            continue
        if a2 > a1:
            parts.append(("del", old[a1:a2]))
        if b2 > b1:
            parts.append(("ins", new[b1:b2]))
    return tuple(parts)


def diff_rows(old_lines: list[str], new_lines: list[str]) -> list[DiffRow]:
    """Changed lines with CONTEXT unchanged lines around them; long unchanged runs become one gap."""
    rows: list[DiffRow] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op == "equal":
            same = old_lines[a1:a2]
            if len(same) > 2 * CONTEXT + 1:
                head = same[:CONTEXT] if rows else []
                tail = same[-CONTEXT:] if a2 < len(old_lines) else []
                rows += [DiffRow("same", (("eq", line),)) for line in head]
                rows.append(DiffRow("gap", (("eq", f"……（{len(same) - len(head) - len(tail)} 行未变）"),)))
                rows += [DiffRow("same", (("eq", line),)) for line in tail]
            else:
                rows += [DiffRow("same", (("eq", line),)) for line in same]
            continue
        old, new = old_lines[a1:a2], new_lines[b1:b2]
        paired = min(len(old), len(new)) if op == "replace" else 0
        rows += [DiffRow("change", _inline(o, n)) for o, n in zip(old[:paired], new[:paired], strict=True)]
        rows += [DiffRow("del", (("del", line),)) for line in old[paired:]]
        rows += [DiffRow("add", (("ins", line),)) for line in new[paired:]]
    if rows and rows[-1].kind == "gap":
        rows.pop()
    return rows if any(r.kind not in ("same", "gap") for r in rows) else []
