"""metadata.missing / metadata.invalid: the fields a 规范性文件 must carry when published.

A normative document (规范性文件) published on a government site is found, cited and checked
for validity through its metadata: 名称, 文号, 发布机构, 索引号, 主题分类, 成文日期, 发布日期
and 有效性. A missing field is one finding each, so the editor sees exactly what to fill in;
a date not in YYYY-MM-DD is reported as metadata.invalid, with the ISO form when it can be read.
Other document types have no required fields here.
"""

from __future__ import annotations

import re
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.metadata import METADATA_LABELS, DocType, parse_date
from checks.normalize import fold_char

MISSING = "metadata.missing"
INVALID = "metadata.invalid"
REQUIRED_FOR_NORMATIVE = (
    "title",
    "doc_number",
    "issuer",
    "index_number",
    "subject",
    "written_date",
    "published_date",
    "validity",
)
DATE_FIELDS = ("written_date", "published_date")
_BASIS = (
    "规范性文件（doc_type: normative）发布时须标注名称、文号、发布机构、索引号、主题分类、成文日期、发布日期、有效性"
)
_LOOSE_DATE = re.compile(r"\s*(\d{4})\s*[-./年－．／]\s*(\d{1,2})\s*[-./月－．／]\s*(\d{1,2})\s*日?\s*")


def iso_date(value: str) -> str | None:
    """YYYY-MM-DD for a date written another common way (2024/3/5, 2024年3月5日), else None."""
    match = _LOOSE_DATE.fullmatch("".join(fold_char(ch) for ch in value))
    if match is None:
        return None
    y, m, d = (int(g) for g in match.groups())
    candidate = f"{y:04d}-{m:02d}-{d:02d}"
    try:
        parse_date(candidate)
    except ValueError:
        return None
    return candidate


class MetadataRequiredCheck:
    """Reports each required-but-absent metadata field of a 规范性文件, and malformed dates."""

    name: ClassVar[str] = "metadata.missing"
    categories: ClassVar[tuple[str, ...]] = (MISSING, INVALID)
    scope: ClassVar[Scope] = "draft"

    def run(self, doc: Document) -> list[Finding]:
        if doc.doc_type is not DocType.NORMATIVE:
            return []
        out: list[Finding] = []
        for name in REQUIRED_FOR_NORMATIVE:
            if self._value(doc, name) is None:
                label = METADATA_LABELS[name]
                out.append(
                    _metadata_finding(
                        MISSING,
                        rule=f"{MISSING}.{name}",
                        message=f"规范性文件缺少“{label}”，请在元数据中填写",
                        suggestion=None,
                        explanation=f"{_BASIS}；本稿未填写“{label}”（字段 {name}）",
                    )
                )
        for name in DATE_FIELDS:
            value = doc.metadata.value(name)
            if value is None:
                continue
            try:
                parse_date(value)
            except ValueError:
                label = METADATA_LABELS[name]
                fixed = iso_date(value)
                hint = f"，应为“{fixed}”" if fixed else "，应为 YYYY-MM-DD（如 2024-03-05）"
                out.append(
                    _metadata_finding(
                        INVALID,
                        rule=f"{INVALID}.{name}",
                        message=f"“{label}”的格式不正确：“{value}”{hint}",
                        suggestion=fixed,
                        explanation=f"元数据的{label}须为 YYYY-MM-DD 格式的有效日期（GB/T 7408 扩展格式）；"
                        f"字段 {name} 的值为“{value}”",
                    )
                )
        return out

    @staticmethod
    def _value(doc: Document, name: str) -> str | None:
        if name == "title":
            title = doc.draft.title
            return title.strip() if title and title.strip() else None
        return doc.metadata.value(name)


def _metadata_finding(category: str, *, rule: str, message: str, suggestion: str | None, explanation: str) -> Finding:
    """Metadata has no span in the text: offsets 0..0, field "metadata"."""
    return Hit(0, 0, rule, message, suggestion, explanation, Severity.WARN).in_field("metadata", category)
