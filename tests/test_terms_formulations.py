"""term.political beyond one-character slips (issue 12): replaced or dropped words, collocations and order,
superseded formulations, meetings and leaders by date. Positives and their hard negatives side by side."""

from __future__ import annotations

import datetime as dt

import pytest

from checks import CheckEngine, DraftInput, EngineConfig, Severity, build_engine
from checks.terms.align import variants
from checks.terms.factories import FACTORIES


@pytest.fixture(scope="module")
def engine() -> CheckEngine:
    return build_engine(EngineConfig(enabled=tuple(FACTORIES)))


def political(engine: CheckEngine, text: str, doc_date: str) -> list[tuple[str, str | None, Severity]]:
    draft = DraftInput(body=text, doc_date=dt.date.fromisoformat(doc_date))
    return [
        (text[f.start : f.end], f.suggestion, f.severity)
        for f in engine.check(draft).findings
        if f.category == "term.political"
    ]


POSITIVES = [
    # 1. a word replaced inside a formulation (real words, no confusion set knows them)
    ("全面推进乡村复兴战略，促进农民增收。", "2024-06-01", "复兴", "乡村振兴战略"),
    ("要积极稳妥推进碳达标碳中和。", "2024-06-01", "达标", "碳达峰碳中和"),
    ("坚持精确扶贫、精准脱贫基本方略。", "2018-06-01", "精确扶贫", "精准扶贫"),  # four characters, one inner
    # 2. a word dropped
    ("推进国家治理体系和能力现代化。", "2024-06-01", "能力现代化", None),
    # 3. collocations and order
    ("全体党员要坚定“四个意识”。", "2024-06-01", "坚定", "增强“四个意识"),
    ("统筹推进“五位一体”战略布局。", "2024-06-01", "战略布局", "五位一体”总体布局"),
    ("要全面、准确、完整贯彻新发展理念。", "2024-06-01", "全面、准确、完整", "完整、准确、全面"),
    ("推动碳中和碳达峰工作。", "2024-06-01", "碳中和碳达峰", "碳达峰碳中和"),
    # 4. superseded by date
    ("紧密团结在以习近平同志为总书记的党中央周围。", "2020-06-01", "以习近平同志为总书记的党中央周围", None),
    # 5. congresses, plenums, sessions
    ("认真学习贯彻党的二十大四中全会精神。", "2025-11-01", "党的二十大四中全会", "党的二十届四中全会"),
    ("中国共产党第二十次全国人民代表大会胜利召开。", "2023-01-01", "全国人民代表大会", None),
    ("深入学习贯彻二十届五中全会精神。", "2025-11-01", "二十届五中全会", None),
    ("十四届全国人大六次会议审议通过了有关决定。", "2025-11-01", "十四届全国人大六次会议", None),
    ("认真学习十九届八中全会精神。", "2024-06-01", "十九届八中全会", None),
    ("全国人大三中全会审议了报告。", "2024-06-01", "全国人大三中全会", None),
    # 6. leaders: names, titles, officeholders by date
    ("习近平总事记强调，要做好经济工作。", "2025-11-01", "总事记", "习近平总书记"),
    ("国务院总理李克强主持召开国务院常务会议。", "2025-11-01", "李克强", "国务院总理李强"),
    ("李克强总理在政府工作报告中指出。", "2024-03-20", "李克强总理", "李强总理"),
]


@pytest.mark.parametrize(("text", "doc_date", "inside", "suggestion"), POSITIVES)
def test_each_error_class_is_caught_as_a_blocking_political_finding(
    engine: CheckEngine, text: str, doc_date: str, inside: str, suggestion: str | None
) -> None:
    found = political(engine, text, doc_date)
    assert any(inside in span for span, _, _ in found), found
    assert all(severity is Severity.BLOCK for _, _, severity in found)
    if suggestion is not None:
        assert any(s is not None and suggestion in s for _, s, _ in found), found


