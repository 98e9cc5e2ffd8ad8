"""API tokens issued by an administrator (web admin) or minted by a CMS for a browser (widget).

Which account may hold which scope is decided in ``review_service.tokens`` where tokens are issued;
this module adds who may ask, the form's rules (lifetime, owner) and the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from review_service import audit
from review_service.models import ApiToken, User, utcnow
from review_service.permissions import Action, require
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from review_service.tokens import (
    SCOPES,
    IssuedToken,
    admin_token_refusal,
    ensure_service_account,
    issue_admin_token,
    issue_ephemeral_token,
    issue_token,
    require_minter,
)

MAX_TOKEN_DAYS = 3650
LIST_LIMIT = 500
MAX_ID = 2**31


def _admin(actor: User) -> None:
    require(actor, Action.MANAGE_PEOPLE, "仅管理员可以管理 API 令牌", "Only admins manage API tokens")


@dataclass(frozen=True)
class TokensView:
    tokens: list[ApiToken]
    users: list[User]  # active accounts a token can be issued for
    scopes: tuple[str, ...]
    now: dt.datetime


def tokens(ctx: ServiceContext, *, actor: User) -> TokensView:
    _admin(actor)
    session = ctx.session
    return TokensView(
        tokens=list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc()).limit(LIST_LIMIT))),
        users=list(session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username))),
        scopes=SCOPES,
        now=utcnow(),
    )


def issue(
    ctx: ServiceContext, *, actor: User, username: str, name: str, scopes: list[str], days: int | None
) -> tuple[User, IssuedToken]:
    """A token for an active account; every problem with the request is named at once.

    ``days`` is None when the form's lifetime was not a whole number from 1 to ``MAX_TOKEN_DAYS``.
    Refusals are ``invalid_token_request`` with the problems (Chinese sentences) as details.
    """
    _admin(actor)
    scopes = [s for s in scopes if s in SCOPES]
    owner = ctx.session.scalar(select(User).where(User.username == username))
    problems: list[tuple[str, str]] = []
    if owner is None or not owner.is_active:
        problems.append(("请选择一个有效的用户。", "choose an active account"))
    if not scopes:
        problems.append(("至少选择一项权限。", "choose at least one scope"))
    if days is None:
        problems.append((f"有效期须为 1 到 {MAX_TOKEN_DAYS} 天。", f"the lifetime is 1 to {MAX_TOKEN_DAYS} days"))
    refusal = admin_token_refusal(owner, scopes) if owner is not None else None
    if refusal is not None:
        problems.append((refusal.message_zh, refusal.message_en))
    if problems or owner is None or days is None:
        raise DomainError(
            422,
            "invalid_token_request",
            "".join(zh for zh, _ in problems),
            "; ".join(en for _, en in problems),
            details=[zh for zh, _ in problems],
        )
    issued = issue_admin_token(ctx.session, owner=owner, name=name or "web", scopes=scopes, ttl=dt.timedelta(days=days))
    audit.append(
        ctx.session, kind="token_created", actor_id=actor.id,
        data={"token": issued.record.prefix, "user": owner.id, "scopes": scopes},
    )  # fmt: skip
    return owner, issued


def issue_from_command_line(ctx: ServiceContext, *, name: str, scopes: list[str], days: int) -> IssuedToken:
    """``review-service token create NAME``: a token for account NAME, a new ``cms`` service account if none.

    The operator holds the server itself, so unlike the web admin they may give a person ``drafts``;
    ``publish`` stays with service accounts (``PublishScopeRefused``, a domain error).
    """
    owner = ensure_service_account(ctx.session, username=name)
    issued = issue_token(ctx.session, user=owner, name=name, scopes=scopes, ttl=dt.timedelta(days=days))
    audit.append(
        ctx.session, kind="token_created", actor_id=None,
        data={"token": issued.record.prefix, "user": owner.id, "scopes": sorted(set(scopes)), "via": "cli"},
    )  # fmt: skip
    return issued


def revoke(ctx: ServiceContext, *, actor: User, token_id: int) -> ApiToken:
    _admin(actor)
    record = ctx.session.get(ApiToken, token_id) if 0 < token_id < MAX_ID else None
    if record is None or record.revoked_at is not None:
        raise DomainError(404, "token_not_found", "令牌不存在或已吊销", "Token not found or already revoked")
    record.revoked_at = utcnow()
    audit.append(ctx.session, kind="token_revoked", actor_id=actor.id, data={"token": record.prefix})
    return record


def mint_for_browser(ctx: ServiceContext, *, issuer: ApiToken, subject: str, ttl_seconds: int | None) -> IssuedToken:
    """A short-lived check-only token for one end user of the CMS whose service token asks."""
    require_minter(issuer)
    subject = subject.strip()
    if not subject or not subject.isprintable():
        raise DomainError(422, "invalid_user", "用户名须为可打印字符", "The user name must be printable text")
    limit = ctx.settings.ephemeral_token_seconds
    seconds = min(ttl_seconds or limit, limit)
    return issue_ephemeral_token(ctx.session, issuer=issuer, subject=subject, ttl=dt.timedelta(seconds=seconds))
