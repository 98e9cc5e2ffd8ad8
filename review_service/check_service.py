"""Bridges HTTP/CLI inputs to the pure check engine, which is built once per process."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session

from checks import CheckEngine, DraftInput, Metadata
from checks.finding import Finding
from checks.pipeline import CheckResult
from review_service import check_pool, engines, org_dictionary
from review_service.clock import today_beijing
from review_service.config import Settings, get_settings
from review_service.org_dictionary import Overlay
from review_service.schemas import CheckRequest

log = logging.getLogger(__name__)
PII_PREFIX = "pii."
_warmup: threading.Thread | None = None
_warmup_lock = threading.Lock()


def engine_key(overlay: Overlay | None) -> engines.EngineKey:
    """Which engine checks for ``overlay``: the dictionary version and this process's name mask style."""
    mask_style = get_settings().mask_style  # the process's environment, as in every other process
    if overlay is None or overlay.version == "empty":
        return engines.default_key(mask_style)
    return (overlay.version, overlay.term_dir, overlay.allow_terms, mask_style)


def engine_builds() -> int:
    return engines.engine_builds()


def _warm_up() -> None:
    get_check_engine()
    log.info("check engine ready in the API process")


def start_engine_warmup() -> threading.Thread:
    """Build the default engine in the background while the server migrates and starts (cold start)."""
    global _warmup
    with _warmup_lock:
        if _warmup is None:
            _warmup = threading.Thread(target=_warm_up, name="engine-warmup", daemon=True)
            _warmup.start()
        return _warmup


def get_check_engine(overlay: Overlay | None = None) -> CheckEngine:
    """One engine per process and per version of the organisation's dictionary entries."""
    return engines.engine_for(engine_key(overlay))


def current_overlay(session: Session, settings: Settings) -> Overlay:
    """The organisation's dictionary as of this transaction: every check applies it (API, web, CLI, workers)."""
    return org_dictionary.overlay(session, settings.data_dir)


def draft_from_request(request: CheckRequest) -> DraftInput:
    metadata = Metadata(**request.metadata.model_dump()) if request.metadata else Metadata()
    return DraftInput(
        body=request.text,
        title=request.title,
        summary=request.summary,
        is_html=request.format == "html",
        channel=request.channel,
        doc_type=request.doc_type,
        doc_date=request.doc_date,
        metadata=metadata,
    )


def run_check(draft: DraftInput, overlay: Overlay | None = None, *, wait: bool = True) -> CheckResult:
    """Check in a check process when this process has a pool and the text is long, else right here.

    While ``serve`` starts, the pool also answers short checks until this process's own engine is
    built (begun once the first such check is answered, so it never competes with the start-up).
    ``wait=False`` (interactive requests) refuses with ``CheckBusy`` when the pool is full; a draft
    check (already stored) waits for a slot. The draft is dated here, by the service's clock, before it
    goes anywhere: engines (here or in a check process) never read a clock for a dated draft.
    """
    draft = draft if draft.doc_date else draft.dated(today_beijing)
    pool = check_pool.installed()
    key = engine_key(overlay)
    starting = not engines.ready(engine_key(None))  # serve: this process's own engine is not built yet
    if pool is not None and (pool.wants(draft) or starting):
        try:
            return pool.check(draft, key, wait=wait)
        finally:
            if starting:  # the pool answered (or failed): build ours now, after the start-up, not during it
                start_engine_warmup()
    return engines.engine_for(key).check(draft)


def apply_replacements(text: str, findings: list[Finding]) -> str:
    """Replace each finding's span by its suggestion, right to left so offsets stay valid."""
    out = text
    last_start = len(text) + 1
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        if finding.suggestion is None or finding.end > last_start:
            continue  # overlapping spans: the later one was already replaced
        out = out[: finding.start] + finding.suggestion + out[finding.end :]
        last_start = finding.start
    return out


def mask_draft(
    draft: DraftInput, overlay: Overlay | None = None, *, wait: bool = True
) -> tuple[dict[str, str | None], list[Finding]]:
    return masked_fields(draft, run_check(draft, overlay, wait=wait))


def masked_fields(draft: DraftInput, result: CheckResult) -> tuple[dict[str, str | None], list[Finding]]:
    """The draft's fields with each personal-data finding replaced by its suggestion (the masked form)."""
    pii = [f for f in result.findings if f.category.startswith(PII_PREFIX)]
    fields: dict[str, str | None] = {"body": draft.body, "title": draft.title, "summary": draft.summary}
    masked = {
        name: apply_replacements(value, [f for f in pii if f.field == name]) if value else value
        for name, value in fields.items()
    }
    return masked, pii
