"""Draft metadata, document types and channels as DESIGN.md names them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from enum import StrEnum


class Channel(StrEnum):
    WEBSITE = "website"
    NEW_MEDIA = "new_media"
    INTERNAL = "internal"

    @property
    def is_public(self) -> bool:
        return self is not Channel.INTERNAL


class DocType(StrEnum):
    NORMATIVE = "normative"
    NOTICE = "notice"
    PUBLICITY = "publicity"
    NEWS = "news"
    INTERPRETATION = "interpretation"
    REPLY = "reply"
    OTHER = "other"


DISCLOSURE_VALUES = ("主动公开", "依申请公开", "不予公开")


@dataclass(frozen=True, slots=True)
class Metadata:
    """Optional descriptive fields of a draft (all strings as the editor typed them)."""

    doc_number: str | None = None  # 文号
    issuer: str | None = None  # 发布机构
    index_number: str | None = None  # 索引号
    subject: str | None = None  # 主题分类
    written_date: str | None = None  # 成文日期 YYYY-MM-DD
    published_date: str | None = None  # 发布日期 YYYY-MM-DD
    validity: str | None = None  # 有效性
    disclosure: str | None = None  # 公开方式
    department: str | None = None  # 起草部门

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def value(self, name: str) -> str | None:
        raw = getattr(self, name)
        return raw.strip() if isinstance(raw, str) and raw.strip() else None


METADATA_LABELS: dict[str, str] = {
    "title": "名称",
    "doc_number": "文号",
    "issuer": "发布机构",
    "index_number": "索引号",
    "subject": "主题分类",
    "written_date": "成文日期",
    "published_date": "发布日期",
    "validity": "有效性",
    "disclosure": "公开方式",
    "department": "起草部门",
}


def parse_date(value: str) -> dt.date:
    """Parse YYYY-MM-DD strictly (raises ValueError)."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(value)
    return dt.date.fromisoformat(value)
