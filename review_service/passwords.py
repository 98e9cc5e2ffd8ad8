"""Password hashing with argon2id; its cost is a setting (REVIEW_PASSWORD_*), strong by default."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from review_service.config import Settings, get_settings


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher_for(settings: Settings) -> PasswordHasher:
    return _hasher(settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism)


def hash_password(password: str, settings: Settings | None = None) -> str:
    """Hash with the given settings' cost, else the process's (the CLI, the server and the login guard agree)."""
    return hasher_for(settings or get_settings()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Verify with the parameters stored in the hash itself, whatever the current cost setting is."""
    if not password_hash:
        return False
    try:
        return _hasher(1, 8, 1).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    return secrets.token_urlsafe(12)
