"""Settings from the environment (prefix REVIEW_); every command reads them the same way."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from checks.attachments.limits import AttachmentLimits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="SQLite file, keys, uploads, logs")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir")
    database_password: str | None = Field(
        default=None,
        description="password for database_url, given apart so that any character works (no URL escaping)",
    )
    broker_url: str | None = Field(default=None, description="Celery broker (redis://…); unset = in-process")
    host: str = "127.0.0.1"
    port: int = 8000
    max_request_bytes: int = Field(default=2_000_000, description="larger request bodies get 413")
    max_text_chars: int = Field(default=200_000, description="longest text accepted by /check")
    login_rate_per_minute: int = Field(
        default=30, ge=0, description="login attempts a minute per client address and username (0 = no limit)"
    )
    check_rate_per_minute: int = Field(
        default=600, ge=0, description="/check, /mask and file checks a minute per API token (0 = no limit)"
    )
    check_processes: int = Field(
        default=2, ge=0, description="processes that run long checks outside the API process (0 = all in-process)"
    )
    check_process_min_chars: int = Field(
        default=10_000, ge=0, description="checks of at least this many characters go to a check process"
    )
    check_queue: int = Field(
        default=4, ge=0, description="long checks that may wait for a busy check process; more get 503 check_busy"
    )
    token_ttl_days: int = Field(default=365, description="lifetime of tokens made by `token create`")
    workflows_dir: Path | None = Field(default=None, description="the organisation's own workflow YAML files")
    spanning_roles: str = Field(default="admin", description="comma-separated roles that see every department")
    webhook_url: str | None = Field(default=None, description="organisation webhook for submit/return/approve/publish")
    webhook_secret: str | None = Field(default=None, description="HMAC-SHA256 key for the webhook signature")
    audit_checkpoint_file: Path | None = Field(
        default=None,
        description="append-only file of signed audit checkpoints; default data_dir/audit-checkpoints.jsonl",
    )
    audit_checkpoint_minutes: int = Field(
        default=10,
        ge=0,
        description="sign an audit checkpoint at least this often while rows are written (0 = at gate decisions only)",
    )
    webhook_checkpoints: bool = Field(
        default=False, description="also send each signed audit checkpoint to the webhook"
    )
    session_hours: int = Field(default=8, ge=1, le=720, description="lifetime of a web login")
    cookie_secure: bool = Field(default=False, description="mark the web session cookie Secure (behind HTTPS)")
    login_max_failures: int = Field(default=5, ge=1, description="wrong passwords in a row before lock-out")
    login_lockout_minutes: int = Field(default=15, ge=1, description="how long a locked account stays locked")
    # argon2id cost of new password hashes; the defaults are RFC 9106's second recommended profile (argon2-cffi's
    # own). Lower them only for tests: every stored hash carries its own parameters, so verifying is unaffected.
    password_time_cost: int = Field(default=3, ge=1, description="argon2id passes over memory per password hash")
    password_memory_kib: int = Field(default=65536, ge=8, description="argon2id memory per password hash (KiB)")
    password_parallelism: int = Field(default=4, ge=1, description="argon2id lanes per password hash")
    cors_origins: str = Field(default="", description="comma-separated browser origins allowed to call the API")
    ephemeral_token_seconds: int = Field(
        default=600, ge=60, le=3600, description="default lifetime of browser tokens minted by a CMS back end"
    )
    check_overdue_seconds: int = Field(
        default=120, ge=1, description="a queued check or re-check batch older than this is re-enqueued by the sweep"
    )
    sweep_interval_seconds: int = Field(
        default=60, ge=0, description="how often the API sweeps for lost checks and tasks; 0 = only at start"
    )
    task_max_attempts: int = Field(default=3, ge=1, description="a check that failed this often is marked failed")
    recheck_batch_size: int = Field(default=50, ge=1, le=1000, description="archive documents per re-check task")
    attachment_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1, description="largest attachment file")
    attachment_max_uncompressed_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1, description="what a zip-based attachment (.xlsx, .docx) may inflate to"
    )
    attachment_max_ratio: int = Field(default=100, ge=1, description="highest compression ratio of a zip entry")
    attachment_max_ocr_pages: int = Field(default=50, ge=1, description="scanned pages OCR reads in one file")
    attachment_max_cells: int = Field(default=200_000, ge=1, description="spreadsheet cells read in one file")
    attachment_max_pixels: int = Field(default=40_000_000, ge=1, description="largest image (pixels) given to OCR")
    attachment_ocr_timeout_seconds: float = Field(default=60.0, gt=0, description="OCR time allowed for one page")
    mask_style: Literal["keep_last", "surname"] = Field(
        default="keep_last",
        description="how names are masked (suggestions, /mask, 一键脱敏): keep_last 王*明/王*, surname 王**/王*",
    )

    def attachment_limits(self) -> AttachmentLimits:
        return AttachmentLimits(
            max_bytes=self.attachment_max_bytes,
            max_uncompressed=self.attachment_max_uncompressed_bytes,
            max_ratio=self.attachment_max_ratio,
            max_ocr_pages=self.attachment_max_ocr_pages,
            max_cells=self.attachment_max_cells,
            max_pixels=self.attachment_max_pixels,
            ocr_timeout_s=self.attachment_ocr_timeout_seconds,
        )

    smtp_url: str | None = Field(
        default=None, description="mail server for notifications: smtp://[user:pass@]host[:port][?starttls=1]"
    )
    smtp_from: str = Field(
        default="review@localhost", max_length=200, description="sender address of notification mail"
    )
    public_url: str | None = Field(default=None, description="the service's address as people open it, for mail links")
    org_name: str = Field(default="", max_length=100, description="organisation name at the head of the 审签单")
    lang: Literal["zh", "en"] = Field(default="zh", description="language of the command line's messages")
    due_soon_hours: int = Field(default=24, ge=1, le=24 * 14, description="remind this long before a due date ends")
    due_check_interval_seconds: int = Field(
        default=600, ge=0, description="how often the API looks for drafts due soon or overdue; 0 = never"
    )

    cache_dir: Path | None = Field(
        default=None, description="built dictionaries and models kept between starts; default: the user's cache folder"
    )

    @field_validator(
        "database_url",
        "database_password",
        "broker_url",
        "webhook_url",
        "webhook_secret",
        "workflows_dir",
        "smtp_url",
        "public_url",
        "cache_dir",
        "audit_checkpoint_file",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str | None) -> str | None:
        if value and value.startswith(("postgres://", "postgresql://")):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, value: str) -> str:
        # An origin is scheme://host[:port] and nothing else; "*" would hand the API to every site.
        for origin in (o.strip() for o in value.split(",") if o.strip()):
            if origin == "*" or not origin.startswith(("http://", "https://")) or origin.rstrip("/").count("/") > 2:
                raise ValueError(f"REVIEW_CORS_ORIGINS: not an exact origin: {origin!r}")
        return value

    @model_validator(mode="after")
    def _argon2_memory_covers_lanes(self) -> Settings:
        if self.password_memory_kib < 8 * self.password_parallelism:
            raise ValueError("REVIEW_PASSWORD_MEMORY_KIB must be at least 8 × REVIEW_PASSWORD_PARALLELISM")
        return self

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def spanning_role_set(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.spanning_roles.split(",") if r.strip())

    @property
    def build_cache_dir(self) -> Path:
        """Where the check engine keeps its builds: REVIEW_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache."""
        if self.cache_dir:
            return self.cache_dir
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "review-service"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url and self.database_password is not None:
            from sqlalchemy.engine import make_url

            # SQLAlchemy escapes the password as the URL needs (@ / : # % …); pasting it into the URL would not.
            url = make_url(self.database_url).set(password=self.database_password)
            return url.render_as_string(hide_password=False)
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'review.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
