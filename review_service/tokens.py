"""API tokens: random secrets shown once, stored as SHA-256, scoped, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from review_service.models import ApiToken, User, utcnow
from review_service.permissions import Role, is_service_account
from review_service.services.errors import DomainError

SCOPES = ("check", "drafts", "publish")
SERVICE_ROLE = Role.CMS.value
TOKEN_PREFIX = "rvs_"
EPHEMERAL_PREFIX = "ephemeral:"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ensure_service_account(session: Session, *, username: str) -> User:
    """The user NAME (a person keeps their role), or a new ``cms`` service account."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, display_name=username, role=SERVICE_ROLE)
        session.add(user)
        session.flush()
    return user


class ScopeRefused(DomainError):
    """A token asked for scopes its account may not hold."""

    code = ""
    message_zh = ""
    message_en = ""

    def __init__(self) -> None:
        super().__init__(422, type(self).code, type(self).message_zh, type(self).message_en)


class PublishScopeRefused(ScopeRefused):
    """Only a service account (role ``cms``) may hold ``publish``: a person acts as themselves."""

    code = "publish_needs_service_account"
    message_zh = "publish 权限只能授予 CMS 服务账号（角色 cms），不能授予个人账号"
    message_en = "Only a CMS service account (role cms) may hold the publish scope"


class PersonTokenRefused(ScopeRefused):
    """An administrator may give a person only a ``check`` token: ``drafts`` comes from their own login."""

    code = "person_token_check_only"
    message_zh = "为个人账号只能生成 check 令牌；drafts 权限由本人登录获得，publish 仅限系统账号。"
    message_en = "A person's token may only have the check scope; drafts come from their own login"


def may_hold(user: User, scopes: list[str] | tuple[str, ...]) -> bool:
    """The one rule, checked where tokens are issued (CLI, API, web) and again where they are used."""
    return "publish" not in scopes or is_service_account(user)


def issue_token(session: Session, *, user: User, name: str, scopes: list[str], ttl: dt.timedelta | None) -> IssuedToken:
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"unknown or empty scopes: {sorted(unknown) or scopes}")
    if not may_hold(user, scopes):
        raise PublishScopeRefused
    secret = secrets.token_urlsafe(32)
    token = f"{TOKEN_PREFIX}{secret}"
    record = ApiToken(
        user_id=user.id,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(token),
        scopes=sorted(set(scopes)),
        expires_at=utcnow() + ttl if ttl else None,
    )
    session.add(record)
    session.flush()
    return IssuedToken(token, record)


def issue_login_token(session: Session, *, user: User, ttl: dt.timedelta) -> IssuedToken:
    """A person's own login token: scope ``drafts``, to act on drafts as themselves."""
    return issue_token(session, user=user, name="login", scopes=["drafts"], ttl=ttl)


def admin_token_refusal(owner: User, scopes: list[str]) -> ScopeRefused | None:
    """Why an administrator may not issue these scopes for this account (None: they may)."""
    if not is_service_account(owner) and set(scopes) - {"check"}:
        return PersonTokenRefused()
    return PublishScopeRefused() if not may_hold(owner, scopes) else None


def issue_admin_token(
    session: Session, *, owner: User, name: str, scopes: list[str], ttl: dt.timedelta | None
) -> IssuedToken:
    """A token an administrator issues for an account in the web admin.

    A person gets ``check`` only: they act on drafts as themselves through their own login, so an
    administrator must never hold a ``drafts`` (or ``publish``) token in their name.
    """
    refusal = admin_token_refusal(owner, scopes)
    if refusal is not None:
        raise refusal
    return issue_token(session, user=owner, name=name, scopes=scopes, ttl=ttl)


def require_minter(issuer: ApiToken) -> None:
    """Only a CMS service account's token with ``check`` mints browser tokens: people use their own
    tokens, and a token cannot hand out a scope it does not have itself."""
    if "check" not in issuer.scopes:
        raise DomainError(403, "insufficient_scope", "该令牌没有 check 权限", "Token lacks the 'check' scope")
    if not is_service_account(issuer.user):
        raise DomainError(
            403,
            "not_a_service_account",
            "只有 CMS 服务账号可以签发短期令牌",
            "Only a CMS service account may mint browser tokens",
        )


def issue_ephemeral_token(session: Session, *, issuer: ApiToken, subject: str, ttl: dt.timedelta) -> IssuedToken:
    """A check-only browser token for one end user of a CMS, owned by the CMS account that asked.

    Owned by the service account (the end user has no account here) and named
    ``ephemeral:<issuer token id>:<end user>``, so the token list shows who held it and the token
    stops working as soon as the token that minted it is revoked or expires (``find_active_token``).
    It never outlives the issuing token. The account's expired browser tokens are purged on the way.
    """
    require_minter(issuer)
    now = utcnow()
    expired = session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == issuer.user_id,
            ApiToken.name.startswith(EPHEMERAL_PREFIX),
            ApiToken.expires_at < now,
        )
    ).all()
    for record in expired:
        session.delete(record)
    issued = issue_token(
        session, user=issuer.user, name=f"{EPHEMERAL_PREFIX}{issuer.id}:{subject}", scopes=["check"], ttl=ttl
    )
    issuer_expires = issuer.expires_at
    if issuer_expires is not None and issued.record.expires_at is not None:
        issued.record.expires_at = min(issued.record.expires_at, issuer_expires)  # never outlives it
    return issued


def ephemeral_issuer_id(name: str) -> int | None:
    """The id of the token that minted a browser token named ``ephemeral:<id>:<user>``; None if not one."""
    head, _, rest = name.removeprefix(EPHEMERAL_PREFIX).partition(":")
    return int(head) if rest and head.isascii() and head.isdigit() else None


def _usable(record: ApiToken | None) -> bool:
    if record is None or record.revoked_at is not None or not record.user.is_active:
        return False
    expires = record.expires_at
    return expires is None or expires > utcnow()


def find_active_token(session: Session, *, token: str) -> ApiToken | None:
    """The token's record if it exists, is not revoked or expired and its user is active.

    A browser token (``ephemeral:…``) is active only while the token that minted it is: revoking
    the CMS's token ends its browser tokens too. One without an issuer id (minted before issuer ids
    were recorded) is refused; those lived minutes, and the widget fetches a new one.
    """
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if not _usable(record):
        return None
    assert record is not None
    if record.name.startswith(EPHEMERAL_PREFIX):
        issuer_id = ephemeral_issuer_id(record.name)
        issuer = session.get(ApiToken, issuer_id) if issuer_id is not None else None
        if issuer is None or issuer.user_id != record.user_id or issuer.name.startswith(EPHEMERAL_PREFIX):
            return None
        if not _usable(issuer):
            return None
    return record


def revoke_all_tokens(session: Session, *, user: User) -> int:
    """End every API token of one person (their browser tokens included): a password change,
    reset or deactivation must not leave an old login token working."""
    now = utcnow()
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)


def revoke_token(session: Session, *, prefix: str) -> int:
    records = session.scalars(select(ApiToken).where(ApiToken.prefix == prefix, ApiToken.revoked_at.is_(None))).all()
    for record in records:
        record.revoked_at = utcnow()
    return len(records)
