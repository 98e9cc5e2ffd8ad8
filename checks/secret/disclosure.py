"""secret.disclosure: a draft whose 公开方式 says it must not be published on a public channel.

政府信息公开条例 distinguishes 主动公开 (published by the agency), 依申请公开 (given only to
an applicant) and 不予公开 (withheld). Putting the latter two on a public website or new-media
account discloses what the agency itself decided not to disclose, so it blocks publication.
The value may come from the draft's metadata, from a 公开方式/公开属性 line in the body, or from the
document's own note (附注) about itself, such as “（此件不予公开）” at the end of a 公文 (GB/T 9704—2012 7.3.4
gives “（此件公开发布）” as the form of that note).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.metadata import Channel

CATEGORY = "secret.disclosure"
_RULE_SUFFIX = {"不予公开": "withheld", "不公开": "withheld", "不宜公开": "withheld", "依申请公开": "on_request"}
_CHANNEL_NAMES = {Channel.WEBSITE: "政府网站", Channel.NEW_MEDIA: "政务新媒体", Channel.INTERNAL: "内部渠道"}
_BASIS = {
    "withheld": "《政府信息公开条例》第十四条、第十五条、第十六条：不予公开的政府信息不得公开发布",
    "on_request": "《政府信息公开条例》第四章：依申请公开的信息只向申请人提供，不在公开渠道主动发布",
}
# A 公开方式 / 公开属性 field in the body; in an HTML table the label and the value are separate cells.
_TEXT_FIELD = re.compile(
    r"(?:信息)?公开(?:方式|属性|类型|形式|选项)[ \t]*(?:[：:][ \t]*|[ \t]*\n\s*|[ \t]+)?"
    r"(?P<value>不予公开|依申请公开|不公开)"
)
# The 附注 of a 公文 about the document itself: “（此件不予公开）”, or “此件依申请公开” alone on its line. A reply
# that tells an applicant “经审查，本件不予公开” is about the requested information, not about itself, so only
# the bracketed note or a line of its own counts.
_SELF = "此件|此文件|本文件"
_NOT_PUBLIC = "不予公开|依申请公开|不宜公开|不公开"
_SELF_NOTE = re.compile(
    rf"(?:[（(][ ]?(?P<self>{_SELF})[ ]?(?P<value>{_NOT_PUBLIC})[ ]?[）)]"
    rf"|(?m:^)[ \t]*(?P<self2>{_SELF})[ ]?(?P<value2>{_NOT_PUBLIC})[。]?(?=[ \t]*(?:$|\n)))"
)


class DisclosureCheck:
    """Blocks a draft marked 不予公开 or 依申请公开 when it goes to a public channel."""

    name: ClassVar[str] = "secret.disclosure"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "draft"

    def run(self, doc: Document) -> list[Finding]:
        if not doc.channel.is_public:
            return []
        channel = _CHANNEL_NAMES.get(doc.channel, doc.channel.value)
        out: list[Finding] = []
        declared = doc.metadata.value("disclosure")
        if declared in ("不予公开", "依申请公开"):
            kind = _RULE_SUFFIX[declared]
            out.append(
                Hit(
                    start=0,
                    end=0,
                    severity=Severity.BLOCK,
                    message=f"元数据“公开方式”为“{declared}”，不能在{channel}公开发布",
                    suggestion=None,
                    rule=f"{CATEGORY}.metadata.{kind}",
                    explanation=f"元数据 disclosure=“{declared}”，发布渠道 {doc.channel.value} 为公开渠道；"
                    f"依据：{_BASIS[kind]}。无法自动修改：须改为主动公开（经审核）或撤回发布",
                ).in_field("metadata", CATEGORY)
            )
        field_spans = []
        for match in _TEXT_FIELD.finditer(doc.text):
            field_spans.append(match.span())
            value = match.group("value")
            kind = _RULE_SUFFIX[value]
            out.append(
                Hit(
                    start=match.start(),
                    end=match.end(),
                    severity=Severity.BLOCK,
                    message=f"正文标明公开方式为“{value}”，不能在{channel}公开发布",
                    suggestion=None,
                    rule=f"{CATEGORY}.text.{kind}",
                    explanation=f"正文中的公开方式栏（匹配：“{match.group(0)}”），发布渠道 {doc.channel.value} "
                    f"为公开渠道；依据：{_BASIS[kind]}。无法自动修改：须核实公开属性",
                ).to_finding(doc, CATEGORY)
            )
        # Field spans come from one regex scan: disjoint and in order, so only the last one opening
        # before a note's end can overlap it (one bisect per note instead of a pass over all fields).
        field_starts = [s for s, _ in field_spans]
        for match in _SELF_NOTE.finditer(doc.text):
            i = bisect_left(field_starts, match.end()) - 1
            if i >= 0 and match.start() < field_spans[i][1]:
                continue
            value = match.group("value") or match.group("value2")
            own = match.group("self") or match.group("self2")
            kind = _RULE_SUFFIX[value]
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip(" \t"))
            out.append(
                Hit(
                    start=start,
                    end=match.end(),
                    severity=Severity.BLOCK,
                    message=f"文稿附注标明“{own}{value}”，不能在{channel}公开发布",
                    suggestion=None,
                    rule=f"{CATEGORY}.note.{kind}",
                    explanation=f"公文附注说明本件的公开属性（匹配：“{match.group(0)}”；GB/T 9704—2012 7.3.4 附注，"
                    f"如“（此件公开发布）”），发布渠道 {doc.channel.value} 为公开渠道；依据：{_BASIS[kind]}。"
                    "无法自动修改：须核实公开属性",
                ).to_finding(doc, CATEGORY)
            )
        return out
