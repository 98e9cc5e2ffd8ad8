"""Outside 会签 through a single-use link: who may create one, what the signer sees, signing.

The link itself (HMAC, expiry, single use) is ``review_service.countersign``'s; its refusals are
``LinkError``s, the links' ``DomainError``s.
"""

from __future__ import annotations

from dataclasses import dataclass

from review_service import countersign as links
from review_service.models import CountersignLink, Draft, DraftVersion, User
from review_service.permissions import Action, may
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError, workflow_refusals
from workflows.engine import Outcome


def create_link(ctx: ServiceContext, *, actor: User, draft: Draft, department: str, hours: int) -> str:
    """A link for one department asked to countersign the draft; never for the draft's own author."""
    if not may(actor, Action.ISSUE_COUNTERSIGN_LINK) or actor.id == draft.author_id:
        # The link is a bearer credential: the author must never hold one for their own draft.
        raise DomainError(
            403, "forbidden", "只有管理员（非作者）可以生成外单位会签链接", "Only an admin who is not the author"
        )
    return links.create_link(
        ctx.session, data_dir=ctx.settings.data_dir, draft=draft, department=department, creator=actor, hours=hours
    )


@dataclass(frozen=True)
class LinkView:
    link: CountersignLink
    draft: Draft
    version: DraftVersion  # the current version: what the signer reads and signs


def open_link(ctx: ServiceContext, *, token: str) -> LinkView:
    link = links.open_link(ctx.session, data_dir=ctx.settings.data_dir, token=token)
    draft = ctx.session.get(Draft, link.draft_id)
    assert draft is not None
    return LinkView(link, draft, draft.versions[-1])


def sign(
    ctx: ServiceContext,
    *,
    token: str,
    approve: bool,
    content_hash: str,
    signer_name: str,
    comment: str | None,
) -> Outcome:
    """Approve or return for the link's department; the content must be what the signer viewed."""
    with workflow_refusals():
        return links.sign_with_link(
            ctx,
            token=token,
            approve=approve,
            content_hash=content_hash,
            signer_name=signer_name,
            comment=comment,
        )
