"""SQLAlchemy models. Schema changes go through Alembic migrations in ``migrations/``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from checks.canonical import FORM_VERSION
from review_service.clock import aware, now_utc


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in and out, whatever the database keeps.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones and keeps the UTC wall time, so a
    value read back is naive there: it gets its UTC zone here, once, instead of in every reader."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        value = aware(value).astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return aware(value).astimezone(dt.UTC) if value is not None else None


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    return now_utc()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), default=None)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    spans_departments: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(200), default=None)  # no address, no mail
    email_notifications: Mapped[bool] = mapped_column(default=True)  # each person may turn mail off

    department: Mapped[Department | None] = relationship()
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    """Only a SHA-256 of the secret is stored; the token is shown once, when created."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120), default="")
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)

    user: Mapped[User] = relationship(back_populates="tokens")


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Draft(Base):
    """A piece of content on its way to publication; its run state is the workflow's RunState."""

    __tablename__ = "drafts"
    __table_args__ = (
        Index("ix_drafts_status_stage", "status", "stage"),  # the 待办 badge and queue
        Index("ix_drafts_author_status", "author_id", "status"),  # my returned drafts
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    workflow: Mapped[str] = mapped_column(String(40))
    doc_type: Mapped[str] = mapped_column(String(20), default="other")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # who created it: the author, or the CMS service account that sent it on the author's behalf
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), default=None)
    status: Mapped[str] = mapped_column(String(20), index=True)
    stage: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    run_state: Mapped[dict] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    archive_document_id: Mapped[int | None] = mapped_column(Integer, default=None)  # a correction of this page
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    versions: Mapped[list[DraftVersion]] = relationship(back_populates="draft", order_by="DraftVersion.number")


class DraftVersion(Base):
    """Immutable: a new edit is a new row, never an update."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(10), default="text")
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(80), index=True)
    form_version: Mapped[int] = mapped_column(Integer, default=FORM_VERSION)  # canonical form of content_hash
    # findings about the uploaded file that its text cannot show (a .docx's revisions, comments, hidden
    # text), found when it was read; merged into this version's check run
    file_findings: Mapped[list | None] = mapped_column(JSON, default=None)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    draft: Mapped[Draft] = relationship(back_populates="versions")
    check_run: Mapped[CheckRun | None] = relationship(back_populates="version", uselist=False)


class CheckRun(Base):
    """The check of one version: ``checking`` until a worker (or the request itself) stores the result."""

    __tablename__ = "check_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="done", index=True)  # checking | done | failed
    verdict: Mapped[str | None] = mapped_column(String(10), default=None)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    worker: Mapped[str | None] = mapped_column(String(120), default=None)  # host:pid:engine-builds

    version: Mapped[DraftVersion] = relationship(back_populates="check_run")


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    author: Mapped[User] = relationship()


class AuditEntry(Base):
    """Append-only and hash-chained: each row's hash covers its content and the previous hash."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_draft_kind", "draft_id", "kind"),)  # since when a draft waits

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    draft_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpoint(Base):
    """A signed statement of the ledger's head (and the hashes of the rows since the last one);
    the same document is appended to a file outside the database."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    last_row_id: Mapped[int] = mapped_column(Integer, index=True)
    head: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict] = mapped_column(JSON)


class CountersignLink(Base):
    """A single-use, expiring link for an outside department to sign off (会签) one draft."""

    __tablename__ = "countersign_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(120))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class DictionaryEntry(Base):
    """An organisation's own term or allow-list entry, layered over the shipped dictionaries."""

    __tablename__ = "dictionary_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # wording | outdated | allow
    text: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)


class LoginThrottle(Base):
    """Wrong passwords per typed username, existing or not, so a lock-out never tells which names exist."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class WebSession(Base):
    """A browser login: the cookie holds the secret, only its SHA-256 is stored; logout revokes it."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)

    user: Mapped[User] = relationship()


class DictionarySnapshot(Base):
    """What the checks knew when a page was checked: shipped files' digest plus the organisation's entries."""

    __tablename__ = "dictionary_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    shipped: Mapped[str] = mapped_column(String(64))
    entries: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class ArchiveDocument(Base):
    """A page already published (imported); its findings are those of its last re-check."""

    __tablename__ = "archive_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(10), default="text")
    published_at: Mapped[dt.date] = mapped_column(Date, index=True)
    department: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    content_hash: Mapped[str] = mapped_column(String(80))
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    checked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    checked_hash: Mapped[str | None] = mapped_column(String(80), default=None)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("dictionary_snapshots.id"), default=None)
    verdict: Mapped[str | None] = mapped_column(String(10), default=None)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    correction_draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="SET NULL"), default=None)


class RecheckRun(Base):
    """One 回头看 run over the archive; progress is counted per finished batch."""

    __tablename__ = "recheck_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), index=True)  # running | done
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    since: Mapped[dt.date | None] = mapped_column(Date, default=None)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(20))  # full | incremental
    reason: Mapped[str] = mapped_column(Text, default="")
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("dictionary_snapshots.id"))
    in_scope: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    batches: Mapped[int] = mapped_column(Integer, default=0)
    batches_done: Mapped[int] = mapped_column(Integer, default=0)


class RecheckBatch(Base):
    """A unit of bulk work: a task re-checks these documents; done exactly once (guarded update)."""

    __tablename__ = "recheck_batches"
    __table_args__ = (Index("ix_recheck_batches_run_state", "run_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("recheck_runs.id", ondelete="CASCADE"))
    document_ids: Mapped[list] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))  # queued | done | failed
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class Notification(Base):
    """A message to one person (消息): something waits for them, came back, or is due.

    ``dedupe`` makes a reminder (due_soon, overdue) exist once per draft, due date and person."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), default=None, index=True)
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    dedupe: Mapped[str | None] = mapped_column(String(120), default=None, unique=True)


class DraftAttachment(Base):
    """A file that goes out with a draft (a list, a scan); its bytes live in the database so any worker reads them."""

    __tablename__ = "draft_attachments"
    __table_args__ = (UniqueConstraint("draft_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    verdict: Mapped[str] = mapped_column(String(10))
    text_chars: Mapped[int] = mapped_column(Integer, default=0)
    masked_from: Mapped[str | None] = mapped_column(String(64), default=None)  # sha256 of the unmasked original
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
