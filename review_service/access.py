"""Ending a person's access everywhere at once: web logins and API tokens.

A password change, a reset by an administrator and a deactivation all mean "whoever held the old
credentials must log in again"; one function so no caller forgets the API tokens.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from review_service.models import User, WebSession
from review_service.sessions import end_all_sessions
from review_service.tokens import revoke_all_tokens


def end_all_access(session: Session, *, user: User, keep: WebSession | None = None) -> int:
    """Revoke every API token and every web login of ``user`` except ``keep`` (the browser that
    changed the password); returns how many API tokens were revoked."""
    end_all_sessions(session, user=user, keep=keep)
    return revoke_all_tokens(session, user=user)
