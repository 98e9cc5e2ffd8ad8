"""PII recognizers on Chinese text: positives, hard negatives, offsets into the caller's text."""

from __future__ import annotations

import pytest

from checks import Channel, DocType
from tests.factories import broken_resident_id, fullwidth, luhn_number, resident_id

ID = resident_id("44152119900101123")
ID_X = next(v for n in range(1000) if (v := resident_id(f"44010219850501{n:03d}")).endswith("X"))
UNIONPAY19 = luhn_number("6217", 19)
CARD16 = luhn_number("6222", 16)


def pii(result, category=None):
    return [f for f in result.findings if f.category.startswith(category or "pii.")]


@pytest.mark.parametrize(
    ("text", "category", "span"),
    [
        (f"申请人身份证号{ID}已登记", "pii.id_card", ID),
        (f"公民身份号码：{ID_X}。", "pii.id_card", ID_X),
        (f"身份证号码 {ID[:6]} {ID[6:14]} {ID[14:]} 。", "pii.id_card", f"{ID[:6]} {ID[6:14]} {ID[14:]}"),
        (f"身份证：{ID[:10]}\n{ID[10:]}", "pii.id_card", f"{ID[:10]}\n{ID[10:]}"),
        (f"身份证号{fullwidth(ID)}", "pii.id_card", fullwidth(ID)),
        ("原身份证号码440102900307123。", "pii.id_card", "440102900307123"),
        ("电话13800138000咨询", "pii.phone", "13800138000"),
        ("联系方式：138 0013 8000", "pii.phone", "138 0013 8000"),
        ("手机：138-0013-8000。", "pii.phone", "138-0013-8000"),
        (f"联系电话{fullwidth('13800138000')}", "pii.phone", fullwidth("13800138000")),
        ("户主家庭电话：0660-8123456。", "pii.phone", "0660-8123456"),
        (f"收款账号：{UNIONPAY19}", "pii.bank_card", UNIONPAY19),
        (f"银行卡号 {CARD16[:4]} {CARD16[4:8]} {CARD16[8:12]} {CARD16[12:]}", "pii.bank_card",
         f"{CARD16[:4]} {CARD16[4:8]} {CARD16[8:12]} {CARD16[12:]}"),
        ("来信人邮箱zhangsan_01@163.com。", "pii.email", "zhangsan_01@163.com"),
        ("来信人邮箱：123456789@qq.com，", "pii.email", "123456789@qq.com"),
        ("护照号码E12345678", "pii.passport", "E12345678"),
        ("车牌号粤N12345的小型汽车", "pii.plate", "粤N12345"),
        ("申请人：王小明，男", "pii.person_name", "王小明"),
        ("家住陆丰市东海街道人民路12号3栋502房", "pii.address", "陆丰市东海街道人民路12号3栋502房"),
    ],
)  # fmt: skip
def test_detects(check, text, category, span):
    findings = pii(check(text), category)
    assert [text[f.start : f.end] for f in findings] == [span]
    assert findings[0].suggestion and findings[0].suggestion != span
    assert "*" in findings[0].suggestion


@pytest.mark.parametrize(
    "text",
    [
        "身份证号：4415**********1234，联系电话：138****8000。",
        f"身份证号{broken_resident_id('44152119900101123')}",
        "身份证号440102199013071234",  # month 13
        "统一社会信用代码：91441581MA4W1234X5",
        "统一社会信用代码：914415810000000000",
        f"订单号：{ID}",
        f"快递运单号{CARD16}已签收",
        "咨询电话：0660-8812345，监督电话：0660-8812346。",
        "县民政局咨询电话：13800138000",
        "如有疑问请拨打12345政务服务便民热线或12315。",
        "（2024）粤1581民初1234号民事判决书",
        "县长李明主持召开常务会议，副县长张伟出席。",
        "办公地址：陆丰市东海街道人民路1号县政府大楼3楼302室",
        "粤ICP备12345678号，粤公网安备44150202000123号",
        "邮政编码516500，面积12345678平方米",
        "数据编号 4401021990030712 为示例",
        "2024年共接待群众123456人次，同比增长3.5%。",
    ],
)
def test_hard_negatives_stay_silent(check, text):
    assert pii(check(text)) == []


def test_qq_mail_digits_are_not_a_phone(check):
    text = "邮箱：13800138000@qq.com"
    cats = [f.category for f in pii(check(text))]
    assert cats == ["pii.email"]


def test_id_wins_over_bank_card_on_the_same_digits(check):
    findings = pii(check(f"银行卡及身份证：{ID}"))
    assert [f.category for f in findings] == ["pii.id_card"]


def test_offsets_point_into_html_source(check):
    html = f"<p>联系电话：<b>138</b>&nbsp;0013 8000</p><p>身份证&nbsp;{ID}</p>"
    result = check(html, is_html=True)
    spans = {f.category: html[f.start : f.end] for f in pii(result)}
    assert spans["pii.id_card"] == ID
    assert spans["pii.phone"].startswith("138</b>&nbsp;0013")


def test_person_name_needs_personal_context(check):
    assert pii(check("张伟同志在会上讲话，强调要抓好落实。"), "pii.person_name") == []
    names = pii(check("2024年低保对象名单公示如下：张伟、王秀芳、李建华。"), "pii.person_name")
    assert {f.suggestion for f in names} == {"张*", "王*芳", "李*华"}
    # an enumeration of common words is not a name list, even in a personal-data document
    listed = pii(check("公示如下：坚持公开、公正、公平的原则，做到许可、审批透明。"), "pii.person_name")
    assert listed == []


def test_landline_without_personal_context_is_public(check):
    assert pii(check("联系电话：0660-8123456")) == []


def test_pii_is_block_on_public_channels_and_warn_internally(check):
    text = f"身份证号{ID}"
    assert pii(check(text, channel=Channel.WEBSITE))[0].severity == "block"
    assert pii(check(text, channel=Channel.NEW_MEDIA))[0].severity == "block"
    assert pii(check(text, channel=Channel.INTERNAL))[0].severity == "warn"


def test_explanation_names_recognizer_context_and_checksum(check):
    finding = pii(check(f"身份证号{ID}"))[0]
    assert "ResidentIdRecognizer" in finding.explanation
    assert "校验通过" in finding.explanation
    assert "身份证" in finding.explanation
    assert finding.rule == "pii.id_card:id18"


def test_masking_rules(check):
    result = check(f"申请人：王小明，身份证号{ID}，电话13800138000，邮箱wangxm@163.com", doc_type=DocType.PUBLICITY)
    masked = {f.category: f.suggestion for f in pii(result)}
    assert masked["pii.id_card"] == ID[:4] + "*" * 10 + ID[-4:]
    assert masked["pii.phone"] == "138****8000"
    assert masked["pii.email"] == "w***@163.com"
    assert masked["pii.person_name"] == "王*明"
