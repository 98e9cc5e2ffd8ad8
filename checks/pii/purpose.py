"""Why is the name there: the purpose of the document decides whether its names are personal data.

Names in 表彰/推荐/拟任/录用/招聘/中标 公示 are published because that is the point of the notice.
Names in 低保/救助/补贴/困难 lists and in replies to a citizen are personal data to mask. A private
purpose wins when both appear (困难群众救助对象推荐名单 is about recipients of relief).
"""

from __future__ import annotations

from enum import Enum

# Characters of the body read as the document's opening when the title does not say enough.
OPENING = 300


class Purpose(Enum):
    PUBLIC = "public"
    PRIVATE = "private"
    UNKNOWN = "unknown"


PUBLIC_PURPOSE = (
    "表彰", "先进", "优秀", "评选", "推荐", "拟任", "任前", "任职", "录用", "聘用", "招聘", "录取", "中标", "成交",
    "获奖", "奖励", "入围", "当选", "候选人", "劳动模范", "道德模范", "评审结果", "考核结果", "职称", "拟提拔",
    "拟选派", "选调", "遴选", "人选", "荣誉称号", "命名",
)  # fmt: skip
PRIVATE_PURPOSE = (
    "低保", "最低生活保障", "救助", "补贴", "补助", "困难", "特困", "五保", "残疾", "慰问", "危房", "资助", "贫困",
    "帮扶", "答复", "回复", "您好", "来信", "留言", "信访", "投诉", "走失", "寻找", "送达", "认领", "失业", "保障金",
    "养老金", "抚恤", "优抚", "医保", "参保", "户籍", "征收", "拆迁", "补偿",
)  # fmt: skip


def purpose_of(title: str | None, text: str) -> Purpose:
    head = f"{title or ''}\n{text[:OPENING]}"
    if any(word in head for word in PRIVATE_PURPOSE):
        return Purpose.PRIVATE
    if any(word in head for word in PUBLIC_PURPOSE):
        return Purpose.PUBLIC
    return Purpose.UNKNOWN
