"""审签单 (per-draft sign-off sheet) and the 台账 export for the annual disclosure report."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import AuditEntry, CheckRun, Draft, DraftVersion, User
from review_service.stage_times import stage_stays
from review_service.workflow_state import definitions

SIGNOFF_CSS = (
    'body{font-family:"SimSun","Songti SC",serif;margin:2em}table{border-collapse:collapse;width:100%}'
    "td,th{border:1px solid #333;padding:4px 6px;font-size:14px}h1{text-align:center}@media print{button{display:none}}"
)
DECISION_LABELS = {
    "submitted": "提交",
    "passed": "校对通过",
    "edited": "校对修改",
    "approved": "审核通过",
    "returned": "退回",
    "waived": "豁免",
    "workflow_approved": "终审通过",
    "approvals_voided": "审核作废（内容已修改）",
    "version_saved": "保存新版本",
}


def signoff_rows(session: Session, draft: Draft) -> list[dict[str, Any]]:
    labels = {s.key: s.label for s in definitions()[draft.workflow].stages}
    names = {u.id: u.display_name or u.username for u in session.scalars(select(User))}
    rows = []
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.draft_id == draft.id).order_by(AuditEntry.id)):
        if entry.kind not in DECISION_LABELS:
            continue
        stage = entry.data.get("stage")
        rows.append(
            {
                "time": entry.at.strftime("%Y-%m-%d %H:%M"),
                "stage": labels.get(stage, stage or ""),
                "person": names.get(entry.actor_id, str(entry.actor_id)),
                "decision": DECISION_LABELS[entry.kind],
                "opinion": entry.data.get("comment") or "",
                "version": entry.data.get("version", ""),
            }
        )
    return rows


def signoff_html(session: Session, draft: Draft) -> str:
    version = draft.versions[-1]
    rows = signoff_rows(session, draft)
    cells = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(r[k]))}</td>" for k in ("time", "stage", "person", "decision", "opinion", "version")
        )
        + "</tr>"
        for r in rows
    )
    title = html.escape(version.title)
    workflow = html.escape(definitions()[draft.workflow].label)
    head = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>审签单 — {title}</title>'
        f"<style>{SIGNOFF_CSS}</style></head><body><h1>稿件审签单</h1>"
    )
    facts = (
        f"<p>稿件编号：{draft.id}　标题：{title}</p>"
        f"<p>发布渠道：{html.escape(draft.channel)}　审核流程：{workflow}　状态：{html.escape(draft.status)}</p>"
        f"<p>当前版本：第 {version.number} 版　内容哈希：<code>{html.escape(version.content_hash)}</code></p>"
    )
    table = (
        "<table><thead><tr><th>时间</th><th>环节</th><th>经办人</th><th>处理</th><th>意见</th><th>版本</th></tr>"
        f"</thead><tbody>{cells}</tbody></table>"
    )
    return head + facts + table + '<p class="hint">打印：使用浏览器的“打印”功能（Ctrl+P）。</p></body></html>'


def ledger_csv(session: Session, *, start: dt.date, end: dt.date) -> str:
    """Counts for the 政府信息公开工作年度报告 in [start, end]: drafts, findings, returns, time per stage."""
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    entries = [
        e
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        if lo <= (e.at if e.at.tzinfo else e.at.replace(tzinfo=dt.UTC)) < hi
    ]
    kinds = Counter(e.kind for e in entries)
    findings: Counter[str] = Counter()
    for run, version in session.execute(select(CheckRun, DraftVersion).join(DraftVersion)):
        created = version.created_at if version.created_at.tzinfo else version.created_at.replace(tzinfo=dt.UTC)
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
