"""Bridges HTTP/CLI inputs to the pure check engine, which is built once per process."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.orm import Session

from checks import CheckEngine, DraftInput, EngineConfig, Metadata, build_engine
from checks.finding import Finding
from checks.pipeline import CheckResult
from review_service import org_dictionary
from review_service.config import get_settings
from review_service.org_dictionary import Overlay
from review_service.schemas import CheckRequest

PII_PREFIX = "pii."
KEPT_ENGINES = 4

_engines: dict[tuple[str, Path | None, tuple[str, ...], str], CheckEngine] = {}
_build_lock = threading.Lock()  # one build at a time: concurrent first requests wait for it, not build twice
_builds = 0


def _engine_for(version: str, term_dir: Path | None, allow_terms: tuple[str, ...]) -> CheckEngine:
    global _builds
    mask_style = get_settings().mask_style  # the process's environment, as in every other process
    key = (version, term_dir, allow_terms, mask_style)
    engine = _engines.get(key)
    if engine is not None:
        return engine
    with _build_lock:
        engine = _engines.get(key)
        if engine is None:
            config = EngineConfig(
                term_list_dirs=(term_dir,) if term_dir else (),
                allow_terms=allow_terms,
                cache_dir=get_settings().build_cache_dir,
                name_mask_style=mask_style,
            )
            engine = build_engine(config)
            _builds += 1
            _engines[key] = engine
            while len(_engines) > KEPT_ENGINES:
                del _engines[next(iter(_engines))]  # the oldest dictionary version
    return engine


def engine_builds() -> int:
    """How many engines this process has built (one per dictionary version): shows models load once."""
    return _builds


def start_engine_warmup() -> threading.Thread:
    """Build the default engine in the background while the server migrates and starts (cold start)."""
    thread = threading.Thread(target=get_check_engine, name="engine-warmup", daemon=True)
    thread.start()
    return thread


def get_check_engine(overlay: Overlay | None = None) -> CheckEngine:
    """One engine per process and per version of the organisation's dictionary entries."""
    if overlay is None or overlay.version == "empty":
        return _engine_for("empty", None, ())
    return _engine_for(overlay.version, overlay.term_dir, overlay.allow_terms)


def current_overlay(session: Session) -> Overlay | None:
    data_dir = session.info.get("data_dir")
    return org_dictionary.overlay(session, data_dir) if data_dir is not None else None


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


def run_check(draft: DraftInput, overlay: Overlay | None = None) -> CheckResult:
    return get_check_engine(overlay).check(draft)


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


def mask_draft(draft: DraftInput, overlay: Overlay | None = None) -> tuple[dict[str, str | None], list[Finding]]:
    result = run_check(draft, overlay)
    pii = [f for f in result.findings if f.category.startswith(PII_PREFIX)]
    fields: dict[str, str | None] = {"body": draft.body, "title": draft.title, "summary": draft.summary}
    masked = {
        name: apply_replacements(value, [f for f in pii if f.field == name]) if value else value
        for name, value in fields.items()
    }
    return masked, pii
