"""Whose contact is it, why is the name there, names in table columns, widgets never names, masking style."""

from __future__ import annotations

import pytest

from checks import DocType
from tests.factories import resident_id

ID = resident_id("44152119900101123")


def found(result, category):
    return [(f.severity.value, f) for f in result.findings if f.category == category]


def spans(result, text, category):
    return [text[f.start : f.end] for f in result.findings if f.category == category]


@pytest.mark.parametrize(
    "text",
    [
        "公示期间如有异议，请向县人社局反映。异议邮箱：rsjgs2024@163.com，联系电话：0660-3312345。",
        "北京市西城区人大常委会办公室(010)83072686",
        "请将申报材料电子版发送至区科技局邮箱：qkjj_sb@126.com。",
        "举报邮箱：123456789@qq.com，举报电话：13800138000。",
        "主办单位：某县人民政府办公室 联系电话：0660-8812345 邮箱：xzfb@163.com",
        "咨询电话：13912345678（县民政局社会救助股）",
    ],
)
def test_office_contacts_are_never_blocked(check, text):
    result = check(text)
    assert [f for f in result.findings if f.category in ("pii.phone", "pii.email") and f.severity.value != "info"] == []


def test_an_office_using_a_free_mailbox_gets_a_hint_not_a_block(check):
    result = check("举报邮箱：123456789@qq.com")
    [(severity, finding)] = found(result, "pii.email")
    assert severity == "info" and "个人免费邮箱" in finding.message and finding.suggestion is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("户主王秀英家庭电话：0660-8123456。", "0660-8123456"),
        ("申请人：李建国，联系电话：13800138000。", "13800138000"),
        ("我局工作人员已按您留下的联系电话13922334455回访。", "13922334455"),
        ("王秀英，女，68岁，联系电话13800138000。", "13800138000"),
        ("本人手机：13700137000", "13700137000"),
    ],
)
def test_private_contacts_stay_blocked_even_near_office_words(check, text, number):
    result = check(text)
    assert ("block", number) in [(f.severity.value, text[f.start : f.end]) for f in result.findings]


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("关于2024年度优秀共产党员拟表彰对象的公示", "经推荐，拟表彰以下同志：\n王建国　李秀英　张小明　陈红梅"),
        ("2024年公开招聘教师拟聘用人员公示", "序号\t姓名\t性别\t岗位\n1\t王建国\t男\t语文\n2\t李秀英\t女\t数学"),
        ("某项目中标候选人公示", "第一中标候选人：某建设有限公司，项目负责人：陈红梅"),
    ],
)
def test_names_public_by_purpose_are_not_findings(check, title, text):
    assert spans(check(text, title=title, doc_type=DocType.PUBLICITY), text, "pii.person_name") == []


def test_private_purpose_wins_and_masks_as_civil_affairs_do(check):
    title = "困难群众临时救助对象推荐名单公示"
    text = "序号　户主姓名　家庭人口　救助金额\n1　王秀英　3　900元\n2　李建　2　600元\n3　欧阳子涵　1　300元"
    result = check(text, title=title, doc_type=DocType.PUBLICITY)
    names = {text[f.start : f.end]: (f.severity.value, f.suggestion) for f in result.findings}
    assert names == {"王秀英": ("warn", "王*英"), "李建": ("warn", "李*"), "欧阳子涵": ("warn", "欧阳*涵")}


def test_names_in_a_full_width_spaced_table_column(check):
    text = "2024年城乡低保对象名单\n序号　户主姓名　家庭人口　保障金额\n1　王秀英　3　900元\n2　李建国　2　600元"
    assert spans(check(text), text, "pii.person_name") == ["王秀英", "李建国"]


def test_widget_labels_are_never_names(check):
    text = (
        "2024年低保对象名单公示如下：王秀英、李建国。\n"
        "发布时间：2024-09-02　字号：大 中 小　分享到：　打印本页　关闭窗口\n来源 县民政局　作者 办公室"
    )
    assert spans(check(text), text, "pii.person_name") == ["王秀英", "李建国"]


def test_reply_to_a_citizen_names_are_warned(check):
    text = "王建华先生：您好！您反映的小区噪音问题已收悉，现答复如下。"
    result = check(text, doc_type=DocType.REPLY)
    assert [(s, f.suggestion) for s, f in found(result, "pii.person_name")] == [("warn", "王*华")]


def test_the_context_dev_set_is_what_its_generator_writes():
    import json
    from pathlib import Path

    from bench.make_pii_context_devset import OUT, build

    written = [json.loads(line) for line in Path(OUT).read_text(encoding="utf-8").splitlines()]
    assert written == build()
    assert len(written) >= 200 and sum(c["hard_negative"] for c in written) * 2 == len(written)