NEGATIVES = [
    ("全面推进乡村振兴战略，促进农民增收。", "2024-06-01"),
    ("这两个确定的目标都很重要。", "2024-06-01"),
    ("增强“四个意识”、坚定“四个自信”、做到“两个维护”。", "2024-06-01"),
    ("统筹推进“五位一体”总体布局，协调推进“四个全面”战略布局。", "2024-06-01"),
    ("完整、准确、全面贯彻新发展理念。", "2024-06-01"),
    ("提高产品的完整性，准确、全面地反映情况。", "2024-06-01"),  # generic items without their context
    ("紧密团结在以习近平同志为总书记的党中央周围。", "2015-06-01"),  # right at its date
    ("1998年，全党紧密团结在以江泽民同志为核心的党中央周围。", "1998-03-05"),
    ("深入学习贯彻二十届四中全会精神。", "2025-11-01"),
    ("党中央决定召开二十届四中全会。", "2025-09-01"),  # the coming plenum, named while it is prepared
    ("会议审议了十四届全国人大三次会议议程草案。", "2025-02-20"),  # the coming session
    ("迎接党的二十一大胜利召开。", "2025-11-01"),
    ("2015年，国务院总理李克强主持召开国务院常务会议。", "2025-11-01"),
    ("时任国务院总理李克强出席会议。", "2025-11-01"),
    ("国务院总理李强主持召开国务院常务会议。", "2025-11-01"),
    ("李克强总理在政府工作报告中指出。", "2021-03-20"),
    ("要确保信息安全和粮食安全。", "2024-06-01"),  # an open slot of a formulation: other words fill it
    ("坚持依法治理，推进共同富裕。", "2024-06-01"),  # 依法治理 is attested formal prose, not a slip of 依法治国
    ("学习贯彻党的二十届三中全会精神。", "2026-06-01"),  # beyond the calendar's reach: silent
]


@pytest.mark.parametrize(("text", "doc_date"), NEGATIVES)
def test_hard_negatives_stay_quiet(engine: CheckEngine, text: str, doc_date: str) -> None:
    assert political(engine, text, doc_date) == []


def test_alignment_keeps_both_ends_and_bounds_the_edit() -> None:
    assert variants("乡村振兴战略", "乡村复兴战略") == ("substitute", "振", "复")
    assert variants("碳达峰碳中和", "碳达标碳中和") == ("substitute", "峰", "标")
    assert variants("国家治理体系和治理能力现代化", "国家治理体系和能力现代化")[0] == "delete"
    assert variants("乡村振兴战略", "城市振兴战略") is None  # an end changed: not this formulation
    assert variants("乡村振兴战略", "乡村全面振兴战略") is None  # insertions are rewording
    assert variants("国家治理体系和治理能力现代化", "国家现代化") is None  # too much dropped


def test_findings_cite_the_rule_and_its_source(engine: CheckEngine) -> None:
    draft = DraftInput(body="统筹推进“五位一体”战略布局。", doc_date=dt.date(2024, 6, 1))
    (finding,) = [f for f in engine.check(draft).findings if f.category == "term.political"]
    assert "collocations.yaml" in finding.explanation and "来源" in finding.explanation


def test_an_earlier_session_presented_as_the_latest_is_outdated_not_political(engine: CheckEngine) -> None:
    text = "认真学习贯彻十三届全国人大五次会议精神。"
    late = DraftInput(body=text, doc_date=dt.date(2025, 6, 1))
    (finding,) = [f for f in engine.check(late).findings if f.category.startswith("term.")]
    assert (finding.category, finding.severity, finding.suggestion) == (
        "term.outdated",
        Severity.WARN,
        "十四届全国人大三次会议",
    )
    for when in (dt.date(2022, 6, 1), dt.date(2023, 3, 20), dt.date(2026, 6, 1)):  # latest, grace, beyond the table
        draft = DraftInput(body=text, doc_date=when)
        assert [f for f in engine.check(draft).findings if f.category.startswith("term.")] == [], when
