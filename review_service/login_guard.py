"""Password checks with lock-out, shared by the web login, the password page and the API login.

Repeated wrong passwords lock the typed username for a while instead of letting a guesser try
forever. The counter is kept per username whether or not such an account exists, and an unknown
name costs the same password-hash work, so neither the answer nor its timing tells which names
exist. The counter resets on success.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from review_service import audit
from review_service.models import LoginThrottle, User, utcnow
from review_service.passwords import hash_password, verify_password

MAX_USERNAME = 200
FORGET_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class LoginRefused(Exception):
    code: str
    message_zh: str
    message_en: str
    status: int = 401


WRONG = LoginRefused("wrong_credentials", "用户名或密码错误", "Wrong username or password")
_DUMMY_HASH: list[str] = []


def _throttle(session: Session, username: str) -> LoginThrottle:
    """The username's counter row, created if needed and row-locked (PostgreSQL) for this transaction."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(LoginThrottle)
        .values(username=username, failures=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["username"])
    )
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.username == username).with_for_update())
    assert row is not None
    return row


def _locked_message(remaining: dt.timedelta) -> LoginRefused:
    minutes = max(1, int(remaining.total_seconds() // 60) + 1)
    return LoginRefused(
        "account_locked",
        f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员",
        f"Too many wrong passwords; the account is locked for {minutes} more minute(s)",
        423,
    )


@dataclass(frozen=True)
class _Claim:
    """What the login claims to be, read in the first short transaction."""

    user_id: int | None
    password_hash: str | None


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not a password"))
    return _DUMMY_HASH[0]


def _password_ok(claim: _Claim, password: str) -> bool:
    if claim.user_id is None or not claim.password_hash:
        verify_password(_dummy_hash(), password)  # same work as a real check
        return False
    return verify_password(claim.password_hash, password)


def _refuse_if_locked(throttle: LoginThrottle | None, now: dt.datetime) -> None:
    until = throttle.locked_until if throttle is not None else None
    if until is not None and until > now:
        raise _locked_message(until - now)


def authenticate(
    session: Session, *, username: str, password: str, max_failures: int = 5, lockout: dt.timedelta
) -> User:
    """The user whose password this is, or LoginRefused; failures are counted and committed by the caller.

    argon2 is deliberately slow, so it runs between two short transactions and never under the
    database's write lock: (1) read the lock-out state and the stored hash, and commit; (2) verify
    the password with no transaction open; (3) count the outcome, re-checking the lock-out and
    that the hash did not change meanwhile. Commits the caller's session after step 1.
    """
    name = username.strip()[:MAX_USERNAME]
    _refuse_if_locked(session.scalar(select(LoginThrottle).where(LoginThrottle.username == name)), utcnow())
    user = session.scalar(select(User).where(User.username == name))
    claim = _Claim(user.id, user.password_hash) if user is not None and user.is_active else _Claim(None, None)
    session.commit()
    ok = _password_ok(claim, password)
    now = utcnow()
    throttle = _throttle(session, name)
    _refuse_if_locked(throttle, now)  # a concurrent guess may have locked it meanwhile
    user = session.get(User, claim.user_id, populate_existing=True) if claim.user_id is not None else None
    throttle.updated_at = now
    if not ok or user is None or not user.is_active or user.password_hash != claim.password_hash:
        throttle.failures += 1
        if throttle.failures >= max_failures:
            throttle.locked_until, throttle.failures = now + lockout, 0
            audit.append(session, kind="login_locked", actor_id=claim.user_id, data={"username": name})
        session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.updated_at < now - FORGET_AFTER,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            )
        )
        raise WRONG
    throttle.failures, throttle.locked_until = 0, None
    return user


def unlock(session: Session, *, username: str) -> bool:
    """Clear a lock-out (admin page, `review-service user unlock`); True when there was one."""
    result = session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))
    return bool(result.rowcount)


def locked_usernames(session: Session) -> set[str]:
    now = utcnow()
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.locked_until.is_not(None)))
    return {r.username for r in rows if (r.locked_until or now) > now}
