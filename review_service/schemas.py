"""Request and response bodies of the HTTP API, split by direction."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from checks import Channel, DocType, Finding


class MetadataIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_number: str | None = Field(default=None, max_length=200, description="文号")
    issuer: str | None = Field(default=None, max_length=200, description="发布机构")
    index_number: str | None = Field(default=None, max_length=200, description="索引号")
    subject: str | None = Field(default=None, max_length=200, description="主题分类")
    written_date: str | None = Field(default=None, max_length=40, description="成文日期 YYYY-MM-DD")
    published_date: str | None = Field(default=None, max_length=40, description="发布日期 YYYY-MM-DD")
    validity: str | None = Field(default=None, max_length=200, description="有效性")
    disclosure: str | None = Field(default=None, max_length=40, description="公开方式")
    department: str | None = Field(default=None, max_length=200, description="起草部门")


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="正文（纯文本或 HTML）")
    title: str | None = Field(default=None, max_length=1000)
    summary: str | None = Field(default=None, max_length=10000)
    channel: Channel = Channel.WEBSITE
    doc_date: dt.date | None = Field(default=None, description="YYYY-MM-DD; default 成文日期, else today")
    doc_type: DocType = DocType.OTHER
    format: Literal["text", "html"] = "text"
    metadata: MetadataIn | None = None


class FindingOut(BaseModel):
    category: str
    start: int
    end: int
    severity: Literal["block", "warn", "info"]
    message: str
    suggestion: str | None
    rule: str
    explanation: str
    field: str = "body"

    @classmethod
    def of(cls, finding: Finding) -> FindingOut:
        return cls(**finding.to_dict())


class CheckResponse(BaseModel):
    findings: list[FindingOut]
    verdict: Literal["pass", "warn", "block"]
    stats: dict[str, object]


class DocxCheckResponse(CheckResponse):
    text: str = Field(description="the visible text extracted from the .docx; body offsets point into it")
    title: str | None = None


class MaskResponse(BaseModel):
    text: str
    title: str | None = None
    summary: str | None = None
    masked: list[FindingOut]


class ErrorMessage(BaseModel):
    zh: str
    en: str


class ErrorOut(BaseModel):
    code: str
    message: ErrorMessage
    details: object | None = None
