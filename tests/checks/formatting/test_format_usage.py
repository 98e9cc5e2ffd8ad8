"""Number and punctuation usage (GB/T 15835 / GB/T 15834) and text that would look broken when published."""

from __future__ import annotations

import pytest

from checks import DraftInput
from checks.engine import CheckEngine

NESTED = "format.punctuation.nested_title"
NESTED_HEADINGS = "一、总则\n（一）范围\n（二）原则\n二、职责\n（一）甲\n"


@pytest.fixture(scope="module")
def engine(engine_of) -> CheckEngine:
    return engine_of("format.number_usage", "format.punctuation_usage")


def found(engine: CheckEngine, text: str) -> list[tuple[str, str | None, str]]:
    result = engine.check(DraftInput(body=text))
    return [(text[f.start : f.end], f.suggestion, f.rule) for f in result.findings]


@pytest.mark.parametrize(
    ("text", "span", "suggestion", "rule"),
    [
        ("约300余人参加了培训。", "约300余", "约300", "format.number_date.approximation"),
        ("全市近20多家企业参展。", "近20多", "近20", "format.number_date.approximation"),
        ("现场约50人左右。", "约50人左右", "约50人", "format.number_date.approximation"),
        ("共清运垃圾1.2余吨。", "1.2余", None, "format.number_date.approximation"),
        ("发现问题20多余处。", "20多余", "20余", "format.number_date.approximation"),
        ("来了二、三十人。", "二、三十", "二三十", "format.number_date.approximate_comma"),
        ("总投资5千万元。", "5千万", "5000万", "format.number_date.mixed_numeral"),
        ("新建道路3百米。", "3百", "300", "format.number_date.mixed_numeral"),
        ("2023年至2025完成。", "2023年至2025", "2023年至2025年", "format.number_date.range_unit"),
        ("2023-2025年规划。", "2023-2025年", "2023—2025年", "format.punctuation.range_mark"),
        ("预计3-5个工作日办结。", "3-5个", "3～5个", "format.punctuation.range_mark"),
        ("学《关于《民法典》的解读》。", "《关于《民法典》的解读》", "《关于〈民法典〉的解读》", NESTED),
        ("认真学习《《民法典》》。", "《《民法典》》", "《民法典》", NESTED),
        ("<p>通知如下</p>", "<p>", "", "format.punctuation.markup_remnant"),
        ("<p>通知如下</p>", "</p>", "", "format.punctuation.markup_remnant"),
        ("请各单位&nbsp;按时报送。", "&nbsp;", " ", "format.punctuation.markup_remnant"),
        ("会议地点锟斤拷锟斤拷市政府。", "锟斤拷锟斤拷", None, "format.punctuation.mojibake"),
        ("联系人：Ã¤Â¸Â­张三", "Ã¤Â¸Â­", None, "format.punctuation.mojibake"),
    ],
)
def test_usage_positive(engine: CheckEngine, text: str, span: str, suggestion: str | None, rule: str) -> None:
    assert (span, suggestion, rule) in found(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "约300人参加了培训，300余人参加了考试，近20家企业参展。",
        "现场50人左右，共清运垃圾1.2吨，发现问题20余处，多余的物资已退回。",
        "来了二三十人，一、二等奖各3名，第一、二批名单。",
        "总投资5000万元，新建道路300米，年产量3千克，功率5千瓦，提高2个百分点。",
        "实施2023—2025年行动计划，2023年至2025年完成。",
        "电话0660-3312345，日期2024-03-05，编号GB/T 15834-2011，比分3-1。",
        "学习《关于〈民法典〉的解读》一书和《民法典》。",
        "访问 https://www.gov.cn/2023-2025年/index.html 了解详情。",
        "面积为5-3号地块。",
        "张三、李四参加。",
    ],
)
def test_usage_negative(engine: CheckEngine, text: str) -> None:
    assert found(engine, text) == []


def test_enumeration_skips_and_repeats(engine_of) -> None:
    engine = engine_of("format.number_usage")
    text = NESTED_HEADINGS + "（三）乙\n四、附则\n1. 甲\n2. 乙\n2. 丙\n53. 丁\n55. 戊"
    got = [(text[f.start : f.end], f.suggestion) for f in engine.check(DraftInput(body=text)).findings]
    assert got == [("三", None), ("四", None), ("2", None), ("53", None), ("55", None)]
    messages = [f.message for f in engine.check(DraftInput(body=text)).findings]
    assert "应为“三”" in messages[1] and "跳号" in messages[1] and "重复" in messages[2]


def test_enumerations_that_run_on_or_restart_are_fine(engine_of) -> None:
    engine = engine_of("format.number_usage")
    text = NESTED_HEADINGS + "（二）乙\n三、附则\n1. 甲\n2. 乙\n3. 丙\n1. 另一个清单\n2. 继续"
    assert list(engine.check(DraftInput(body=text)).findings) == []


def test_findings_cite_the_standard(engine: CheckEngine) -> None:
    result = engine.check(DraftInput(body="2023-2025年规划，约300余人。"))
    explanations = {f.rule: f.explanation for f in result.findings}
    assert "GB/T 15834—2011" in explanations["format.punctuation.range_mark"]
    assert "GB/T 15835—2011" in explanations["format.number_date.approximation"]
    assert {f.category for f in result.findings} == {"format.punctuation", "format.number_date"}


def test_html_entities_in_an_html_body_are_not_remnants(engine: CheckEngine) -> None:
    html = "<p>请各单位&nbsp;按时报送。</p><p>2024年工作要点</p>"
    assert list(engine.check(DraftInput(body=html, is_html=True)).findings) == []


def test_a_skip_is_a_hint_and_a_repeat_a_warning(engine_of) -> None:
    engine = engine_of("format.number_usage")
    findings = engine.check(DraftInput(body="一、总则\n二、职责\n四、附则\n四、其他")).findings
    assert [(f.severity.value, f.message[:4]) for f in findings] == [("info", "序号跳号"), ("warn", "序号重复")]


def test_texts_older_than_the_standards_keep_the_usage_of_their_time(engine: CheckEngine) -> None:
    import datetime as dt

    text = "经过二、三个月，约300余人参加，制定2001-2005年规划。"
    assert list(engine.check(DraftInput(body=text, doc_date=dt.date(2001, 3, 5))).findings) == []
    assert len(engine.check(DraftInput(body=text, doc_date=dt.date(2024, 3, 5))).findings) == 3
