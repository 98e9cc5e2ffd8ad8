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


def _cell(value: object) -> str:
    return f"<td>{html.escape(str(value))}</td>"


def _stage_rows(session: Session, draft: Draft) -> str:
    """One row per stage of the workflow: who decided, when, what, their opinion, and a box to sign."""
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
            rows.append(
                "<tr>"
                + _cell(stage.label)
                + _cell(person)
                + _cell(beijing(d.at) if d else "")
                + _cell(action)
                + _cell((d.comment or "") if d else "")
                + '<td class="sign"></td></tr>'
            )
    return "".join(rows)


def _waiver_rows(session: Session, draft: Draft) -> str:
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
            "<tr>"
            + _cell(category_label(w.category))
            + _cell(what)
            + _cell(labels.get(w.stage, w.stage))
            + _cell(names.get(w.actor, ""))
            + _cell(beijing(w.at))
            + _cell(w.reason)
            + "</tr>"
        )
    return "".join(rows)


def signoff_html(
    session: Session, draft: Draft, *, organisation: str | None = None, pdf_href: str | None = None
) -> str:
    """A sheet an office files: header, facts, one row per stage with a signature box, waivers, the record."""
    version = draft.versions[-1]
    definition = definitions()[draft.workflow]
    title = html.escape(version.title)
    author = draft.author
    department = author.department.name if author.department else ""
    org = html.escape(organisation or department or "")
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
        f"<tr><th>稿件编号</th><td>{draft.id}</td><th>发布渠道</th><td>{CHANNEL_NAMES.get(draft.channel, '')}</td></tr>"
        f'<tr><th>标题</th><td colspan="3">{title}</td></tr>'
        f"<tr><th>文档类型</th><td>{DOC_TYPE_NAMES.get(draft.doc_type, '')}</td>"
        f"<th>审核流程</th><td>{html.escape(definition.label)}</td></tr>"
        f"<tr><th>撰稿人</th><td>{html.escape(author.display_name or author.username)}</td>"
        f"<th>起草部门</th><td>{html.escape(department)}</td></tr>"
        f"<tr><th>状态</th><td>{STATUS_NAMES.get(draft.status, '')}</td>"
        f"<th>当前版本</th><td>第 {version.number} 版（{beijing(version.created_at)}）</td></tr>"
        + (
            f'<tr><th>发布时间</th><td colspan="3">{beijing(draft.published_at)}</td></tr>'
            if draft.published_at
            else ""
        )
        + f'<tr><th>内容哈希</th><td colspan="3" class="hash">{html.escape(version.content_hash)}</td></tr>'
        "</tbody></table>"
    )
    stages = (
        '<h2>审核签署</h2><table><colgroup><col class="stage"><col class="person"><col class="time">'
        '<col class="decision"><col><col class="sign"></colgroup>'
        "<thead><tr><th>环节</th><th>经办人</th><th>时间</th><th>处理</th><th>意见</th><th>签字</th></tr></thead>"
        f"<tbody>{_stage_rows(session, draft)}</tbody></table>"
    )
    waivers = _waiver_rows(session, draft)
    waiver_table = (
        '<h2>问题豁免</h2><table><colgroup><col class="stage"><col><col class="stage"><col class="person">'
        '<col class="time"><col></colgroup><thead><tr><th>类别</th><th>豁免的问题</th><th>环节</th><th>豁免人</th>'
        f"<th>时间</th><th>理由</th></tr></thead><tbody>{waivers}</tbody></table>"
        if waivers
        else '<p class="note">无问题豁免。</p>'
    )
    cells = "".join(
        "<tr>" + "".join(_cell(r[k]) for k in ("time", "stage", "person", "decision", "opinion", "version")) + "</tr>"
        for r in signoff_rows(session, draft)
    )
    record = (
        '<h2>流转记录</h2><table><colgroup><col class="time"><col class="stage"><col class="person">'
        '<col class="decision"><col><col class="version"></colgroup>'
        "<thead><tr><th>时间</th><th>环节</th><th>经办人</th><th>处理</th><th>意见</th><th>版本</th></tr>"
        f"</thead><tbody>{cells}</tbody></table>"
    )
    foot = f'<p class="note">时间均为北京时间。本单生成于 {beijing(now_utc())}。</p></body></html>'
    return head + facts + stages + waiver_table + record + foot


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
