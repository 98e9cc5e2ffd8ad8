"""Request and response bodies of the archive API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class PageIn(BaseModel):
    """One published page, as in a JSONL import line (validated again by the importer)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=1000)
    title: str = Field(min_length=1, max_length=1000)
    published_at: str = Field(max_length=40, description="YYYY-MM-DD")
    department: str | None = Field(default=None, max_length=120)
    content: str = Field(min_length=1)
    format: str | None = Field(default=None, description="text or html (default: detected)")


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[PageIn] = Field(min_length=1, max_length=5000)


class ImportOut(BaseModel):
    added: int
    updated: int
    unchanged: int


class RecheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: dt.date | None = Field(default=None, description="only pages published on or after this date")
    categories: list[str] = Field(default_factory=list, max_length=30, description="report only these categories")
    full: bool = Field(default=False, description="check every page, not only those a change can affect")


class RecheckOut(BaseModel):
    id: int
    state: str
    mode: str
    reason: str
    since: dt.date | None
    categories: list[str]
    in_scope: int
    total: int
    done: int
    percent: float
    batches: int
    batches_done: int
    elapsed_s: float
    rate_per_s: float | None
    eta_s: float | None
    report_html: str
    report_csv: str
    failed_batches: int = Field(default=0, description="batches given up on after repeated failures")
    failed_pages: list[int] = Field(default_factory=list, description="pages whose check failed (not in the report)")


class ArchiveFindingOut(BaseModel):
    category: str
    start: int
    end: int
    severity: str
    message: str
    suggestion: str | None
    rule: str
    explanation: str
    field: str = "body"


class DocumentOut(BaseModel):
    id: int
    url: str
    title: str
    published_at: dt.date
    department: str | None
    content_hash: str
    checked_at: dt.datetime | None
    current: bool = Field(description="false: the content changed since the findings were computed")
    verdict: str | None
    findings: list[ArchiveFindingOut]
    correction_draft_id: int | None
    review_path: str


class DocumentDetail(DocumentOut):
    body: str
    format: str
