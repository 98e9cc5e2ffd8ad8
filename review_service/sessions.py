"""Browser logins: an opaque cookie secret whose SHA-256 names a WebSession row.

Storing sessions server-side (instead of a signed cookie) lets logout, lock-out and password
changes end a login at once. Each session carries its own CSRF token for every form.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from review_service.models import User, WebSession, utcnow
from review_service.tokens import hash_token

COOKIE = "rs_session"


def start_session(session: Session, *, user: User, hours: int) -> tuple[str, WebSession]:
    secret = secrets.token_urlsafe(32)
    record = WebSession(
        token_hash=hash_token(secret),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        expires_at=utcnow() + dt.timedelta(hours=hours),
    )
    session.add(record)
    session.flush()
    return secret, record


def find_session(session: Session, *, secret: str | None) -> WebSession | None:
    if not secret or len(secret) > 200:
        return None
    record = session.query(WebSession).filter(WebSession.token_hash == hash_token(secret)).one_or_none()
    if record is None or record.revoked_at is not None or record.expires_at <= utcnow():
        return None
    if not record.user.is_active:
        return None
    return record


def end_session(session: Session, *, record: WebSession) -> None:
    record.revoked_at = utcnow()


def end_all_sessions(session: Session, *, user: User, keep: WebSession | None = None) -> None:
    """After a password change or deactivation every other browser must log in again."""
    query = update(WebSession).where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(WebSession.id != keep.id)
    session.execute(query.values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def csrf_ok(record: WebSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(record.csrf_token, submitted or "")


def purge_expired(session: Session, *, user: User) -> None:
    """Ended and expired logins are kept a day for the record, then dropped."""
    cutoff = utcnow() - dt.timedelta(days=1)
    session.execute(
        delete(WebSession).where(
            WebSession.user_id == user.id, or_(WebSession.expires_at < cutoff, WebSession.revoked_at < cutoff)
        )
    )
