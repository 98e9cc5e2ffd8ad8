"""Password checks with lock-out, shared by the web login and the API login.

Repeated wrong passwords lock the account for a while instead of letting a guesser try forever;
the counter resets on success. The lock-out is per account, so the message never reveals whether
a username exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service import audit
from review_service.models import User, utcnow
from review_service.passwords import verify_password


@dataclass(frozen=True)
class LoginRefused(Exception):
    code: str
    message_zh: str
    message_en: str
    status: int = 401


WRONG = LoginRefused("wrong_credentials", "用户名或密码错误", "Wrong username or password")


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def locked_for(user: User, now: dt.datetime) -> dt.timedelta | None:
    until = _aware(user.locked_until)
    return until - now if until is not None and until > now else None


def authenticate(
    session: Session, *, username: str, password: str, max_failures: int = 5, lockout: dt.timedelta
) -> User:
    """The user whose password this is, or LoginRefused; failures are counted and committed by the caller."""
    # Row lock (PostgreSQL): parallel guesses queue up, so none of their failures is lost.
    user = session.scalar(select(User).where(User.username == username).with_for_update())
    now = utcnow()
    if user is None or not user.is_active:
        raise WRONG
    remaining = locked_for(user, now)
    if remaining is not None:
        minutes = max(1, int(remaining.total_seconds() // 60) + 1)
        raise LoginRefused(
            "account_locked",
            f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员",
            f"Too many wrong passwords; the account is locked for {minutes} more minute(s)",
            423,
        )
    if not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
            audit.append(session, kind="account_locked", actor_id=user.id, data={})
        raise WRONG
    user.failed_logins = 0
    user.locked_until = None
    return user
