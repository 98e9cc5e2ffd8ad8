"""Request-scoped dependencies: settings, a unit of work, and the caller's API token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from review_service.config import Settings
from review_service.models import ApiToken, utcnow
from review_service.rate_limit import Limits
from review_service.services.check import PROCESS_CHECKER, Checker
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from review_service.services.unit_of_work import deliver_outbox, unit_of_work
from review_service.tokens import find_active_token, may_hold


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_context(settings: SettingsDep, background: BackgroundTasks) -> Iterator[ServiceContext]:
    """The request's unit of work: committed before the response; what it released is sent after it."""
    with unit_of_work(settings, send=False) as ctx:
        # Runs after the response, hence after the commit; a rolled-back unit released nothing.
        background.add_task(deliver_outbox, settings, ctx.outbox)
        yield ctx


ContextDep = Annotated[ServiceContext, Depends(get_context, scope="function")]  # commit before the response


def get_session(ctx: ContextDep) -> Session:
    return ctx.session


SessionDep = Annotated[Session, Depends(get_session)]
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)
_bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer rvs_…`")


def require_scope(scope: str) -> Callable[..., ApiToken]:
    def dependency(
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiToken:
        if credentials is None or not credentials.credentials:
            raise DomainError(401, "missing_token", "缺少 API 令牌", "Missing API token (Authorization: Bearer …)")
        record = find_active_token(session, token=credentials.credentials)
        if record is None:
            raise DomainError(
                401, "invalid_token", "API 令牌无效、已过期或已吊销", "API token is invalid, expired or revoked"
            )
        if scope not in record.scopes:
            raise DomainError(403, "insufficient_scope", f"该令牌没有 {scope} 权限", f"Token lacks the '{scope}' scope")
        if not may_hold(record.user, [scope]):  # issued before the rule, or its account changed role since
            raise DomainError(
                403,
                "not_a_service_account",
                "publish 权限仅限 CMS 服务账号，个人账号的令牌不能使用",
                "Only a CMS service account may use the publish scope",
            )
        now = utcnow()
        last = record.last_used_at
        if last is None or now - last > LAST_USED_RESOLUTION:
            record.last_used_at = now  # throttled: a busy CMS token must not serialize on this row
        return record

    return dependency


def get_limits(request: Request) -> Limits:
    return request.app.state.limits


LimitsDep = Annotated[Limits, Depends(get_limits)]


def _rate_limited_check_token(
    limits: LimitsDep, token: Annotated[ApiToken, Depends(require_scope("check"))]
) -> ApiToken:
    limits.check(token.id)  # REVIEW_CHECK_RATE_PER_MINUTE per token
    return token


CheckToken = Annotated[ApiToken, Depends(_rate_limited_check_token)]
DraftsToken = Annotated[ApiToken, Depends(require_scope("drafts"))]
PublishToken = Annotated[ApiToken, Depends(require_scope("publish"))]


def get_checker() -> Checker:
    """This process's checker (engines built once per process); a test overrides it with its own engine."""
    return PROCESS_CHECKER


CheckerDep = Annotated[Checker, Depends(get_checker)]
