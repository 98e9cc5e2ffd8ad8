"""term.political beyond one-character slips (issue 12): replaced or dropped words, collocations and order,
superseded formulations, meetings and leaders by date. Positives and their hard negatives side by side."""

from __future__ import annotations

import datetime as dt

import pytest

from checks import CheckEngine, DraftInput, Severity
from checks.terms.align import variants
from checks.terms.factories import FACTORIES


@pytest.fixture(scope="module")
def engine(engine_of) -> CheckEngine:
    return engine_of(*FACTORIES)


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
    # the 3rd and 4th plenums of the 20th Central Committee and the work reports 2023–2025
    ("加快高水平科学自立自强，引领发展新质生产力。", "2025-12-01", "科学", "加快高水平科技自立自强"),
    ("以铸牢中华民族共同体理念为主线。", "2025-06-01", "理念", "以铸牢中华民族共同体意识为主线"),
    ("要因地制宜建设新质生产力。", "2025-06-01", "建设", "发展新质生产力"),
    ("实施更加积极的货币政策。", "2025-06-01", "更加积极的", "适度宽松的货币政策"),
    ("坚持智能化、融合化、绿色化方向。", "2025-12-01", "融合化、绿色化", "智能化、绿色化、融合化"),
    ("坚持投资于人和投资于物紧密结合。", "2025-12-01", "投资于人和投资于物", "投资于物和投资于人"),
    (
        "推动生产力和生产关系、上层建筑和经济基础、国家治理和社会发展更好相适应。",
        "2024-09-01",
        "生产力和生产关系",
        None,
    ),
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
    ("实施更加积极的财政政策和适度宽松的货币政策。", "2025-06-01"),
    ("继续实施积极的财政政策和稳健的货币政策。", "2024-06-01"),  # neither word belongs to the other policy
    ("推进全国统一大市场建设，因地制宜发展新质生产力。", "2025-06-01"),
    ("坚持智能化、绿色化、融合化方向。", "2025-12-01"),
    ("推动传统产业绿色化、智能化转型。", "2025-12-01"),  # not the enumeration: two items, no context word
    ("经济基础和上层建筑的关系，生产力和生产关系的矛盾。", "2024-09-01"),  # textbook order, not the plenum's list
    ("加快高水平科学自立自强。", "2024-06-01"),  # written before the 4th plenum: its wording did not exist yet
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


# A past NPC or CPPCC term presented as the sitting one (class 5): positives, and real prose that looks back.
PAST_TERM_AS_CURRENT = [
    ("今年3月，他出席了十三届全国政协三次会议，围绕乡村振兴建言献策。", "2025-05-10", "十三届全国政协三次会议"),
    ("本届全国人大即第十三届全国人大，代表们积极履职。", "2025-04-01", "第十三届全国人大"),
    ("张某某现任十三届全国人大代表、某公司董事长。", "2025-04-01", "十三届全国人大代表"),
    ("目前，十三届全国人大代表正在开展集中视察。", "2024-09-01", "十三届全国人大代表"),
    ("十二届全国政协委员近日赴基层开展专题调研。", "2019-06-01", "十二届全国政协委员"),
    ("3月4日，出席十三届全国政协三次会议的委员们抵达北京。", "2025-03-06", "十三届全国政协三次会议"),
    (
        "今年3月11日第十三届全国人民代表大会第一次会议通过的宪法修正案",
        "2025-09-16",
        "第十三届全国人民代表大会第一次会议",
    ),
]

PAST_TERM_LOOKING_BACK = [
    # real law texts at a later date: amendment history and the rule being interpreted
    (
        "2015年8月29日 第十二届全国人民代表大会常务委员会第十六次会议通过的《中华人民共和国刑法修正案（九）》",
        "2023-12-29",
    ),
    (
        "为正确适用第十二届全国人民代表大会常务委员会第十一次会议决定修改的《中华人民共和国行政诉讼法》，"
        "结合人民法院行政审判工作实际，现就有关条款的适用问题解释如下：",
        "2025-06-01",
    ),
    # a real report sentence at its own date, when that term was the sitting one
    ("7月，十三届全国人大常委会第四次会议听取和审议了全国人大常委会执法检查组的报告。", "2018-09-29"),
    ("在十三届全国人大一次会议上，代表们审议通过了宪法修正案，目前已全面施行。", "2025-06-01"),
    ("时任十三届全国人大代表的张某某今年退休。", "2025-06-01"),
    ("原十三届全国人大代表张某某今年被查处。", "2025-06-01"),
    ("2020年，十三届全国人大常委会审议了该法草案，目前已施行。", "2025-06-01"),
    ("第十三届全国人大期间，共制定法律四十余件，目前均已施行。", "2025-06-01"),
    ("当前，十三届全国政协委员在过去五年中提出的提案已全部办结。", "2025-06-01"),
    ("目前施行的这部法律由十三届全国人大常委会第二十次会议审议通过。", "2025-06-01"),
    ("十四届全国人大常委会近日审议了该法草案。", "2025-06-01"),
    ("3月4日，出席十四届全国政协三次会议的委员们抵达北京。", "2025-03-06"),
    ("5月，十三届全国人大三次会议在京召开。", "2020-06-01"),
    ("去年3月，十三届全国人大五次会议审议了该议案。", "2023-06-01"),
    ("去年，十三届全国人大五次会议于3月5日开幕。", "2023-06-01"),
    ("十三届全国人大常委会近日审议了该法草案。", "2021-06-01"),
    ("十三届全国人大常委会近日审议了该法草案。", "2023-02-01"),
    ("今年2月，十三届全国人大常委会第三十九次会议通过了该决定。", "2023-06-01"),  # its last months
    ("今年是十三届全国人大一次会议通过宪法修正案七周年。", "2025-03-11"),  # before the 14th NPC first met
]


