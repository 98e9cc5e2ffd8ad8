"""Check an attachment: read it, check its text in line-aligned chunks, put each finding in its place."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from checks.attachments.detect import TYPE_LABELS
from checks.attachments.extracted import Extracted
from checks.attachments.limits import AttachmentLimits
from checks.attachments.name_columns import CATEGORY as NAME_CATEGORY
from checks.attachments.name_columns import blank, name_cells, name_findings
from checks.attachments.number_cells import blank_cells, number_cells
from checks.attachments.read import read_attachment
from checks.attachments.rows import check_rows
from checks.attachments.spreadsheet import HIDDEN_LABELS
from checks.document import Channel, DocType, DraftInput
from checks.engine import CheckEngine
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.pii.cells import CellChecker
from checks.pii.check import PiiCheck
from checks.pii.purpose import OPENING, Purpose, purpose_of

FIELD = "attachment"
UNSUPPORTED = "attachment.unsupported"
# Spreadsheets are data: personal data and secrets matter, wording does not.
TABLE_CATEGORIES = ("pii", "secret")
DOCUMENT_CATEGORIES = ("pii", "secret", "term", "typo")
TABLE_KINDS = frozenset({"xlsx", "xls", "csv"})


@dataclass(frozen=True, slots=True)
class LocatedFinding:
    finding: Finding
    location: dict[str, Any]


@dataclass(slots=True)
class AttachmentReport:
    name: str
    kind: str
    text: str
    pages: int | None
    sheets: list[str] | None
    findings: list[LocatedFinding] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def file_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"name": self.name, "type": self.kind}
        if self.sheets is not None:
            info["sheets"] = self.sheets
        if self.pages is not None:
            info["pages"] = self.pages
        return info


def check_attachment(
    engine: CheckEngine,
    data: bytes,
    name: str,
    *,
    channel: Channel = Channel.WEBSITE,
    doc_type: DocType = DocType.OTHER,
    doc_date: dt.date | None = None,
    limits: AttachmentLimits | None = None,
) -> AttachmentReport:
    """Raise AttachmentError for files that cannot be read; unsupported types give one finding."""
    started = time.perf_counter()
    limits = limits or AttachmentLimits()
    extracted, hidden = read_attachment(data, name, limits)
    report = AttachmentReport(name, extracted.kind, extracted.text, extracted.pages, extracted.sheets)
    if extracted.kind not in TYPE_LABELS or extracted.kind in ("doc", "wps", "ofd", "zip", "unknown"):
        report.findings.append(LocatedFinding(unsupported_finding(extracted.kind), {"file": name}))
    else:
        draft = DraftInput(body="", channel=channel, doc_type=doc_type, doc_date=doc_date)
        report.findings.extend(located_findings(engine, extracted, draft, name, limits.chunk_chars))
        report.findings.extend(LocatedFinding(f.with_changes(field=FIELD), {"file": name}) for f in hidden)
    report.elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return report


def unsupported_finding(kind: str) -> Finding:
    label = TYPE_LABELS.get(kind, TYPE_LABELS["unknown"])
    return Hit(
        start=0,
        end=0,
        severity=Severity.WARN,
        message=(
            f"附件类型为{label}，本服务无法检查其内容，请转换为 .docx、.xlsx、.pdf 等格式后重新检查，或人工逐页核对。"
        ),
        suggestion=None,
        rule=f"{UNSUPPORTED}:{kind}",
        explanation="按文件内容识别类型，而非按扩展名",
    ).in_field(FIELD, UNSUPPORTED)


def located_findings(
    engine: CheckEngine,
    extracted: Extracted,
    draft: DraftInput,
    name: str,
    chunk_chars: int,
    *,
    by_cell: bool = True,
) -> list[LocatedFinding]:
    """Every finding of the file's text with its place; spreadsheets are read by their structure.

    In a spreadsheet, name columns are read structurally and (``by_cell``) cells holding only a
    number are checked cell by cell (checks.pii.cells); the text checks see both blanked. With
    ``by_cell`` off, number cells go through the text checks (kept to test that both agree).
    """
    if extracted.kind not in TABLE_KINDS:
        return check_text(engine, extracted, draft, DOCUMENT_CATEGORIES, chunk_chars)
    pii = next((c for c in engine.registry.select(categories=["pii"]) if isinstance(c, PiiCheck)), None)
    if pii is None:
        return check_text(engine, extracted, draft, TABLE_CATEGORIES, chunk_chars)
    cells = name_cells(extracted, pii.surnames)
    found: list[LocatedFinding] = []
    if purpose_of(name, extracted.text[:OPENING]) is not Purpose.PUBLIC:
        severity = engine.policy.severity_for(draft.channel, NAME_CATEGORY) or Severity.WARN
        for finding in name_findings(extracted, cells, pii.kinds["CN_PERSON_NAME"].mask, severity):
            found.append(_located(extracted, finding))
    text = blank(extracted.text, cells)
    if by_cell:
        numbers = number_cells(extracted, text)
        for finding in engine.policy.apply(draft.channel, CellChecker(pii).findings(text, numbers)):
            found.append(_located(extracted, finding.with_changes(field=FIELD)))
        text = blank_cells(text, numbers)
        for finding in check_rows(engine, extracted, text, draft, TABLE_CATEGORIES, chunk_chars):
            found.append(_located(extracted, finding.with_changes(field=FIELD)))
    else:
        found.extend(check_text(engine, extracted, draft, TABLE_CATEGORIES, chunk_chars, text=text))
    return sorted(found, key=lambda located: located.finding.start)


def _located(extracted: Extracted, finding: Finding) -> LocatedFinding:
    location = dict(extracted.location_at(finding.start) or {})
    return LocatedFinding(_say_hidden(finding, location), location)


def check_text(
    engine: CheckEngine,
    extracted: Extracted,
    draft: DraftInput,
    categories: tuple[str, ...],
    chunk_chars: int,
    *,
    text: str | None = None,
) -> list[LocatedFinding]:
    text = extracted.text if text is None else text
    found: list[LocatedFinding] = []
    for first, last, header in extracted.chunks(chunk_chars):
        start, end = extracted.line_span(first, last)
        prefix = ""
        if header is not None:
            header_start, header_end = extracted.line_span(header, header + 1)
            prefix = text[header_start:header_end]  # the header row names the columns of this chunk too
        body = prefix + text[start:end]
        if not body.strip():
            continue
        chunk = DraftInput(body=body, channel=draft.channel, doc_type=draft.doc_type, doc_date=draft.doc_date)
        for finding in engine.check(chunk, categories=categories).findings:
            if finding.field != "body" or finding.start < len(prefix):
                continue
            shift = start - len(prefix)
            moved = finding.with_changes(start=finding.start + shift, end=finding.end + shift, field=FIELD)
            location = dict(extracted.location_at(moved.start) or {})
            found.append(LocatedFinding(_say_hidden(moved, location), location))
    return found


def _say_hidden(finding: Finding, location: dict[str, Any]) -> Finding:
    hidden = location.get("hidden")
    if not hidden:
        return finding
    label = HIDDEN_LABELS.get(hidden, "隐藏内容")
    return finding.with_changes(
        message=f"{finding.message}（位于{label}，打开文件的人取消隐藏即可看到）",
        reason=f"内容位于{label}",
    )
