"""Cut a text into plain and marked segments so a template can underline findings safely.

The template escapes every segment; nothing here produces markup, so a draft containing
``<script>`` is shown as those characters and never runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CATEGORY_GROUPS = {
    "pii": "个人信息",
    "secret": "保密",
    "format": "格式规范",
    "typo": "错别字",
    "term": "规范用语",
    "metadata": "元数据",
}
CATEGORY_LABELS = {
    "pii.id_card": "身份证号",
    "pii.phone": "电话号码",
    "pii.bank_card": "银行卡号",
    "pii.email": "电子邮箱",
    "pii.passport": "护照号",
    "pii.plate": "车牌号",
    "pii.person_name": "个人姓名",
    "pii.address": "家庭住址",
    "secret.marking": "密级标志",
    "secret.disclosure": "不予公开",
    "typo": "错别字",
    "term.political": "政治表述",
    "term.banned": "禁用慎用词",
    "term.outdated": "过时名称",
    "format.doc_number": "发文字号",
    "format.punctuation": "标点符号",
    "format.number_date": "数字日期",
    "metadata.missing": "元数据缺失",
    "metadata.invalid": "元数据格式",
    "attachment.unsupported": "附件无法检查",
}


def category_label(category: str) -> str:
    if category in CATEGORY_LABELS:
        return CATEGORY_LABELS[category]
    return CATEGORY_GROUPS.get(category.split(".", 1)[0], category)


@dataclass(frozen=True)
class Segment:
    text: str
    number: int | None = None  # the finding's number in the side list
    severity: str | None = None

    @property
    def is_marker(self) -> bool:
        return self.number is not None and not self.text


def segments(text: str, findings: list[dict[str, Any]], field: str = "body") -> list[Segment]:
    """Findings are numbered by their position in ``findings`` (1-based) across all fields."""
    spans = sorted(
        (
            (f["start"], f["end"], number, f["severity"])
            for number, f in enumerate(findings, start=1)
            if f.get("field", "body") == field and 0 <= f["start"] <= f["end"] <= len(text)
        ),
        key=lambda s: (s[0], -(s[1] - s[0])),
    )
    out: list[Segment] = []
    cursor = 0
    for start, end, number, severity in spans:
        if start < cursor:
            continue  # overlaps a span already marked; it is still listed beside the text
        if start > cursor:
            out.append(Segment(text[cursor:start]))
        out.append(Segment(text[start:end], number, severity))
        cursor = end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


TEXT_FIELDS = ("title", "summary", "body")


def quoted(source: object, finding: dict[str, Any]) -> str:
    """The text a finding points at in a draft, version or form (metadata findings have none)."""
    value = getattr(source, finding["field"], None) if finding["field"] in TEXT_FIELDS else None
    return value[finding["start"] : finding["end"]] if isinstance(value, str) else ""
