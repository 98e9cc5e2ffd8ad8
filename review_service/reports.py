"""审签单 (per-draft sign-off sheet) and the 台账 export for the annual disclosure report."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.clock import BEIJING, now_utc
from review_service.models import AuditEntry, CheckRun, Draft, DraftVersion, User
from review_service.stage_times import stage_stays
from review_service.web.highlight import category_label
from review_service.workflow_state import definitions, state_from_json
from workflows.engine import active_stages

SIGNOFF_CSS = """
@page { size: A4; margin: 18mm 15mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Noto Sans CJK SC", serif; margin: 2em; color: #000; }
.org { text-align: center; font-size: 20px; letter-spacing: .2em; margin: 0; }
h1 { text-align: center; font-size: 26px; letter-spacing: .5em; margin: .3em 0 .8em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin-bottom: 1em; }
th, td { border: 1px solid #000; padding: 5px 6px; font-size: 14px; vertical-align: top; word-break: break-all; }
th { background: #f2f2f2; white-space: nowrap; font-weight: bold; }
.facts th { width: 7em; }
col.time { width: 9.5em; } col.stage { width: 5em; } col.person { width: 7em; }
col.decision { width: 6.5em; } col.sign { width: 8em; } col.version { width: 3.5em; }
td.sign { height: 3.2em; }
.hash { font-family: monospace; font-size: 11px; }
.note { font-size: 12px; color: #333; }
.toolbar { text-align: right; margin-bottom: 1em; }
@media print { .toolbar { display: none; } body { margin: 0; } tr { page-break-inside: avoid; } }
"""
DECISION_LABELS = {
    "submitted": "提交审核",
    "passed": "校对通过",
    "edited": "校对修改",
    "approved": "审核通过",
    "returned": "退回",
    "withdrawn": "作者撤回",
    "waived": "豁免",
    "workflow_approved": "终审通过",
    "approvals_voided": "审核作废（内容已修改）",
    "version_saved": "保存新版本",
    "published": "已发布",
}
CHANNEL_NAMES = {"website": "政府网站", "new_media": "政务新媒体", "internal": "内部"}
STATUS_NAMES = {
    "draft": "草稿",
    "in_review": "审核中",
    "returned": "已退回",
    "approved": "已通过",
    "published": "已发布",
}
DOC_TYPE_NAMES = {
    "other": "其他",
    "normative": "规范性文件",
    "notice": "通知公告",
    "publicity": "公示公告",
    "news": "工作动态",
    "interpretation": "政策解读",
    "reply": "网络问政答复",
}


def beijing(value: dt.datetime | None) -> str:
    """Every time on the sheet is Beijing time, as on the pages."""
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name or u.username for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def signoff_rows(session: Session, draft: Draft) -> list[dict[str, Any]]:
    labels = {s.key: s.label for s in definitions()[draft.workflow].stages}
    entries = [
        e
        for e in session.scalars(select(AuditEntry).where(AuditEntry.draft_id == draft.id).order_by(AuditEntry.id))
        if e.kind in DECISION_LABELS
    ]
    names = _names(session, {e.actor_id for e in entries})
    rows = []
    for entry in entries:
        stage = entry.data.get("stage")
        rows.append(
            {
                "time": beijing(entry.at),
                "stage": labels.get(stage, stage or ""),
                "person": names.get(entry.actor_id, "") if entry.actor_id else "",
                "decision": DECISION_LABELS[entry.kind],
                "opinion": entry.data.get("comment") or "",
                "version": entry.data.get("version", ""),
            }
        )
    return rows


@dataclass(frozen=True)
class SignoffSheet:
    """What a 审签单 says, as plain text: the HTML page and the PDF renderers both draw this one view."""

    organisation: str
    title: str
    # rows of (label, value) pairs; a row with one pair spans the table's width
    facts: list[list[tuple[str, str]]]
    content_hash: str
    # (环节, 经办人, 时间, 处理, 意见): one row per stage, each with a box to sign
    stages: list[tuple[str, str, str, str, str]]
    # (类别, 豁免的问题, 环节, 豁免人, 时间, 理由)
    waivers: list[tuple[str, str, str, str, str, str]]
    # (时间, 环节, 经办人, 处理, 意见, 版本)
    record: list[tuple[str, str, str, str, str, str]]
    generated_at: str


STAGE_HEADINGS = ("环节", "经办人", "时间", "处理", "意见", "签字")
WAIVER_HEADINGS = ("类别", "豁免的问题", "环节", "豁免人", "时间", "理由")
RECORD_HEADINGS = ("时间", "环节", "经办人", "处理", "意见", "版本")


def _cell(value: object) -> str:
    return f"<td>{html.escape(str(value))}</td>"


def _stage_rows(session: Session, draft: Draft) -> list[tuple[str, str, str, str, str]]:
    """One row per stage of the workflow: who decided, when, what, their opinion (the box to sign is drawn)."""
    definition = definitions()[draft.workflow]
    state = state_from_json(draft.run_state)
    stages = active_stages(definition, state)
    decided: dict[str, list[Any]] = defaultdict(list)
    for d in state.decisions:
        if d.content_hash == state.content_hash or d.action.value == "pass":
            decided[d.stage].append(d)
    names = _names(session, {d.actor for ds in decided.values() for d in ds})
    rows = []
    for stage in stages:
        ds = decided.get(stage.key) or [None]
        for d in ds:
            person = names.get(d.actor, "") if d else ""
            if d and d.department:
                person = f"{person}（{d.department}）" if stage.key == "countersign" else person
            action = (
                {"pass": "校对通过", "edit": "校对修改", "approve": "同意"}.get(d.action.value, "") if d else "（待办）"
            )
            rows.append((stage.label, person, beijing(d.at) if d else "", action, (d.comment or "") if d else ""))
    return rows


def _waiver_rows(session: Session, draft: Draft) -> list[tuple[str, str, str, str, str, str]]:
    state = state_from_json(draft.run_state)
    version = draft.versions[-1]
    run = version.check_run
    by_key = {}
    for f in run.findings if run else []:
        key = f"{f['field']}:{f['category']}:{f['start']}:{f['end']}:{f['rule']}"
        by_key[key] = f
    labels = {s.key: s.label for s in definitions()[draft.workflow].stages}
    names = _names(session, {w.actor for w in state.waivers})
    rows = []
    for w in state.waivers:
        if w.content_hash != version.content_hash:
            continue
        finding = by_key.get(w.finding_key, {})
        source = getattr(version, finding.get("field", ""), None) if finding.get("field") in ("title", "body") else None
        quote = source[finding["start"] : finding["end"]] if isinstance(source, str) and finding else ""
        what = finding.get("message", w.category) + (f"（原文：“{quote}”）" if quote else "")
        rows.append(
            (
                category_label(w.category),
                what,
                labels.get(w.stage, w.stage),
                names.get(w.actor, ""),
                beijing(w.at),
                w.reason,
            )
        )
    return rows


def signoff_sheet(session: Session, draft: Draft, *, organisation: str | None = None) -> SignoffSheet:
    """Gather the 审签单 once: header, facts, one row per stage, waivers naming the finding, the record."""
    version = draft.versions[-1]
    definition = definitions()[draft.workflow]
    author = draft.author
    department = author.department.name if author.department else ""
    facts = [
        [("稿件编号", str(draft.id)), ("发布渠道", CHANNEL_NAMES.get(draft.channel, ""))],
        [("标题", version.title)],
        [("文档类型", DOC_TYPE_NAMES.get(draft.doc_type, "")), ("审核流程", definition.label)],
        [("撰稿人", author.display_name or author.username), ("起草部门", department)],
        [
            ("状态", STATUS_NAMES.get(draft.status, "")),
            ("当前版本", f"第 {version.number} 版（{beijing(version.created_at)}）"),
        ],
    ]
    if draft.published_at:
        facts.append([("发布时间", beijing(draft.published_at))])
    record = [
        (r["time"], r["stage"], r["person"], r["decision"], r["opinion"], str(r["version"]))
        for r in signoff_rows(session, draft)
    ]
    return SignoffSheet(
        organisation=organisation or department or "",
        title=version.title,
        facts=facts,
        content_hash=version.content_hash,
        stages=_stage_rows(session, draft),
        waivers=_waiver_rows(session, draft),
        record=record,
        generated_at=beijing(now_utc()),
    )


def _fact_row(row: list[tuple[str, str]]) -> str:
    if len(row) == 1:
        label, value = row[0]
        return f'<tr><th>{label}</th><td colspan="3">{html.escape(value)}</td></tr>'
    return "<tr>" + "".join(f"<th>{label}</th>{_cell(value)}" for label, value in row) + "</tr>"


def _headings(labels: tuple[str, ...]) -> str:
    return "<thead><tr>" + "".join(f"<th>{label}</th>" for label in labels) + "</tr></thead>"


def signoff_html(
    session: Session, draft: Draft, *, organisation: str | None = None, pdf_href: str | None = None
) -> str:
    """A sheet an office files: header, facts, one row per stage with a signature box, waivers, the record."""
    return render_signoff_html(signoff_sheet(session, draft, organisation=organisation), pdf_href=pdf_href)


def render_signoff_html(sheet: SignoffSheet, *, pdf_href: str | None = None) -> str:
    title = html.escape(sheet.title)
    org = html.escape(sheet.organisation)
    head = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>审签单 — {title}</title>'
        f"<style>{SIGNOFF_CSS}</style></head><body>"
        '<div class="toolbar">'
        + (f'<a href="{html.escape(pdf_href)}" download>下载 PDF</a>　或' if pdf_href else "")
        + "使用浏览器的“打印”（Ctrl+P）打印或另存为 PDF。</div>"
        + (f'<p class="org">{org}</p>' if org else "")
        + "<h1>稿件审签单</h1>"
    )
    facts = (
        '<table class="facts"><tbody>'
        + "".join(_fact_row(row) for row in sheet.facts)
        + f'<tr><th>内容哈希</th><td colspan="3" class="hash">{html.escape(sheet.content_hash)}</td></tr>'
        "</tbody></table>"
    )
    stage_cells = "".join("<tr>" + "".join(map(_cell, row)) + '<td class="sign"></td></tr>' for row in sheet.stages)
    stages = (
        '<h2>审核签署</h2><table><colgroup><col class="stage"><col class="person"><col class="time">'
        '<col class="decision"><col><col class="sign"></colgroup>'
        f"{_headings(STAGE_HEADINGS)}<tbody>{stage_cells}</tbody></table>"
    )
    waivers = "".join("<tr>" + "".join(map(_cell, row)) + "</tr>" for row in sheet.waivers)
    waiver_table = (
        '<h2>问题豁免</h2><table><colgroup><col class="stage"><col><col class="stage"><col class="person">'
        f'<col class="time"><col></colgroup>{_headings(WAIVER_HEADINGS)}<tbody>{waivers}</tbody></table>'
        if waivers
        else '<p class="note">无问题豁免。</p>'
    )
    cells = "".join("<tr>" + "".join(map(_cell, row)) + "</tr>" for row in sheet.record)
    record = (
        '<h2>流转记录</h2><table><colgroup><col class="time"><col class="stage"><col class="person">'
        f'<col class="decision"><col><col class="version"></colgroup>{_headings(RECORD_HEADINGS)}'
        f"<tbody>{cells}</tbody></table>"
    )
    foot = f'<p class="note">时间均为北京时间。本单生成于 {sheet.generated_at}。</p></body></html>'
    return head + facts + stages + waiver_table + record + foot


def ledger_csv(session: Session, *, start: dt.date, end: dt.date) -> str:
    """Counts for the 政府信息公开工作年度报告 in [start, end]: drafts, findings, returns, time per stage."""
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    entries = [e for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id)) if lo <= e.at < hi]
    kinds = Counter(e.kind for e in entries)
    findings: Counter[str] = Counter()
    for run, version in session.execute(select(CheckRun, DraftVersion).join(DraftVersion)):
        created = version.created_at
        if lo <= created < hi:
            findings.update(f["category"] for f in run.findings)
    durations: dict[str, list[float]] = defaultdict(list)
    for stay in stage_stays(entries):
        durations[stay.stage].append(stay.hours)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["指标", "项目", "数值"])
    writer.writerow(["统计区间", "起止", f"{start.isoformat()}至{end.isoformat()}"])
    for kind, label in (
        ("draft_created", "新建稿件"),
        ("submitted", "提交审核次数"),
        ("returned", "退回次数"),
        ("workflow_approved", "终审通过"),
        ("waived", "问题豁免"),
        ("gate_allow", "发布闸门放行"),
        ("gate_refuse", "发布闸门拦截"),
    ):
        writer.writerow(["流转", label, kinds.get(kind, 0)])
    for category, count in sorted(findings.items()):
        writer.writerow(["发现问题", category, count])
    for stage, hours in sorted(durations.items()):
        writer.writerow(["平均处理时长（小时）", stage, round(sum(hours) / len(hours), 2)])
    return out.getvalue()
