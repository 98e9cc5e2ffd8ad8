"""People and departments: creating accounts, the first-run admin."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service.models import Department, User
from review_service.passwords import hash_password, one_time_password
from review_service.permissions import Role

ROLES = tuple(role.value for role in Role)
EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]+")


def clean_email(value: str | None) -> str | None:
    """An optional address for notification mail: blank is none; anything unlike an address is refused."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 200 or not value.isascii() or not EMAIL.fullmatch(value):
        raise ValueError(f"invalid e-mail address {value!r}")
    return value


@dataclass(frozen=True)
class NewPassword:
    """A password and its argon2 hash, made before the transaction that stores it."""

    secret: str
    digest: str
    one_time: bool


def new_password(password: str | None = None) -> NewPassword:
    """Hash ahead of the unit of work: argon2 is slow on purpose and must not hold the write lock."""
    secret = password or one_time_password()
    return NewPassword(secret, hash_password(secret), password is None)


def department_named(session: Session, *, name: str) -> Department:
    department = session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    return department


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    department: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
    spans_departments: bool = False,
    email: str | None = None,
    prepared: NewPassword | None = None,
) -> tuple[User, str]:
    """Returns the user and the password to hand over (a one-time one unless given)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ValueError(f"user {username!r} already exists")
    prepared = prepared or new_password(password)
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=prepared.digest,
        department_id=department_named(session, name=department).id if department else None,
        must_change_password=prepared.one_time,
        spans_departments=spans_departments,
        email=clean_email(email),
    )
    session.add(user)
    session.flush()
    return user, prepared.secret


def ensure_first_admin(session: Session) -> str | None:
    """Create the admin account on first run; return its one-time password (None if it exists)."""
    if session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN.value)):
        return None
    _, password = create_user(session, username="admin", role=Role.ADMIN.value, display_name="系统管理员")
    return password
