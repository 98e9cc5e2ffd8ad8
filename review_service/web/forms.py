"""The workspace form: what the editor typed, validated the same way the API validates it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.datastructures import FormData

from checks import Channel, DocType, DraftInput, Metadata
from checks.html_safety import html_refusal
from review_service.clock import today_beijing
from review_service.drafts import Content
from review_service.web.sealed_findings import MAX_SEALED

METADATA_FIELDS = (
    ("doc_number", "文号"),
    ("issuer", "发布机构"),
    ("index_number", "索引号"),
    ("subject", "主题分类"),
    ("written_date", "成文日期"),
    ("published_date", "发布日期"),
    ("validity", "有效性"),
    ("disclosure", "公开方式"),
    ("department", "起草部门"),
)
DISCLOSURE_CHOICES = ("", "主动公开", "依申请公开", "不予公开")
DATE_FIELDS = ("written_date", "published_date")


def beijing_today() -> dt.date:
    return today_beijing()


_INTEGER = re.compile(r"-?[0-9]{1,9}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_int(raw: object, *, lo: int, hi: int) -> int | None:
    """ASCII digits only (``str.isdigit`` also accepts ² and friends, which ``int`` refuses)."""
    if not isinstance(raw, str) or not _INTEGER.fullmatch(raw.strip()):
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


def _text(form: FormData, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


@dataclass
class DraftForm:
    title: str = ""
    summary: str = ""
    body: str = ""
    body_format: str = "text"
    channel: str = "website"
    doc_type: str = "other"
    metadata: dict[str, str] = field(default_factory=dict)
    due_date: str = ""
    priority: str = "0"
    countersign: str = ""
    draft_id: int | None = None
    expected_revision: int | None = None
    file_findings: str = ""  # what the uploaded file hid, sealed (web.sealed_findings)

    @classmethod
    def from_form(cls, form: FormData, *, max_chars: int) -> DraftForm:
        def number(name: str) -> int | None:
            return parse_int(form.get(name), lo=0, hi=2**31 - 1)

        return cls(
            title=_text(form, "title", 500).strip(),
            summary=_text(form, "summary", 2000).strip(),
            body=_text(form, "body", max_chars + 1).replace("\r\n", "\n"),
            body_format=_text(form, "body_format", 10) or "text",
            channel=_text(form, "channel", 20) or "website",
            doc_type=_text(form, "doc_type", 20) or "other",
            metadata={name: _text(form, name, 200).strip() for name, _ in METADATA_FIELDS},
            due_date=_text(form, "due_date", 10).strip(),
            priority=_text(form, "priority", 3).strip() or "0",
            countersign=_text(form, "countersign", 500).strip(),
            draft_id=number("draft_id"),
            expected_revision=number("expected_revision"),
            file_findings=_text(form, "file_findings", MAX_SEALED + 1),
        )

    def errors(self, *, max_chars: int, for_saving: bool) -> list[str]:
        """Messages in Chinese for everything that would be refused; empty when the form is usable."""
        problems = []
        if not self.body.strip():
            problems.append("正文为空。")
        if len(self.body) > max_chars:
            problems.append(f"正文超过 {max_chars} 字的上限。")
        if self.channel not in {c.value for c in Channel}:
            problems.append("发布渠道无效。")
        if self.doc_type not in {d.value for d in DocType}:
            problems.append("文档类型无效。")
        if self.body_format not in ("text", "html"):
            problems.append("正文格式无效。")
        for name in DATE_FIELDS:
            value = self.metadata.get(name)
            if value and not _is_date(value):
                problems.append(f"{dict(METADATA_FIELDS)[name]}须为 YYYY-MM-DD 格式的日期。")
        if for_saving:
            if not self.title:
                problems.append("标题为空。")
            refused = html_refusal(self.body) if self.body_format == "html" else None
            if refused:
                problems.append(refused.message_zh + "。")
            if self.due_date and not _is_date(self.due_date):
                problems.append("办结期限须为 YYYY-MM-DD 格式的日期。")
            elif self.due_date and self.draft_id is None and self.due is not None and self.due < beijing_today():
                problems.append(f"办结期限不能早于今天（{beijing_today()}）。")
            if parse_int(self.priority, lo=-9, hi=9) is None:
                problems.append("优先级须为 -9 到 9 之间的整数。")
        return problems

    @property
    def clean_metadata(self) -> dict[str, str]:
        return {k: v for k, v in self.metadata.items() if v}

    def to_input(self) -> DraftInput:
        return DraftInput(
            body=self.body,
            title=self.title or None,
            summary=self.summary or None,
            is_html=self.body_format == "html",
            channel=Channel(self.channel),
            doc_type=DocType(self.doc_type),
            metadata=Metadata(**self.clean_metadata),
        )

    def to_content(self) -> Content:
        return Content(self.title, self.body, self.summary or None, self.body_format, self.clean_metadata)

    def with_fields(self, **changes: Any) -> DraftForm:
        return replace(self, **changes)

    @property
    def countersign_departments(self) -> tuple[str, ...]:
        parts = self.countersign.replace("，", ",").replace("、", ",").split(",")
        return tuple(p.strip() for p in parts if p.strip())

    @property
    def due(self) -> dt.date | None:
        return dt.date.fromisoformat(self.due_date) if self.due_date else None

    @property
    def priority_value(self) -> int:
        return parse_int(self.priority, lo=-9, hi=9) or 0


def _is_date(value: str) -> bool:
    """YYYY-MM-DD only: ``fromisoformat`` would also take week dates such as 2024-W01-1."""
    if not _DATE.fullmatch(value):
        return False
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return False
    return 1900 <= day.year <= 2999
