"""Whether an HTML draft may enter review: read from the one HTML model (``checks.html_model``).

Two kinds of HTML are refused, each with a stable code and a Chinese and English message:
active content (script, event handlers, unsafe URLs, styles that load things, frames, forms,
svg/math …) and the WHATWG parse errors after which a browser builds another tree than the
source seems to say (a refused draft could otherwise show reviewers one thing and readers another).
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.html_model import parse_html

_PARSE_ERRORS_ZH = {
    "unsupported-element": "不支持的元素",
    "too-complex": "嵌套过深（超过 256 层）或属性过多的结构",
    "duplicate-attribute": "同一标签中重复出现的属性（浏览器只采用第一个）",
    "eof-in-tag": "末尾未闭合的标签（浏览器会整体丢弃）",
    "eof-in-comment": "未闭合的注释（浏览器会把其后内容全部视为注释）",
    "abrupt-closing-of-empty-comment": "写作 <!--> 或 <!---> 的注释（浏览器在此处即结束注释）",
    "incorrectly-closed-comment": "以 --!> 结束的注释",
    "nested-comment": "嵌套的注释 <!--",
}


@dataclass(frozen=True, slots=True)
class HtmlRefusal:
    code: str
    message_zh: str
    message_en: str
    offset: int


def html_refusal(body: str) -> HtmlRefusal | None:
    """Why this HTML body may not be stored as a draft version, or None when it may."""
    model = parse_html(body)
    if model.active is not None:
        found = model.active.describe()
        return HtmlRefusal(
            "active_content",
            f"稿件含有脚本、内嵌框架、表单、样式或事件属性等活动内容（{found}，位置 {model.active.offset}），"
            "不能送审发布",
            f"The HTML contains active content ({found} at offset {model.active.offset}): "
            "script, frame, form, style, event handler or unsafe URL",
            model.active.offset,
        )
    if model.refusals:
        first = min(model.refusals, key=lambda r: r.offset)
        if first.code == "unsupported-element":
            return HtmlRefusal(
                "unsupported_element",
                f"HTML 中有不支持的元素 <{first.element}>（位置 {first.offset}），请改用常规排版元素",
                f"The HTML uses an element the service does not accept: <{first.element}> at offset {first.offset}",
                first.offset,
            )
        return HtmlRefusal(
            first.code.replace("-", "_"),
            f"HTML 中有{_PARSE_ERRORS_ZH[first.code]}（位置 {first.offset}），"
            "浏览器显示的内容与源码不一致，请修正后再提交",
            f"HTML parse error {first.code} at offset {first.offset}: a browser would build another page than the "
            "source shows; fix it and resubmit",
            first.offset,
        )
    return None


def active_content(body: str) -> str | None:
    """The first active part found (for the error message), or None when the HTML is inert."""
    active = parse_html(body).active
    return active.describe() if active is not None else None
