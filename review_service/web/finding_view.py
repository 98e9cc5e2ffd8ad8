"""Findings as a reviewer reads them: worst first, repeats of one rule folded into one line.

The list order is also the numbering of the marks in the text (see ``highlight.segments``), so
``ordered`` must run before both. Explanations from the checks are technical (recogniser names,
scores); the page leads with the finding's plain message and keeps the explanation behind 详情.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflows.definition import WorkflowDefinition
from workflows.engine import UNWAIVABLE_ON_PUBLIC

SEVERITY_ORDER = {"block": 0, "warn": 1, "info": 2}
FIELD_ORDER = {"title": 0, "summary": 1, "body": 2, "metadata": 3, "docx": 4}
FIELD_LABELS = {"title": "标题", "summary": "摘要", "body": "正文", "metadata": "元数据", "docx": "文档属性"}


def ordered(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Severity first, then where it is (title, summary, body, metadata), then position."""
    return sorted(
        findings,
        key=lambda f: (
            SEVERITY_ORDER.get(f["severity"], 3),
            FIELD_ORDER.get(f.get("field", "body"), 5),
            f["start"],
            f["end"],
        ),
    )


@dataclass
class FindingGroup:
    """One line of the list: a finding, or every finding of one rule with the same message."""

    first: dict[str, Any]
    number: int  # the first finding's number in the text
    members: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def rest(self) -> list[tuple[int, dict[str, Any]]]:
        return self.members[1:]

    @property
    def suggestions(self) -> int:
        return sum(1 for _, f in self.members if f.get("suggestion") is not None)


def grouped(findings: list[dict[str, Any]]) -> list[FindingGroup]:
    """``findings`` already ``ordered``; a group keeps the place of its first (worst, earliest) member."""
    groups: dict[tuple[str, str, str], FindingGroup] = {}
    out: list[FindingGroup] = []
    for number, finding in enumerate(findings, start=1):
        # A block finding stays on its own line: each one is fixed or waived on its own.
        key = (
            finding["severity"],
            finding["rule"],
            finding["message"] if finding["severity"] != "block" else str(number),
        )
        group = groups.get(key)
        if group is None:
            group = groups[key] = FindingGroup(finding, number)
            out.append(group)
        group.members.append((number, finding))
    return out


def _matches(category: str, prefixes: tuple[str, ...]) -> bool:
    return any(category == p or category.startswith(p + ".") for p in prefixes)


def waiving_stages(definition: WorkflowDefinition, category: str, public_channel: bool) -> list[str]:
    """Labels of the stages that may waive this category here (empty: it can only be fixed)."""
    if public_channel and _matches(category, UNWAIVABLE_ON_PUBLIC):
        return []
    return [s.label for s in definition.stages if _matches(category, s.may_waive)]


def block_requirement(definition: WorkflowDefinition, category: str, public_channel: bool) -> str:
    """What 终审 will require of one unresolved block finding, in words."""
    stages = waiving_stages(definition, category, public_channel)
    final = definition.final_stage.label
    if not stages:
        return f"{final}通过前必须修改（不可豁免）"
    return f"{final}通过前须修改，或由{'、'.join(stages)}豁免并写明理由"
