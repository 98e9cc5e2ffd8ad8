"""format.doc_number, format.punctuation and format.number_date: tables of positives and hard negatives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from checks.check import Check
from checks.document import DraftInput, build_document
from checks.engine import CheckEngine
from checks.finding import Finding, Severity
from checks.formatting.doc_number import DocNumberCheck, trim_org
from checks.formatting.number_date import (
    NumberDateCheck,
    chinese_date,
    cn_small_to_int,
    cn_year_to_int,
    full_year,
    int_to_cn_small,
)
from checks.formatting.punctuation import PunctuationCheck
from checks.metadata import Channel, Metadata

FORMAT_CHECKS = ("format.doc_number", "format.punctuation", "format.number_date")


@pytest.fixture(scope="module")
def engine(engine_of) -> CheckEngine:
    return engine_of(*FORMAT_CHECKS)


def run_check(engine: CheckEngine, check: Check, text: str, **draft: Any) -> list[Finding]:
    doc = build_document("body", text, DraftInput(body=text, **draft), engine.segmenter)
    return check.run(doc)


def triples(findings: list[Finding], source: str) -> list[tuple[str, str | None, str]]:
    return [(source[f.start : f.end], f.suggestion, f.rule) for f in findings]


# --- format.doc_number ---------------------------------------------------------------------

DOC_NUMBERS = [
    ("陆府办函[2024]121号", "陆府办函[2024]121号", "陆府办函〔2024〕121号", "bracket"),
    ("根据陆府办函【2024】121号文件精神", "陆府办函【2024】121号", "陆府办函〔2024〕121号", "bracket"),
    ("国发(2024)5号", "国发(2024)5号", "国发〔2024〕5号", "bracket"),
    ("国发（2024）5号", "国发（2024）5号", "国发〔2024〕5号", "bracket"),
    ("国发［2024］5号", "国发［2024］5号", "国发〔2024〕5号", "bracket"),
    ("国发〈2024〉5号", "国发〈2024〉5号", "国发〔2024〕5号", "bracket"),
    ("国发﹝2024﹞5号", "国发﹝2024﹞5号", "国发〔2024〕5号", "bracket"),
    ("国发[2024〕5号", "国发[2024〕5号", "国发〔2024〕5号", "bracket"),
    ("国发〔2024〕第5号", "国发〔2024〕第5号", "国发〔2024〕5号", "ordinal"),
    ("国发〔2024〕05号", "国发〔2024〕05号", "国发〔2024〕5号", "leading_zero"),
    ("国发[2024]第005号", "国发[2024]第005号", "国发〔2024〕5号", "bracket+ordinal+leading_zero"),
    ("国发〔2024年〕5号", "国发〔2024年〕5号", "国发〔2024〕5号", "nian"),
    ("国发 〔2024〕 5号", "国发 〔2024〕 5号", "国发〔2024〕5号", "space"),
    ("国发〔24〕5号", "国发〔24〕5号", None, "short_year"),
    # full-width digits are folded for detection; the suggestion uses ASCII digits
    ("国发[２０２４]５号", "国发[２０２４]５号", "国发〔2024〕5号", "bracket"),
    # the 机关代字 starts after the prose that leads up to it
    ("原区国土局作出温国土资发（2018）366号决定", "温国土资发（2018）366号", "温国土资发〔2018〕366号", "bracket"),
    ("按照国办发[2018]37号", "国办发[2018]37号", "国办发〔2018〕37号", "bracket"),
    ("转发的粤府办[2023]1号", "粤府办[2023]1号", "粤府办〔2023〕1号", "bracket"),
    # announcements numbered with 第 keep it; only the brackets are wrong
    ("中国人民银行公告[2018]第10号", "中国人民银行公告[2018]第10号", "中国人民银行公告〔2018〕第10号", "bracket"),
]


@pytest.mark.parametrize(("text", "span", "suggestion", "issues"), DOC_NUMBERS)
def test_doc_number_positive(engine: CheckEngine, text: str, span: str, suggestion: str | None, issues: str) -> None:
    found = run_check(engine, DocNumberCheck(), text)
    assert triples(found, text) == [(span, suggestion, f"format.doc_number.{issues}")]
    f = found[0]
    assert f.category == "format.doc_number" and f.severity is Severity.WARN and f.field == "body"
    assert "GB/T 9704" in f.explanation and "发文字号" in f.message


NOT_DOC_NUMBERS = [
    "陆府办函〔2024〕121号",
    "《关于印发某办法的通知》（国办发〔2018〕37号）",
    "依据《规定》（2024年）第十二条",
    "（2024）京0105民初12345号",
    "国家税务总局公告2024年第1号",
    "国务院令第708号",
    "附件(2)3号楼",
    "陆府办函[2024]",
    "2024年第3号",
]


@pytest.mark.parametrize("text", NOT_DOC_NUMBERS)
def test_doc_number_negative(engine: CheckEngine, text: str) -> None:
    assert run_check(engine, DocNumberCheck(), text) == []


@pytest.mark.parametrize(
    ("run", "org"),
    [
        ("根据陆府办函", "陆府办函"),
        ("关于印发国发", "国发"),
        ("市政府的京政发", "京政发"),
        ("国发", "国发"),
        ("根据", "根据"),
    ],
)
def test_trim_org(run: str, org: str) -> None:
    assert trim_org(run) == org


HTML_DOC_NUMBERS = [
    ("<p>陆府办函[2024]121号</p>", "陆府办函[2024]121号", "陆府办函〔2024〕121号"),
    # the 机关代字 is in another element: fix only the bracketed part, so no tag is replaced
    ("<p>关于<b>陆府办函</b>[2024]121号</p>", "[2024]121号", "〔2024〕121号"),
    ("<p>国发&#91;2024&#93;5号</p>", "国发&#91;2024&#93;5号", "国发〔2024〕5号"),
]


@pytest.mark.parametrize(("source", "span", "suggestion"), HTML_DOC_NUMBERS)
def test_doc_number_html(engine: CheckEngine, source: str, span: str, suggestion: str) -> None:
    result = engine.check(DraftInput(body=source, is_html=True))
    found = [f for f in result.findings if f.category == "format.doc_number"]
    assert [(source[f.start : f.end], f.suggestion) for f in found] == [(span, suggestion)]


METADATA_DOC_NUMBERS = [
    ("国发[2024]5号", "国发〔2024〕5号", "format.doc_number.bracket"),
    ("国发〔2024〕第０１号", "国发〔2024〕1号", "format.doc_number.ordinal+leading_zero"),
    ("〔2024〕第3号", "〔2024〕3号", "format.doc_number.ordinal"),
    ("国发〔2024〕5号", None, None),
    ("无", None, None),
    ("", None, None),
]


@pytest.mark.parametrize(("value", "suggestion", "rule"), METADATA_DOC_NUMBERS)
def test_doc_number_metadata(engine: CheckEngine, value: str, suggestion: str | None, rule: str | None) -> None:
    result = engine.check(DraftInput(body="正文。", title="标题", metadata=Metadata(doc_number=value)))
    found = [(f.field, f.start, f.end, f.suggestion, f.rule) for f in result.findings]
    assert found == ([("metadata", 0, 0, suggestion, rule)] if rule else [])


def test_doc_number_in_title(engine: CheckEngine) -> None:
    title = "关于印发《某办法》的通知（国发[2024]5号）"
    result = engine.check(DraftInput(body="正文。", title=title))
    found = [f for f in result.findings if f.category == "format.doc_number"]
    assert [(f.field, title[f.start : f.end], f.suggestion) for f in found] == [
        ("title", "国发[2024]5号", "国发〔2024〕5号")
    ]


# --- format.punctuation --------------------------------------------------------------------

PUNCTUATION = [
    ("你好,世界", [(",", "，", "halfwidth")]),
    ("你好, 世界", [(", ", "，", "halfwidth")]),
    ("是否同意?", [("?", "？", "halfwidth")]),
    ("注意:以下事项", [(":", "：", "halfwidth")]),
    ("第一;第二", [(";", "；", "halfwidth")]),
    ("太好了!", [("!", "！", "halfwidth")]),
    ("GDP,同比增长5%", [(",", "，", "halfwidth")]),
    ("共3项,其中", [(",", "，", "halfwidth")]),
    ("网址:https://www.gov.cn/", [(":", "：", "halfwidth")]),
    ("会议召开了.我们", [(".", "。", "halfwidth")]),
    # one half-width bracket pair is one finding, fixed as a whole
    ("(一)加强领导", [("(一)", "（一）", "halfwidth")]),
    ("依照第(一)项规定", [("(一)", "（一）", "halfwidth")]),
    ("(1)加强领导", [("(1)", "（1）", "halfwidth")]),
    ("某某委员会(以下简称委员会)", [("(以下简称委员会)", "（以下简称委员会）", "halfwidth")]),
    # ... unless what it encloses is long or carries marks of its own: then each bracket is reported
    ("见说明(A, B)。", [("(", "（", "halfwidth"), (")", "）", "halfwidth")]),
    ("见说明(甲，乙,丙)。", [("(", "（", "halfwidth"), (",", "，", "halfwidth"), (")", "）", "halfwidth")]),
    ("说明(" + "甲" * 31 + ")", [("(", "（", "halfwidth"), (")", "）", "halfwidth")]),
    ("他说(好。。)", [("(", "（", "halfwidth"), ("。。", "。", "doubled"), (")", "）", "halfwidth")]),
    ("1)加强领导", [(")", "）", "halfwidth")]),
    ("（二)种植", [(")", "）", "mixed_paren")]),
    ("(二）种植", [("(", "（", "mixed_paren")]),
    ('"十四五"规划', [('"', "“", "halfwidth_quote"), ('"', "”", "halfwidth_quote")]),
    ("好，，的", [("，，", "，", "doubled")]),
    ("完成了。。", [("。。", "。", "doubled")]),
    ("真的吗？？", [("？？", "？", "doubled")]),
    ("机关、、团体", [("、、", "、", "doubled")]),
    ("太好了！！！", [("！！！", "！", "doubled")]),
    ("等等...", [("...", "……", "ellipsis")]),
    ("等等。。。", [("。。。", "……", "ellipsis")]),
    ("等等…", [("…", "……", "ellipsis")]),
    ("《关于某某的通知", [("《", None, "unpaired")]),
    ("某某通知》印发", [("》", None, "unpaired")]),
    ("他说：“你好。", [("“", None, "unpaired")]),
    ("你好”。", [("”", None, "unpaired")]),
    ("（注：见附件", [("（", None, "unpaired")]),
    ("见附件）", [("）", None, "unpaired")]),
    ("推出“活力赛事”“避暑康养“等产品", [("“", "”", "quote_direction")]),
    ("“米袋子”“菜篮子；百姓生活", [("“", None, "unpaired")]),
    # full-width letters fold to ASCII: a full-width ＧＤＰ does not hide the half-width comma
    ("ＧＤＰ,同比增长", [(",", "，", "halfwidth")]),
]


@pytest.mark.parametrize(("text", "expected"), PUNCTUATION)
def test_punctuation_positive(engine: CheckEngine, text: str, expected: list[tuple[str, str | None, str]]) -> None:
    found = run_check(engine, PunctuationCheck(), text)
    assert triples(found, text) == [(span, sug, f"format.punctuation.{rule}") for span, sug, rule in expected]
    assert all(f.severity is Severity.WARN and "GB/T 15834" in f.explanation for f in found)


NOT_PUNCTUATION = [
    "共计1,000元。",
    "时间为10:30至11:30。",
    "比分3:2。",
    "请访问https://www.gov.cn/zhengce/index.htm?id=1,2查看。",
    "请访问 www.gov.cn/a,b 查看。",
    "邮箱：test.user@example.com。",
    "English text, with commas: yes! Really?",
    "f(x) = a, b",
    "版本v1.2.3发布。",
    "（一）加强领导。",
    "他说：“你好。”",
    "真的吗？！",
    "省略号……",
    "省略段落…………",
    "陆府办函(2024)121号",
    "附件.docx",
    "1.加强领导",
    "C:\\Users\\a,b",
    "修改为：“第一款。\n“第二款。\n“第三款。”",
    "（2011年5月通过\n2020年5月修正）\n第一条",
    "《关于印发\n某办法的通知》",
    "“十四五”规划",
    # GB/T 15834—2011: a sequence number in Arabic digits takes the (half-width) 下脚点; brackets take none
    "1. 加强领导\n2. 落实责任",
    "（1）加强领导",
    "第（一）项",
    # 〔〕 are the brackets of a 文号 and of citations
    "参见国发〔2024〕5号文件。",
    "〔2019〕年度报告",
    # ASCII marks inside an English phrase or a formula, with no Chinese next to them
    "世界卫生组织（World Health Organization, WHO）",
    "其中x,y为实数，f(x)=2x+1。",
    "时间为9:00—11:30。",
]


@pytest.mark.parametrize("text", NOT_PUNCTUATION)
def test_punctuation_negative(engine: CheckEngine, text: str) -> None:
    assert triples(run_check(engine, PunctuationCheck(), text), text) == []


HTML_PUNCTUATION = [
    ("<p>你好,<b>世界</b></p>", ",", "，"),
    ("<p>(一)加强</p>", "(一)", "（一）"),
    ("<p>你好&#44;世界</p>", "&#44;", "，"),
    ("<p>《通知</p><p>正文。</p>", "《", None),
    ("<p>好，<span>，</span>的</p>", "，<span>，", "，"),
]


@pytest.mark.parametrize(("source", "span", "suggestion"), HTML_PUNCTUATION)
def test_punctuation_html(engine: CheckEngine, source: str, span: str, suggestion: str | None) -> None:
    result = engine.check(DraftInput(body=source, is_html=True))
    found = [f for f in result.findings if f.category == "format.punctuation"]
    assert [(source[f.start : f.end], f.suggestion) for f in found] == [(span, suggestion)]


def test_half_width_pair_around_markup_is_reported_per_bracket(engine: CheckEngine) -> None:
    """Replacing the whole pair would replace the markup inside it, so each bracket is fixed alone."""
    source = "<p>(<b>一</b>)加强</p>"
    result = engine.check(DraftInput(body=source, is_html=True))
    assert [(source[f.start : f.end], f.suggestion) for f in result.findings] == [("(", "（"), (")", "）")]


def test_punctuation_and_doc_number_do_not_double_report(engine: CheckEngine) -> None:
    text = "依据陆府办函(2024)121号文件"
    result = engine.check(DraftInput(body=text))
    assert [(f.category, text[f.start : f.end]) for f in result.findings] == [
        ("format.doc_number", "陆府办函(2024)121号")
    ]


@pytest.mark.parametrize(
    ("channel", "severity"),
    [(Channel.WEBSITE, Severity.WARN), (Channel.NEW_MEDIA, Severity.WARN), (Channel.INTERNAL, Severity.INFO)],
)
def test_punctuation_severity_by_channel(engine: CheckEngine, channel: Channel, severity: Severity) -> None:
    result = engine.check(DraftInput(body="你好,世界", channel=channel))
    assert [(f.category, f.severity) for f in result.findings] == [("format.punctuation", severity)]


# --- format.number_date --------------------------------------------------------------------

NUMBER_DATES = [
    ("二0二四年工作计划", "二0二四", "二〇二四", "zero"),
    ("二O二四年工作计划", "二O二四", "二〇二四", "zero"),
    ("二o二四年", "二o二四", "二〇二四", "zero"),
    ("二○二四年", "二○二四", "二〇二四", "zero"),
    ("二零二四年", "二零二四", "二〇二四", "zero"),
    ("二Ｏ二四年", "二Ｏ二四", "二〇二四", "zero"),
    ("一九九○年", "一九九○", "一九九〇", "zero"),
    ("二O二O", "二O二O", "二〇二〇", "zero"),
    ("会议于2024.3.5召开", "2024.3.5", "2024年3月5日", "separator"),
    ("于2024/03/05发布", "2024/03/05", "2024年3月5日", "separator"),
    ("日期：２０２４．３．５", "２０２４．３．５", "2024年3月5日", "separator"),
]


@pytest.mark.parametrize(("text", "span", "suggestion", "rule"), NUMBER_DATES)
def test_number_date_positive(engine: CheckEngine, text: str, span: str, suggestion: str, rule: str) -> None:
    found = run_check(engine, NumberDateCheck(), text)
    assert triples(found, text) == [(span, suggestion, f"format.number_date.{rule}")]
    assert found[0].severity is Severity.WARN and "GB/T 15835" in found[0].explanation


NOT_NUMBER_DATES = [
    "二〇二四年工作计划",
    "拨打一二零急救电话",
    "三千零五十二个",
    "二零",
    "2024-03-05",
    "2024年3月5日",
    "版本V2024.3.5发布",
    "版本号2024.3.5.1",
    "见https://www.gov.cn/2024/3/5/a.html页面",
    "2024.13.5是无效日期",
    "圆周率约为3.14159",
    "2024.3.5",
]


@pytest.mark.parametrize("text", NOT_NUMBER_DATES)
def test_number_date_negative(engine: CheckEngine, text: str) -> None:
    assert run_check(engine, NumberDateCheck(), text) == []


MIXED_DATES = [
    (
        "二〇二四年三月五日印发。自2024年3月6日起施行，2024年3月7日截止。",
        [("二〇二四年三月五日", "2024年3月5日")],
    ),
    (
        "二〇二四年三月五日印发，二〇二四年三月六日起施行，2024年10月20日截止。",
        [("2024年10月20日", "二〇二四年十月二十日")],
    ),
    # a tie goes to Arabic numerals (GB/T 9704—2012 dates)
    ("二〇二四年十二月三十一日印发，2025年1月1日起施行。", [("二〇二四年十二月三十一日", "2024年12月31日")]),
    ("2024年3月5日印发，2024年3月6日起施行。", []),
    ("二〇二四年三月五日印发，二〇二四年三月六日起施行。", []),
]


@pytest.mark.parametrize(("text", "expected"), MIXED_DATES)
def test_number_date_mixed_styles(engine: CheckEngine, text: str, expected: list[tuple[str, str]]) -> None:
    found = run_check(engine, NumberDateCheck(), text)
    assert [(text[f.start : f.end], f.suggestion) for f in found] == expected
    assert all(f.rule == "format.number_date.mixed_style" and f.severity is Severity.INFO for f in found)


def test_wrong_zero_inside_a_minority_date_gives_both_findings(engine: CheckEngine) -> None:
    text = "二0二四年三月五日印发，2024年3月6日起施行。"
    found = run_check(engine, NumberDateCheck(), text)
    assert [(text[f.start : f.end], f.rule) for f in found] == [
        ("二0二四", "format.number_date.zero"),
        ("二0二四年三月五日", "format.number_date.mixed_style"),
    ]


def test_number_date_html(engine: CheckEngine) -> None:
    source = "<p>二<b>O</b>二四年</p><p>于2024/3/5发布</p>"
    result = engine.check(DraftInput(body=source, is_html=True))
    assert [(source[f.start : f.end], f.suggestion) for f in result.findings] == [
        ("二<b>O</b>二四", "二〇二四"),
        ("2024/3/5", "2024年3月5日"),
    ]


# --- format.number_date: numeral styles mixed inside one date -------------------------------------

MIXED_IN_DATE = [
    ("定于2024年五月举办运动会", "2024年五月", "2024年5月"),
    ("定于二〇二四年6月20日上午召开", "二〇二四年6月20日", "2024年6月20日"),
    ("于2024年6月二十日截止", "2024年6月二十日", "2024年6月20日"),
    ("二〇二四年六月20日", "二〇二四年六月20日", "2024年6月20日"),
    ("1949年十月一日", "1949年十月一日", "1949年10月1日"),
    ("2024年十二月底前完成", "2024年十二月", "2024年12月"),
    ("二〇二四年12月", "二〇二四年12月", "2024年12月"),
    ("2024年十一月份", "2024年十一月", "2024年11月"),
]


@pytest.mark.parametrize(("text", "span", "suggestion"), MIXED_IN_DATE)
def test_number_date_mixed_in_one_date(engine: CheckEngine, text: str, span: str, suggestion: str) -> None:
    found = run_check(engine, NumberDateCheck(), text)
    assert triples(found, text) == [(span, suggestion, "format.number_date.mixed_in_date")]
    assert found[0].severity is Severity.WARN
    assert "GB/T 15835" in found[0].explanation and "GB/T 9704" in found[0].explanation


def test_wrong_zero_in_a_mixed_date_is_one_finding(engine: CheckEngine) -> None:
    text = "二0二四年4月18日，我市召开推进会。"
    found = run_check(engine, NumberDateCheck(), text)
    assert triples(found, text) == [("二0二四年4月18日", "2024年4月18日", "format.number_date.mixed_in_date")]
    assert "〇" in found[0].explanation


NOT_MIXED_IN_DATE = [
    "2024年5月20日",
    "二〇二四年五月二十日",
    "2024年一季度",
    "2024年五一劳动节期间",
    "2024年1—5月",
    "2024年三个月内",
    "2024年十三届全国人大",
    # 夏历 (lunar) dates are written in Chinese numerals (GB/T 15835—2011)
    "2024年五月初五端午节",
    "2024年八月十五中秋节",
    "农历2024年五月",
    # invalid or garbled: left to the editor
    "2024年6月三十一日",
    "二000年5月",
]


@pytest.mark.parametrize("text", NOT_MIXED_IN_DATE)
def test_number_date_not_mixed_in_one_date(engine: CheckEngine, text: str) -> None:
    assert triples(run_check(engine, NumberDateCheck(), text), text) == []


# --- format.number_date: two-digit years ---------------------------------------------------

SHORT_YEARS = [
    ("今年1—6月较23年同期增长8.6%", "23年", "2023年"),
    ("23年5月以来", "23年", "2023年"),
    ("截至23年底", "23年", "2023年"),
    ("23年上半年", "23年", "2023年"),
    ("23年第一季度", "23年", "2023年"),
    ("23年度考核", "23年", "2023年"),
    ("比98年5月增加", "98年", "1998年"),
    ("25年底前建成", "25年", "2025年"),
    # a century that the document's date does not settle: no suggestion
    ("于50年5月成立", "50年", None),
]


@pytest.mark.parametrize(("text", "span", "suggestion"), SHORT_YEARS)
def test_number_date_short_year(engine: CheckEngine, text: str, span: str, suggestion: str | None) -> None:
    found = run_check(engine, NumberDateCheck(), text, doc_date=dt.date(2024, 7, 25))
    assert triples(found, text) == [(span, suggestion, "format.number_date.short_year")]
    assert "GB/T 15835" in found[0].explanation and "2024-07-25" in found[0].explanation


NOT_SHORT_YEARS = [
    "他在基层工作23年，",
    "23年来，我市坚持不懈。",
    "近23年来",
    "连续23年全年无事故",
    "长达23年底层工作",
    "民国23年5月",
    "昭和16年12月",
    "公元23年5月",
    "2023年5月",
    "1923年5月",
    "第23年度",
    "2022/23年度",
    "23年前",
    "23年间",
    "服刑13年6个月",
    "为前15年同期均数的4倍",
    "远超10年同期平均值",
    "后10年上半年",
    "坚守23年初心不改",
    "守住23年底线",
    "在这里23年度过了青春",
    "版本v1.23年初",
]


@pytest.mark.parametrize("text", NOT_SHORT_YEARS)
def test_number_date_not_short_year(engine: CheckEngine, text: str) -> None:
    assert triples(run_check(engine, NumberDateCheck(), text, doc_date=dt.date(2024, 7, 25)), text) == []


@pytest.mark.parametrize(
    ("short", "around", "expected"),
    [
        (23, 2024, 2023),
        (98, 2024, 1998),
        (29, 2024, 2029),
        (30, 2024, None),
        (93, 2024, None),
        (50, 2024, None),
        (5, 2001, 2005),
        (99, 2001, 1999),
        (10, 1985, None),
        (80, 1985, 1980),
    ],
)
def test_full_year(short: int, around: int, expected: int | None) -> None:
    assert full_year(short, around) == expected


def test_short_year_suggestion_uses_the_published_date(engine: CheckEngine) -> None:
    text = "较23年同期增长"
    found = run_check(engine, NumberDateCheck(), text, metadata=Metadata(published_date="2024-07-25"))
    assert [(f.suggestion, "2024-07-25" in f.explanation) for f in found] == [("2023年", True)]


# --- format.number_date: what was right at the document's date -----------------------------

OLD_ZEROS = [
    # before GB/T 15835—2011 (in force 2011-11-01) the zero of a Chinese year had no fixed form
    ("从一九五三年到一九八○年", dt.date(1982, 12, 1), []),
    ("一九五零年", dt.date(1959, 4, 18), []),
    ("本解释自二零零七年二月一日起施行。", dt.date(2007, 1, 12), []),
    ("二○一○年", dt.date(2011, 10, 31), []),
    # ... from then on it is 〇
    ("二○一二年", dt.date(2011, 11, 1), [("二○一二", "二〇一二")]),
    ("二零一二年", dt.date(2012, 5, 1), [("二零一二", "二〇一二")]),
    # a digit or a letter is never a Chinese numeral
    ("一九八0年", dt.date(1985, 1, 1), [("一九八0", "一九八〇")]),
    ("一九八O年", dt.date(1985, 1, 1), [("一九八O", "一九八〇")]),
    ("二００一年", dt.date(2002, 11, 8), [("二００一", "二〇〇一")]),
]


@pytest.mark.parametrize(("text", "when", "expected"), OLD_ZEROS)
def test_year_zero_depends_on_the_document_date(
    engine: CheckEngine, text: str, when: dt.date, expected: list[tuple[str, str]]
) -> None:
    found = run_check(engine, NumberDateCheck(), text, doc_date=when)
    assert [(text[f.start : f.end], f.suggestion) for f in found] == expected


def test_mixed_date_styles_before_gbt_9704_2012_are_not_reported(engine: CheckEngine) -> None:
    """GB/T 9704—1999 wrote the 成文日期 in Chinese numerals while the body used Arabic ones."""
    text = "自2013年3月6日起施行。\n二〇一三年三月五日"
    assert run_check(engine, NumberDateCheck(), text, doc_date=dt.date(2012, 6, 30)) == []
    found = run_check(engine, NumberDateCheck(), text, doc_date=dt.date(2013, 3, 5))
    assert [(text[f.start : f.end], f.rule) for f in found] == [
        ("二〇一三年三月五日", "format.number_date.mixed_style")
    ]


def test_dates_written_before_gbt_9704_2012_keep_their_style(engine: CheckEngine) -> None:
    """A consolidated law keeps the dates of its enactment as written; its amendments use Arabic numerals."""
    text = (
        "（1992年10月14日国务院令第106号发布　根据2018年9月18日《国务院关于修改部分行政法规的决定》修订）\n"
        "第二十六条 本条例自一九九三年一月一日起施行。一九五七年十二月四日发布的《试行办法》同时废止。"
    )
    assert run_check(engine, NumberDateCheck(), text, doc_date=dt.date(2018, 9, 18)) == []


@pytest.mark.parametrize("n", range(1, 32))
def test_chinese_small_numbers_round_trip(n: int) -> None:
    assert cn_small_to_int(int_to_cn_small(n)) == n


@pytest.mark.parametrize(
    ("value", "expected"), [("十", 10), ("十一", 11), ("二十", 20), ("二十五", 25), ("三十一", 31), ("九", 9)]
)
def test_chinese_small_numbers(value: str, expected: int) -> None:
    assert cn_small_to_int(value) == expected
    assert int_to_cn_small(expected) == value


def test_year_and_date_conversions() -> None:
    assert cn_year_to_int("二〇二四") == 2024
    assert cn_year_to_int("二O二四") == 2024
    assert chinese_date(2008, 8, 8) == "二〇〇八年八月八日"


# --- bench.false_alarms: the corpus run that measures false alarms on correct prose -------------


def test_false_alarm_bench_skips_without_corpus(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.false_alarms import main

    assert main(["--corpus-dir", str(tmp_path / "absent")]) == 0
    assert "not found" in capsys.readouterr().out


def test_false_alarm_bench_on_a_tiny_corpus(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from bench.false_alarms import main

    rows = [
        {"title": "1982", "content": "到一九八○年。\n本作品是中华人民共和国的\n法律,法规", "year": "1982"},
        {"title": "2017", "content": "你好,世界。", "year": "2017"},
    ]
    (tmp_path / "government_work_reports_1954_2017.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )
    out = tmp_path / "report.json"
    code = main(
        ["--corpus-dir", str(tmp_path), "--checks", "format", "--workers", "1", "--json", str(out), "--max-rate", "1"]
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    # the 1982 zero is right for its time and the Wikisource footer is not checked: one finding, the comma
    assert report["findings"] == 1 and list(report["per_category"]) == ["format.punctuation"]
    assert report["corpora"]["gov_reports"]["documents"] == 2
    assert code == 1  # above --max-rate
    assert "format.punctuation" in capsys.readouterr().out
