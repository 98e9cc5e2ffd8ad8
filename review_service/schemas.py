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


class DraftCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=1000)
    body: str = Field(min_length=1)
    summary: str | None = Field(default=None, max_length=10000)
    format: Literal["text", "html"] = "text"
    channel: Channel = Channel.WEBSITE
    doc_type: DocType = DocType.OTHER
    metadata: MetadataIn | None = None
    workflow: str | None = Field(default=None, max_length=40, description="default: the channel's workflow")
    due_date: dt.date | None = None
    priority: int = Field(default=0, ge=0, le=9)
    countersign: list[str] = Field(default_factory=list, max_length=20, description="会签部门")
    on_behalf_of: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="required of service accounts (422 author_required without it), refused from people: "
        "the username of the person who wrote it; they become the draft's author, to whom separation of "
        "duties applies",
    )


class DraftUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=1000)
    body: str = Field(min_length=1)
    summary: str | None = Field(default=None, max_length=10000)
    format: Literal["text", "html"] = "text"
    metadata: MetadataIn | None = None
    expected_revision: int | None = None


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["pass", "edit", "approve", "return", "claim", "release"]
    comment: str | None = Field(default=None, max_length=5000)
    expected_revision: int | None = None
    content: DraftUpdate | None = Field(default=None, description="the edited content (action edit)")


class SubmitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_revision: int | None = None


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=5000, description="why (optional, kept as a comment)")
    expected_revision: int | None = None


class WaiverRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding_key: str = Field(min_length=1, max_length=400)
    reason: str = Field(max_length=2000)
    expected_revision: int | None = None


class CommentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=5000)


class VersionOut(BaseModel):
    number: int
    title: str
    summary: str | None
    body: str
    format: str
    content_hash: str
    form_version: int = Field(3, description="the canonical form content_hash is computed in (2 or 3)")
    author: str
    created_at: dt.datetime
    verdict: str | None
    check_state: Literal["checking", "done", "failed"] = "done"
    findings: list[dict[str, object]]


class LastReturn(BaseModel):
    stage: str
    stage_label: str
    by: str
    comment: str
    at: dt.datetime
    resubmitted_at: dt.datetime | None = None


class DraftOut(BaseModel):
    id: int
    title: str
    channel: str
    workflow: str
    doc_type: str
    status: str
    stage: str | None
    stage_label: str | None
    author: str
    created_by: str | None = Field(default=None, description="who created it: the author, or the CMS account")
    department: str | None
    revision: int
    due_date: dt.date | None
    priority: int
    overdue: bool
    claimed_by: int | None
    current_version: int
    content_hash: str
    verdict: str | None
    check_state: Literal["checking", "done", "failed"] = Field(
        default="done", description="checking: a worker is still checking the current version"
    )
    blocking_findings: int
    actions: list[str]
    waivers: list[dict[str, object]]
    last_return: LastReturn | None = Field(
        default=None, description="the most recent return (kept after resubmission); null when never returned"
    )
    published_at: dt.datetime | None = Field(default=None, description="when a CMS confirmed publication")


class HistoryEntry(BaseModel):
    at: dt.datetime
    actor_id: int | None
    kind: str
    data: dict[str, object]


class DiffOut(BaseModel):
    from_version: int
    to_version: int
    diff: list[str]


class GateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    title: str = Field(max_length=1000)
    body: str
    summary: str | None = Field(default=None, max_length=10000)
    format: Literal["text", "html"] = "text"
    attachments: list[AttachmentRef] = Field(
        default_factory=list, max_length=100, description="the attachments published with it: name and SHA-256 each"
    )


class GateResponse(BaseModel):
    decision: Literal["allow", "refuse"]
    content_hash: str
    reason: str | None = None
    message: ErrorMessage | None = None
    draft_id: int | None = None
    version: int | None = None
    receipt: dict[str, object] | None = None


class CountersignLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    department: str = Field(min_length=1, max_length=120)
    hours: int = Field(default=72, ge=1, le=24 * 30)


class CountersignLinkOut(BaseModel):
    token: str
    path: str


class CountersignView(BaseModel):
    draft_id: int
    department: str
    title: str
    summary: str | None
    body: str
    format: str
    content_hash: str
    expires_at: dt.datetime


class CountersignDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "return"]
    content_hash: str = Field(max_length=80, description="the content_hash shown when the link was opened")
    signer_name: str = Field(min_length=1, max_length=60)
    comment: str | None = Field(default=None, max_length=5000)


class DictionaryEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["wording", "outdated", "allow"]
    text: str = Field(min_length=1, max_length=40)
    data: dict[str, object] = Field(
        default_factory=dict,
        description="wording: {reason, suggestion?, category?, severity?, …}; outdated: {since, reason, current?}",
    )
    enabled: bool = True


class DictionaryEntryOut(BaseModel):
    id: int
    kind: str
    text: str
    data: dict[str, object]
    enabled: bool
    retired: bool


class FalseAlarmRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding_key: str = Field(min_length=1, max_length=400)
    note: str = Field(min_length=1, max_length=500)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class LoginResponse(BaseModel):
    token: str
    expires_at: dt.datetime
    must_change_password: bool


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=80)
    old_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


class EphemeralTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(min_length=1, max_length=100, description="the CMS end user the token is for (shown in audits)")
    ttl_seconds: int | None = Field(
        default=None, ge=30, le=3600, description="default and cap: REVIEW_EPHEMERAL_TOKEN_SECONDS"
    )


class EphemeralTokenOut(BaseModel):
    token: str
    scopes: list[str]
    user: str
    expires_at: dt.datetime


class PublishedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: dict[str, object] = Field(description="the receipt the publish gate issued for this draft's content")


class NotificationOut(BaseModel):
    id: int
    kind: Literal[
        "stage_waiting",
        "returned",
        "countersign_requested",
        "due_soon",
        "overdue",
        "approved",
        "published",
        "withdrawn",
    ]
    draft_id: int | None
    title: str
    message: str
    created_at: dt.datetime
    read: bool


class NotificationList(BaseModel):
    items: list[NotificationOut]
    unread: int


class LocatedFindingOut(FindingOut):
    location: dict[str, object] = Field(
        description='where in the file: {"file","sheet","cell"} (spreadsheets, CSV), {"file","page","line"} (PDF '
        'text; .docx has "line" only), {"file","page","box":[x,y,w,h]} (OCR, pixels); "hidden" names a hidden '
        "sheet, row, column or a cell comment"
    )


class FileInfoOut(BaseModel):
    name: str
    type: str = Field(description="detected from the bytes: docx, xlsx, xls, csv, pdf, png, jpeg, or doc/wps/ofd/…")
    pages: int | None = None
    sheets: list[str] | None = None


class FileCheckResponse(BaseModel):
    findings: list[LocatedFindingOut]
    verdict: Literal["pass", "warn", "block"]
    stats: dict[str, object]
    text: str = Field(description="the text extracted from the file; finding offsets point into it")
    file: FileInfoOut


class AttachmentOut(BaseModel):
    id: int
    name: str
    sha256: str
    size: int
    type: str
    verdict: Literal["pass", "warn", "block"]
    findings: list[LocatedFindingOut]
    text_chars: int
    masked_from: str | None = Field(default=None, description="SHA-256 of the unmasked original (一键脱敏)")


class AttachmentRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
