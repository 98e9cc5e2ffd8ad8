"""Findings about what a .docx hides and would disclose if published as is (zero-width, field "docx")."""

from __future__ import annotations

import re

from checks.docx.parts import Comment
from checks.docx.story import StoryReader
from checks.finding import Finding, Severity
from checks.hits import Hit

QUOTE_LIMIT = 80  # characters of quoted hidden content in one explanation
MAX_SAMPLES = 5

CATEGORY_REVISIONS = "secret.docx_revisions"
CATEGORY_COMMENTS = "secret.docx_comments"
CATEGORY_HIDDEN_TEXT = "secret.docx_hidden_text"
CATEGORY_EMBEDDED = "secret.docx_embedded"
CATEGORY_PROPERTIES = "metadata.docx_properties"
DOCX_CATEGORIES = (
    CATEGORY_REVISIONS,
    CATEGORY_COMMENTS,
    CATEGORY_HIDDEN_TEXT,
    CATEGORY_EMBEDDED,
    CATEGORY_PROPERTIES,
)


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(samples: list[str]) -> str:
    return "「" + clip("」「".join(clip(s) for s in samples[:MAX_SAMPLES])) + "」"


def finding(category: str, severity: Severity, message: str, rule: str, explanation: str) -> Finding:
    return Hit(0, 0, rule, message, None, explanation, severity).in_field("docx", category)


def revisions_finding(reader: StoryReader) -> Finding:
    parts = [f"修订 {reader.revisions} 处"]
    if reader.revision_authors:
        parts.append("修订者：" + clip("、".join(reader.revision_authors)))
    if reader.deleted:
        parts.append("已删除内容：" + quote(reader.deleted))
    return finding(
        CATEGORY_REVISIONS,
        Severity.BLOCK,
        "文档含有未处理的修订痕迹，已删除的内容仍保存在文件中，发布前请接受或拒绝全部修订",
        "docx.revisions",
        "；".join(parts),
    )


def comments_finding(comments: list[Comment]) -> Finding:
    samples = [f"{c.author or '（无作者）'}：{c.text}" for c in comments]
    return finding(
        CATEGORY_COMMENTS,
        Severity.BLOCK,
        "文档含有批注，发布前请删除全部批注",
        "docx.comments",
        f"批注 {len(comments)} 条：{quote(samples)}",
    )


def hidden_finding(samples: list[str]) -> Finding:
    return finding(
        CATEGORY_HIDDEN_TEXT,
        Severity.BLOCK,
        "文档含有隐藏文字，发布前请删除隐藏文字",
        "docx.hidden_text",
        f"隐藏文字 {len(samples)} 处：{quote(samples)}",
    )


def embedded_finding(names: list[str]) -> Finding:
    return finding(
        CATEGORY_EMBEDDED,
        Severity.WARN,
        "文档含有嵌入对象（如图表数据、OLE 对象或宏），其中可能包含未公开的数据，发布前请确认或删除",
        "docx.embedded",
        f"嵌入对象 {len(names)} 个：{clip('、'.join(names))}",
    )


def properties_finding(properties: list[tuple[str, str]]) -> Finding:
    return finding(
        CATEGORY_PROPERTIES,
        Severity.WARN,
        "文档属性中含有作者、单位等信息，发布前请检查并清除文档属性",
        "docx.properties",
        clip("；".join(f"{label}：{value}" for label, value in properties), QUOTE_LIMIT * 2),
    )
