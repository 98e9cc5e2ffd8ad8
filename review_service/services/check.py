"""Checking text for the service: which engine checks, and the one place a result is finished.

The API's check routes get a ``Checker`` injected (``api.deps.CheckerDep``; a test overrides it with
``app.dependency_overrides``); the CLI uses the same process checker. Engines stay process-wide
(``review_service.engines`` builds each once per dictionary version) behind the checker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from checks import CheckEngine, DraftInput
from checks.finding import Finding
from checks.pipeline import CheckResult, finish
from review_service import check_service
from review_service.clock import today_beijing
from review_service.org_dictionary import Overlay


class Checker(Protocol):
    def check(self, draft: DraftInput, overlay: Overlay | None, *, wait: bool = True) -> CheckResult:
        """Check a draft with the organisation's dictionary ``overlay`` (None: none)."""
        ...

    def engine(self, overlay: Overlay | None) -> CheckEngine:
        """The engine for ``overlay``: its severity policy finishes findings found outside the text."""
        ...


class ProcessChecker:
    """This process's engines, built once per dictionary version, and its check pool for long texts."""

    def check(self, draft: DraftInput, overlay: Overlay | None, *, wait: bool = True) -> CheckResult:
        return check_service.run_check(draft, overlay, wait=wait)

    def engine(self, overlay: Overlay | None) -> CheckEngine:
        return check_service.get_check_engine(overlay)


PROCESS_CHECKER = ProcessChecker()


@dataclass(frozen=True)
class EngineChecker:
    """Every check on one given engine, in the calling thread, whatever the dictionary (a test's engine)."""

    checks_with: CheckEngine

    def check(self, draft: DraftInput, overlay: Overlay | None, *, wait: bool = True) -> CheckResult:
        return self.checks_with.check(draft if draft.doc_date else draft.dated(today_beijing))

    def engine(self, overlay: Overlay | None) -> CheckEngine:
        return self.checks_with


def check_with_hidden(
    checker: Checker,
    draft: DraftInput,
    overlay: Overlay | None,
    hidden: Sequence[Finding] = (),
    *,
    wait: bool = True,
) -> CheckResult:
    """Check a draft's text and merge findings found outside it (a .docx's hidden content) into one result.

    The API's /check/docx and ``review-service check`` both answer through this, so a file gets the
    same findings, verdict and dictionary whichever door it comes in by. Blank text is not checked.
    """
    result = checker.check(draft, overlay, wait=wait) if draft.body.strip() else None
    if result is not None and not hidden:
        return result
    checked = result.findings if result is not None else ()
    characters = sum(len(v) for v in (draft.body, draft.title, draft.summary) if v) if result is not None else 0
    merged = finish([*checked, *hidden], checker.engine(overlay).policy, draft.channel, characters)
    stats = {**(result.stats if result is not None else {}), **merged.stats}
    return CheckResult(merged.findings, merged.verdict, stats)


def masked_draft(
    checker: Checker, draft: DraftInput, overlay: Overlay | None, *, wait: bool = True
) -> tuple[dict[str, str | None], list[Finding]]:
    """The draft's fields with personal data replaced by its masked form, and the findings masked."""
    return check_service.masked_fields(draft, checker.check(draft, overlay, wait=wait))
