"""Outside 会签 through a single-use signed link that expires and shows only its draft.

The link carries ``<nonce>.<hmac>``; the nonce names a stored link row (draft, department,
expiry, used?), the HMAC (key in REVIEW_DATA_DIR) makes guessing nonces useless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service import drafts as service
from review_service.models import CountersignLink, Draft, User, utcnow
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from workflows.definition import Action
from workflows.engine import Outcome
from workflows.state import Actor

STATUS = {
    "link_invalid": 404,
    "link_used": 410,
    "link_expired": 410,
    "not_a_countersign_department": 422,
    "content_changed": 409,
}


class LinkError(DomainError, ValueError):
    """Why a countersign link cannot be made, opened or signed with."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(STATUS.get(code, 403), code, zh, en)
        self.zh, self.en = zh, en


def _secret(data_dir: Path) -> bytes:
    path = data_dir / "keys" / "link-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()


def _mac(data_dir: Path, nonce: str) -> str:
    return hmac.new(_secret(data_dir), nonce.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def create_link(session: Session, *, data_dir: Path, draft: Draft, department: str, creator: User, hours: int) -> str:
    if department not in service.state_from_json(draft.run_state).countersign_departments:
        raise LinkError(
            "not_a_countersign_department", "该部门不在本稿件的会签部门中", "Department is not asked to sign"
        )
    nonce = secrets.token_urlsafe(24)
    session.add(
        CountersignLink(
            nonce=nonce,
            draft_id=draft.id,
            department=department,
            created_by=creator.id,
            expires_at=utcnow() + dt.timedelta(hours=hours),
        )
    )
    session.flush()
    return f"{nonce}.{_mac(data_dir, nonce)}"


def open_link(session: Session, *, data_dir: Path, token: str) -> CountersignLink:
    nonce, _, mac = token.partition(".")
    if not nonce or not token.isascii() or not hmac.compare_digest(mac, _mac(data_dir, nonce)):
        raise LinkError("link_invalid", "会签链接无效", "Invalid countersign link")
    link = session.scalar(select(CountersignLink).where(CountersignLink.nonce == nonce))
    if link is None:
        raise LinkError("link_invalid", "会签链接无效", "Invalid countersign link")
    if link.used_at is not None:
        raise LinkError("link_used", "会签链接已使用", "This countersign link was already used")
    expires = link.expires_at
    if expires <= utcnow():
        raise LinkError("link_expired", "会签链接已过期", "This countersign link has expired")
    return link


def sign_with_link(
    ctx: ServiceContext,
    *,
    token: str,
    approve: bool,
    signer_name: str,
    comment: str | None,
    content_hash: str,
) -> Outcome:
    session = ctx.session
    link = open_link(session, data_dir=ctx.settings.data_dir, token=token)
    draft = session.get(Draft, link.draft_id)
    assert draft is not None
    if content_hash != service.latest_version(draft).content_hash:
        raise LinkError(
            "content_changed", "稿件内容已变化，请重新打开链接查看后再签署", "The draft changed since you viewed it"
        )
    signer = User(
        username=f"ext-{link.nonce[:12]}", display_name=f"{signer_name}（{link.department}）", role="external"
    )
    session.add(signer)
    session.flush()
    outcome = service.act(
        ctx,
        draft=draft,
        user=signer,
        action=Action.APPROVE if approve else Action.RETURN,
        comment=comment,
        actor=Actor(signer.id, frozenset(), link.department, external=True),
    )
    link.used_at = utcnow()
    link.signer_id = signer.id
    return outcome
