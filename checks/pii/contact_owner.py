"""Whose contact is it: an office's published phone or mailbox, or a private person's.

A number or address right after 监督/咨询/举报/联系/异议/反映…, after an organisation's name, or in
a page footer belongs to an office and is published on purpose. A private cue in the same clause
(户主, 申请人, 家庭电话, 本人 …) wins over all of that: it is then a person's data.
"""

from __future__ import annotations

import re
from enum import Enum

# How far back (characters, within the line) the cues are looked for.
WINDOW = 40
# A contact block ("联系方式：\n…办公室\n电话：…\n邮箱：…") is read this far back across lines.
BLOCK_WINDOW = 240


class Owner(Enum):
    PERSON = "person"
    OFFICE = "office"


PRIVATE_CUES = (
    "户主", "申请人", "家庭电话", "住宅电话", "宅电", "本人", "家属", "家住", "住址", "身份证", "患者", "投诉人",
    "举报人", "来信人", "反映人", "当事人", "监护人", "其父", "其母", "其子", "其女", "配偶", "先生", "女士",
    "同学", "学生", "村民", "居民", "被执行人", "失主", "走失", "网友", "来访人", "信访人", "个人",
)  # fmt: skip
# "您留下的联系电话", "参保人：谢丽云，…联系电话": the person's own contact.
PRIVATE_CUES += ("您留下", "您的", "您提供", "您本人", "参保人", "收款人", "持有人", "姓名")
OFFICE_CUES = (
    "监督", "咨询", "举报", "投诉", "异议", "反映", "受理", "报名", "值班", "办公", "服务", "热线", "传真",
    "上传", "报送", "发送至", "发送到", "发至", "来函", "信箱", "意见", "征求", "提交", "邮寄", "联络", "对接",
    "电子版", "申报", "接收", "招聘", "应聘", "简历", "联系单位", "联系部门", "联系科室", "联系人",
)  # fmt: skip
# A bare 联系电话/联系方式 says nothing about the owner; the organisation before it does.
# Lines of a page footer or site frame: the contacts there are the site owner's.
FOOTER_CUES = (
    "版权所有", "主办单位", "主办：", "承办单位", "承办：", "技术支持", "网站标识码", "ICP备", "公网安备", "联系我们",
)  # fmt: skip
# "王秀英，女，联系电话…": a person described by sex or age right before is a private person.
_PERSON_PROFILE = re.compile(r"[，,、\s（(][男女][，,、\s）)]|\d{1,3}岁")
# An organisation's name right before the contact (县人社局邮箱：, 区人大常委会办公室(010)…).
_ORGANISATION = re.compile(
    r"(?:政府|人大|政协|党委|纪委|监委|局|委员会|常委会|委|办公室|办|中心|院|所|站|科|处|股|室|队|厅|部|署|会|公司|"
    r"小组|街道|镇|乡|村委会|居委会|社区|学校|医院|法院|检察院|窗口|大厅)"
    r"[）)]?(?:的)?(?:电话|联系电话|办公电话|邮箱|电子邮箱|电子信箱|邮件|传真|热线)?[：:]?\s*$"
)
FREE_MAIL_DOMAINS = frozenset(
    "qq.com 163.com 126.com yeah.net sina.com sina.cn sohu.com 139.com 189.cn wo.cn aliyun.com foxmail.com "
    "gmail.com hotmail.com outlook.com live.com yahoo.com icloud.com tom.com 21cn.com".split()
)


def owner_of(text: str, start: int) -> Owner:
    """Who the contact at ``start`` belongs to, from the clause and line before it."""
    # Both ends are looked for within 400 characters, so a text without newlines stays linear.
    newline = text.rfind("\n", max(0, start - 400), start)
    line_start = newline + 1 if newline >= 0 else max(0, start - 400)
    line_end = text.find("\n", start, start + 400)
    line = text[line_start : line_end if line_end >= 0 else start + 200]
    before = text[max(line_start, start - WINDOW) : start]
    clause = re.split(r"[。！？；;!?]", before)[-1]
    if any(cue in clause for cue in PRIVATE_CUES) or _PERSON_PROFILE.search(clause):
        return Owner.PERSON
    if any(cue in clause for cue in OFFICE_CUES) or _ORGANISATION.search(clause):
        return Owner.OFFICE
    if any(cue in line for cue in FOOTER_CUES):
        return Owner.OFFICE
    block = text[max(0, line_start - BLOCK_WINDOW) : line_start] if newline >= 0 else ""
    if _BARE_LABEL.fullmatch(clause.strip()) and _office_block(block):
        return Owner.OFFICE
    return Owner.PERSON


# A line that only labels the contact (电话：, 电子邮箱：, 通讯地址：) inherits the owner of its block.
_BARE_LABEL = re.compile(
    r"(?:[一二三四五六七八九十\d]+[、.．])?\s*(?:联系|举报|咨询|监督|办公|值班)?"
    r"(?:电话|手机|传真|电子邮\s*箱|邮箱|电子邮件|邮件|信箱|通讯地址|通信地址|地址)\s*[：:]?\s*"
)


def _office_block(before: str) -> bool:
    """The lines before say that the contacts below are an office's (反映…办公室, 通讯地址, 邮编)."""
    if any(cue in before for cue in PRIVATE_CUES[:12]):
        return False
    office_words = ("反映", "异议", "举报", "咨询", "监督", "联系方式", "通讯地址", "通信地址", "邮编", "邮政编码")
    return any(word in before for word in office_words) and bool(_ORGANISATION_ANYWHERE.search(before))


_ORGANISATION_ANYWHERE = re.compile(r"(?:办公室|委员会|组委会|领导小组|中心|局|厅|部|办|政府|街道|院)")


def is_free_mail(address: str) -> bool:
    domain = address.rsplit("@", 1)[-1].lower()
    return domain in FREE_MAIL_DOMAINS
