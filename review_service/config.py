"""Settings from the environment (prefix REVIEW_); every command reads them the same way."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="SQLite file, keys, uploads, logs")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir")
    broker_url: str | None = Field(default=None, description="Celery broker (redis://…); unset = in-process")
    host: str = "127.0.0.1"
    port: int = 8000
    max_request_bytes: int = Field(default=2_000_000, description="larger request bodies get 413")
    max_text_chars: int = Field(default=200_000, description="longest text accepted by /check")
    token_ttl_days: int = Field(default=365, description="lifetime of tokens made by `token create`")
    workflows_dir: Path | None = Field(default=None, description="the organisation's own workflow YAML files")
    spanning_roles: str = Field(default="admin", description="comma-separated roles that see every department")
    webhook_url: str | None = Field(default=None, description="organisation webhook for submit/return/approve/publish")
    webhook_secret: str | None = Field(default=None, description="HMAC-SHA256 key for the webhook signature")
    check_overdue_seconds: int = Field(
        default=120, ge=1, description="a queued check or re-check batch older than this is re-enqueued by the sweep"
    )
    sweep_interval_seconds: int = Field(
        default=60, ge=0, description="how often the API sweeps for overdue tasks (with a broker); 0 = only at start"
    )
    task_max_attempts: int = Field(default=3, ge=1, description="a check that failed this often is marked failed")
    recheck_batch_size: int = Field(default=50, ge=1, le=1000, description="archive documents per re-check task")

    @field_validator("database_url", "broker_url", "webhook_url", "webhook_secret", "workflows_dir", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str | None) -> str | None:
        if value and value.startswith(("postgres://", "postgresql://")):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @property
    def spanning_role_set(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.spanning_roles.split(",") if r.strip())

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'review.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