@pytest.mark.parametrize(("text", "doc_date", "span"), PAST_TERM_AS_CURRENT)
def test_a_past_npc_or_cppcc_term_told_as_current_blocks(
    engine: CheckEngine, text: str, doc_date: str, span: str
) -> None:
    draft = DraftInput(body=text, doc_date=dt.date.fromisoformat(doc_date))
    hits = [f for f in engine.check(draft).findings if f.rule == "term.political.session.term_not_current"]
    assert [text[f.start : f.end] for f in hits] == [span]
    assert hits[0].severity == Severity.BLOCK
    assert "不是本届" in hits[0].message and "calendar" not in hits[0].message


@pytest.mark.parametrize(("text", "doc_date"), PAST_TERM_LOOKING_BACK)
def test_a_past_term_named_in_looking_back_prose_stays_quiet(engine: CheckEngine, text: str, doc_date: str) -> None:
    assert political(engine, text, doc_date) == []


# Two-character leaders' names (李强, 韩正, 张军 …): a given name's character swapped for a look- or sound-alike,
# next to a title, is block; other people, names without titles and ordinary words are not.
SHORT_NAME_SLIPS = [
    ("最高人民法院院长张君作工作报告。", "2025-03-08", "最高人民法院院长张君", "最高人民法院院长张军"),
    ("中央纪委书记李西出席会议。", "2025-06-01", "中央纪委书记李西", "中央纪委书记李希"),
    ("国务院副总理刘赫出席论坛。", "2020-06-01", "国务院副总理刘赫", "国务院副总理刘鹤"),
    ("刘贺副总理出席论坛并致辞。", "2020-06-01", "刘贺副总理", "刘鹤副总理"),
    ("最高人民检察院检察长应永作报告。", "2025-03-08", "应永", "应勇"),
    ("国务院副总理马恺出席。", "2016-06-01", "马恺", "马凯"),
    ("全国政协主席汪样出席开幕式。", "2020-06-01", "汪样", "汪洋"),
    ("李蔷总理在会上强调。", "2025-06-01", "李蔷总理", "李强总理"),
]

SHORT_NAME_QUIET = [
    ("国务院总理李鹏作政府工作报告。", "1995-03-05"),  # another premier: not a look-alike of 李强
    ("王洋副总理出席。", "2025-06-01"),  # the surname differs: somebody else
    ("李墙同志说，要抓好落实。", "2025-06-01"),  # no title next to the name
    ("韩证副主席出席。", "2025-06-01"),  # 主席/副主席 after a name: too many holders of such titles
    ("国务院副总理马恺出席。", "2012-06-01"),  # 马凯 became vice-premier in 2013
    ("张军院长、应勇检察长作报告。", "2025-03-08"),
    ("最高人民法院院长张军作工作报告。", "2025-03-08"),
    ("各位委员长期坚持调研。", "2025-06-01"),
    ("李强总理主持召开国务院常务会议。", "2025-06-01"),
]


@pytest.mark.parametrize(("text", "doc_date", "inside", "suggestion"), SHORT_NAME_SLIPS)
def test_a_slip_in_a_two_character_leader_name_blocks(
    engine: CheckEngine, text: str, doc_date: str, inside: str, suggestion: str
) -> None:
    found = political(engine, text, doc_date)
    assert any(inside in span for span, _, _ in found), found
    assert any(s is not None and suggestion in s for _, s, _ in found), found
    assert all(severity is Severity.BLOCK for _, _, severity in found)


@pytest.mark.parametrize(("text", "doc_date"), SHORT_NAME_QUIET)
def test_two_character_names_of_others_and_untitled_names_stay_quiet(
    engine: CheckEngine, text: str, doc_date: str
) -> None:
    assert political(engine, text, doc_date) == []
