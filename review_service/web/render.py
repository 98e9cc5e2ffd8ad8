"""Jinja2 templates with autoescaping on: draft text is data, never markup."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from review_service.clock import BEIJING, now_utc, today_beijing
from review_service.permissions import Action, may

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCAL = BEIJING

CHANNEL_LABELS = {"website": "政府网站", "new_media": "政务新媒体", "internal": "内部"}
STATUS_LABELS = {
    "draft": "草稿",
    "in_review": "审核中",
    "returned": "已退回",
    "approved": "已通过",
    "published": "已发布",
}
ROLE_LABELS = {
    "editor": "撰稿人",
    "proofreader": "校对员",
    "reviewer1": "初审",
    "reviewer2": "复审",
    "reviewer3": "终审",
    "admin": "管理员",
    "cms": "系统账号",
}
SEVERITY_LABELS = {"block": "阻断", "warn": "警告", "info": "提示"}
DOC_TYPE_LABELS = {
    "other": "其他",
    "normative": "规范性文件",
    "notice": "通知公告",
    "publicity": "公示公告",
    "news": "工作动态",
    "interpretation": "政策解读",
    "reply": "网络问政答复",
}
ACTION_LABELS = {
    "submit": "提交审核",
    "pass": "校对通过",
    "edit": "修改",
    "approve": "审核通过",
    "return": "退回",
    "claim": "认领",
    "release": "放弃认领",
}


def local_today() -> dt.date:
    """Due dates and weeks are Beijing dates, whatever the server's clock zone."""
    return today_beijing()


def local_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def age(value: dt.datetime | None) -> str:
    """How long something has waited, in the coarse units a queue needs."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    seconds = max(0, int((now_utc() - value).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} 分钟"
    if seconds < 86400:
        return f"{seconds // 3600} 小时"
    return f"{seconds // 86400} 天"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = local_time
    env.filters["age"] = age
    env.globals.update(
        channel_labels=CHANNEL_LABELS,
        status_labels=STATUS_LABELS,
        role_labels=ROLE_LABELS,
        severity_labels=SEVERITY_LABELS,
        doc_type_labels=DOC_TYPE_LABELS,
        action_labels=ACTION_LABELS,
        may=may,  # pages show links by the same rule the routes decide by
        Action=Action,
    )
    return env


def render_template(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(context)
