"""Severity policy: how serious a category is on each channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checks.finding import Finding, Severity
from checks.metadata import Channel

# (channel, category prefix) -> severity. The longest matching prefix wins; a category
# with no entry keeps the severity its check gave it.
DEFAULT_POLICY: dict[str, dict[str, Severity]] = {
    Channel.WEBSITE: {
        "pii": Severity.BLOCK,
        "pii.person_name": Severity.WARN,
        "pii.address": Severity.WARN,
        "secret": Severity.BLOCK,
        "format": Severity.WARN,
        "metadata.missing": Severity.WARN,
    },
    Channel.NEW_MEDIA: {
        "pii": Severity.BLOCK,
        "pii.person_name": Severity.WARN,
        "pii.address": Severity.WARN,
        "secret": Severity.BLOCK,
        "format": Severity.WARN,
        "metadata.missing": Severity.INFO,
    },
    Channel.INTERNAL: {
        "pii": Severity.WARN,
        "secret.marking": Severity.INFO,
        "secret.disclosure": Severity.INFO,
        "metadata.docx": Severity.WARN,
        "format": Severity.INFO,
        "metadata.missing": Severity.INFO,
    },
}


@dataclass(frozen=True)
class SeverityPolicy:
    table: Mapping[str, Mapping[str, Severity]]

    def severity_for(self, channel: Channel, category: str) -> Severity | None:
        rules = self.table.get(channel, {})
        parts = category.split(".")
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in rules:
                return rules[key]
        return None

    def apply(self, channel: Channel, findings: Sequence[Finding]) -> list[Finding]:
        out = []
        for finding in findings:
            wanted = self.severity_for(channel, finding.category)
            # A check that reports only a hint (info) knows why; the policy never raises it.
            if wanted is None or wanted == finding.severity or finding.severity is Severity.INFO:
                out.append(finding)
            else:
                out.append(
                    finding.with_changes(
                        severity=wanted,
                        reason=f"渠道 {channel.value} 的严重程度策略：{finding.category} 为 {wanted.value}",
                    )
                )
        return out


def default_policy() -> SeverityPolicy:
    return SeverityPolicy(DEFAULT_POLICY)
