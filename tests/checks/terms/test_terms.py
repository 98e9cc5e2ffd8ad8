"""term.political, term.banned, term.outdated: positives must be caught, hard negatives must stay quiet."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from checks import CheckEngine, DraftInput, EngineConfig, Finding, Severity, build_engine
from checks.engine import DEFAULT_DICTIONARIES
from checks.terms.confusables import load_confusables
from checks.terms.factories import FACTORIES
from checks.terms.fuzzy import classify
from checks.terms.numerals import parse_number, to_chinese, years_in
from tests.paths import REPO_ROOT

TODAY = "2024-06-15"


@pytest.fixture(scope="module")
def engine(engine_of) -> CheckEngine:
    return engine_of(*FACTORIES)


def findings(engine: CheckEngine, text: str, doc_date: str = TODAY) -> list[Finding]:
    return list(engine.check(DraftInput(body=text, doc_date=dt.date.fromisoformat(doc_date))).findings)


def spans(engine: CheckEngine, text: str, doc_date: str = TODAY) -> list[tuple[str, str, str | None]]:
    return [(f.category, text[f.start : f.end], f.suggestion) for f in findings(engine, text, doc_date)]


# --- protected formulations and names: near misses -------------------------------------------------

FUZZY = [
    (
        "深入学习贯彻习近平新时代中国特色社会主意思想。",
        "习近平新时代中国特色社会主意思想",
        "习近平新时代中国特色社会主义思想",
    ),
    ("认真学习贯彻党的二十打精神。", "党的二十打", "党的二十大"),
    ("坚决做到两个维扩。", "两个维扩", "两个维护"),
    ("坚决做到两个护维。", "两个护维", "两个维护"),
    ("牢固树立四个意织。", "四个意织", "四个意识"),
    ("坚定拥护三个确立。", "三个确立", "两个确立"),
    ("传达学习二十届三种全会精神。", "二十届三种全会", "二十届三中全会"),
    ("推动构建人类命运共同休。", "人类命运共同休", "人类命运共同体"),
    ("我市与吉尔吉斯坦开展交流。", "吉尔吉斯坦", "吉尔吉斯斯坦"),
    ("国家卫生和健康委员会发布通知。", "国家卫生和健康委员会", "国家卫生健康委员会"),
    ("文化旅游部公布名单。", "文化旅游部", "文化和旅游部"),
    ("习近乎总书记强调。", "习近乎总书记", "习近平总书记"),
    ("会见外宾的是习近乎。", "习近乎", "习近平"),
    ("国家市场监督管理总居发布案例。", "国家市场监督管理总居", "国家市场监督管理总局"),
    ("全面实施百县千镇万村高质量发屐工程。", "百县千镇万村高质量发屐工程", "百县千镇万村高质量发展工程"),
    (
        "深入学习习近平新时代中国特色社会主主义思想。",
        "习近平新时代中国特色社会主主义思想",
        "习近平新时代中国特色社会主义思想",
    ),
    ("深入学习习近平新时代中国特社会主义思想。", "习近平新时代中国特社会主义思想", "习近平新时代中国特色社会主义思想"),
]


@pytest.mark.parametrize(("text", "span", "canonical"), FUZZY)
def test_near_miss_of_a_protected_text_is_caught_with_the_canonical_text(
    engine: CheckEngine, text: str, span: str, canonical: str
) -> None:
    assert ("term.political", span, canonical) in spans(engine, text)


def test_a_wrong_character_in_a_leader_agency_or_country_name_blocks(engine: CheckEngine) -> None:
    for text in ("习近乎总书记强调。", "国家卫生和健康委员会发布通知。", "我市与吉尔吉斯坦开展交流。"):
        (finding,) = findings(engine, text)
        assert finding.severity is Severity.BLOCK
        assert finding.category == "term.political"


# --- hard negatives: correct text, ordinary words, history, quotations, local names -----------------

QUIET = [
    ("深入学习贯彻习近平新时代中国特色社会主义思想，坚定拥护“两个确立”、坚决做到“两个维护”。", TODAY),
    ("增强“四个意识”、坚定“四个自信”，统筹推进“五位一体”总体布局，协调推进“四个全面”战略布局。", TODAY),
    ("他买了四个信封和两个维修工具包。", TODAY),
    ("生态环境补偿机制不断健全，生态环境不断改善。", TODAY),
    ("掀起了一个全面发展的新高潮。", TODAY),
    ("全国人大常委会副委员长出席开幕式，中央军委副主席出席会议。", TODAY),
    ("要实现中华民族的伟大复兴，必须坚持中国特色的社会主义道路。", "1998-03-05"),
    ("要统筹好发展和安全。", TODAY),
    ("住房城乡建设部、人力资源社会保障部发布通知。", TODAY),
    ("击败俄罗斯选手后，他进入决赛。", TODAY),
    ("国有参股企业中中国共产党基层组织建设。", TODAY),
    ("甲子镇、碣石镇、星都经济开发试验区开展人居环境整治。", TODAY),
    ("美国、日本、台湾等国家和地区的客商参加了交易会。", TODAY),
    ("全市开展维护香港国家安全法宣传活动。", TODAY),
    ("市农业农村局推进农村长期稳定发展。", TODAY),
    ("镇里为大学生村官举办专题培训。", TODAY),
    ("他在《前苏联史》一书中记述了这段历史。", TODAY),
    ("文化部门要加强农村公共文化服务，交通部门做好春运保障。", TODAY),
    ("叙利亚卫生部表示，地震已造成数百人死亡。", TODAY),
    ("根据《最低工资规定》（劳动和社会保障部令第21号）执行。", TODAY),
    ("还到黑瞎子岛、扎龙自然保护区等地调研。", TODAY),
]


@pytest.mark.parametrize(("text", "doc_date"), QUIET)
def test_hard_negatives_have_no_term_finding(engine: CheckEngine, text: str, doc_date: str) -> None:
    assert spans(engine, text, doc_date) == []


# --- wording rules ------------------------------------------------------------------------------------

WORDING = [
    ("据报道，台湾政府宣布调整政策。", "term.political", "台湾政府", "台湾当局", Severity.BLOCK),
    ("台湾总统选举结束后。", "term.political", "台湾总统选举", "台湾地区领导人选举", Severity.BLOCK),
    ("本次论坛吸引了两岸三地的青年参加。", "term.political", "两岸三地", None, Severity.BLOCK),
    ("展会吸引了美国、日本、香港等国家的客商。", "term.political", "国家", "国家和地区", Severity.BLOCK),
    ("来自新加坡、台湾等国家的侨胞回乡寻根。", "term.political", "国家", "国家和地区", Severity.BLOCK),
    ("香港政府公布施政报告。", "term.political", "香港政府", "香港特区政府", Severity.WARN),
    ("村长陈某带领村民清理河道。", "term.banned", "村长", "村委会主任", Severity.WARN),
    ("镇残联为残废人发放轮椅。", "term.banned", "残废人", "残疾人", Severity.WARN),
    ("据老人回忆，解放前这里是一片盐碱滩。", "term.banned", "解放前", "新中国成立前", Severity.WARN),
    ("前苏联解体后，中亚各国相继独立。", "term.banned", "前苏联", "苏联", Severity.WARN),
    ("中共广东省省委书记到汕尾调研。", "term.banned", "省省委书记", "省委书记", Severity.WARN),
    ("积极参与“一带一路”战略。", "term.banned", "一带一路”战略", "一带一路”倡议", Severity.WARN),
]


@pytest.mark.parametrize(("text", "category", "span", "suggestion", "severity"), WORDING)
def test_wording_rules(
    engine: CheckEngine, text: str, category: str, span: str, suggestion: str | None, severity: Severity
) -> None:
    matched = [f for f in findings(engine, text) if text[f.start : f.end] == span and f.category == category]
    assert matched, spans(engine, text)
    assert matched[0].suggestion == suggestion
    assert matched[0].severity is severity


def test_a_quoted_title_keeps_its_old_wording(engine: CheckEngine) -> None:
    assert spans(engine, "他在《前苏联史》中写道。") == []
    assert spans(engine, "前苏联史料丰富。") != []


# --- outdated names and date-tied figures, judged against doc_date --------------------------------

DATED = [
    # text, doc_date, expected span (None: no finding), suggestion
    ("国家工商行政管理总局近日印发通知。", "2024-06-01", "国家工商行政管理总局", "国家市场监督管理总局"),
    ("国家工商行政管理总局近日印发通知。", "2015-05-20", None, None),
    ("国家工商行政管理局发布规定。", "1995-06-01", None, None),
    ("国家工商行政管理局发布规定。", "2024-06-01", "国家工商行政管理局", "国家市场监督管理总局"),
    ("2017年，原国家工商行政管理总局作出处罚决定。", "2024-06-01", None, None),
    ("不再保留国土资源部，组建自然资源部。", "2024-06-01", None, None),
    ("陆丰市国土资源局开展排查。", "2024-06-01", "国土资源局", "自然资源局"),
    ("陆丰市国土资源局开展排查。", "2017-06-01", None, None),
    ("参加新农合的群众可即时结算。", "2024-06-01", "新农合", "城乡居民医保"),
    ("参加新农合的群众可即时结算。", "2012-06-01", None, None),
    ("今年是建党102周年。", "2024-07-01", "建党102周年", "建党103周年"),
    ("今年是建党103周年。", "2024-07-01", None, None),
    ("今年是新中国成立74周年。", "2024-09-28", "新中国成立74周年", "新中国成立75周年"),
    ("今年是新中国成立七十四周年。", "2024-09-28", "新中国成立七十四周年", "新中国成立七十五周年"),
    ("去年，我们隆重庆祝了中国共产党成立100周年。", "2022-03-05", None, None),
    ("2021年是中国共产党成立100周年。", "2024-06-01", None, None),
    ("迎接建党100周年。", "2020-06-01", None, None),
    ("今年是“十四五”规划收官之年。", "2026-02-20", "十四五", "十五五"),
    ("今年是“十四五”规划收官之年。", "2025-02-20", None, None),
    ("今年是“十四五”开局之年。", "2023-02-20", "十四五", None),
    ("“十四五”时期，我市经济年均增长5.6%。", "2026-02-20", None, None),
    ("深入学习贯彻党的十九大精神。", "2024-05-10", "党的十九大", "党的二十大"),
    ("深入学习贯彻党的二十大精神。", "2024-05-10", None, None),
    ("深入学习贯彻党的十九大精神。", "2019-05-10", None, None),
    ("党的十九大以来，我市取得决定性成就。", "2024-05-10", None, None),
    ("深入学习贯彻十九届六中全会精神。", "2024-04-01", "十九届六中全会", None),
]


@pytest.mark.parametrize(("text", "doc_date", "span", "suggestion"), DATED)
def test_outdated_and_dated_rules_follow_the_documents_date(
    engine: CheckEngine, text: str, doc_date: str, span: str | None, suggestion: str | None
) -> None:
    found = [f for f in findings(engine, text, doc_date) if f.category == "term.outdated"]
    if span is None:
        assert found == []
        return
    assert [(text[f.start : f.end], f.suggestion) for f in found] == [(span, suggestion)]


def test_outdated_finding_names_the_current_term_and_since_when(engine: CheckEngine) -> None:
    (finding,) = findings(engine, "国家工商行政管理总局近日印发通知。", "2024-06-01")
    assert "国家市场监督管理总局" in finding.message
    assert "2018年3月" in finding.message
    assert finding.rule == "term.outdated.saic"


def test_explanations_cite_the_source(engine: CheckEngine) -> None:
    (finding,) = findings(engine, "村长陈某带领村民清理河道。")
    assert "《新华社新闻信息报道中的禁用词和慎用词（2016年7月修订）》" in finding.explanation
    assert "新华通讯社" in finding.explanation and "2016-07-01" in finding.explanation
    (fuzzy,) = findings(engine, "坚决做到两个维扩。")
    assert "《高举中国特色社会主义伟大旗帜" in fuzzy.explanation and "2022-10-16" in fuzzy.explanation


def test_offsets_map_back_to_html_source(engine: CheckEngine) -> None:
    html = "<p>认真学习贯彻党的二十&nbsp;打精神。</p><p>坚决做到两个维扩。</p>"
    result = engine.check(DraftInput(body=html, is_html=True, doc_date=dt.date(2024, 6, 1)))
    assert [html[f.start : f.end] for f in result.findings] == ["两个维扩"]


# --- organisation lists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OrgConfig(EngineConfig):
    term_list_dirs: tuple[Path, ...] = ()


def _org_list(directory: Path, severity: str = "block") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "version": 1,
        "list_name": "测试单位错敏词",
        "category": "term.banned",
        "severity": severity,
        "sources": {
            "test_org": {
                "title": "测试单位错敏词表",
                "issuer": "测试单位办公室",
                "date": "2026-01-05",
                "url": "https://example.org/list",
                "verified": True,
            }
        },
        "wording": [
            {
                "id": "org_test_one",
                "text": "一把手",
                "suggestion": "主要负责同志",
                "source": "test_org",
                "reason": "不称一把手",
            }
        ],
    }
    (directory / "test.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_an_organisation_list_in_an_extra_directory_sets_its_severity(tmp_path: Path) -> None:
    _org_list(tmp_path / "lists", "block")
    engine = build_engine(_OrgConfig(enabled=tuple(FACTORIES), term_list_dirs=(tmp_path / "lists",)))
    (finding,) = engine.check(DraftInput(body="单位一把手亲自抓。", doc_date=dt.date(2026, 2, 1))).findings
    assert (finding.category, finding.severity, finding.suggestion) == ("term.banned", Severity.BLOCK, "主要负责同志")
    assert "测试单位错敏词" in finding.explanation and "测试单位办公室" in finding.explanation


def test_organisation_lists_under_dictionaries_terms_org_are_loaded(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(DEFAULT_DICTIONARIES / "terms", tmp_path / "terms")
    _org_list(tmp_path / "terms" / "org", "warn")
    engine = build_engine(EngineConfig(dictionaries_dir=tmp_path, enabled=tuple(FACTORIES)))
    (finding,) = engine.check(DraftInput(body="单位一把手亲自抓。")).findings
    assert finding.severity is Severity.WARN


# --- building blocks ----------------------------------------------------------------------------------


def test_classify_names_the_single_edit() -> None:
    assert classify("两个维护", "两个维扩").op == "substitute"
    assert classify("两个维护", "两个护维").op == "transpose"
    assert classify("吉尔吉斯斯坦", "吉尔吉斯坦").op == "delete"
    assert classify("国家卫生健康委员会", "国家卫生和健康委员会").op == "insert"
    assert classify("两个维护", "三个维修") is None


def test_confusables_come_from_pycorrector_data_and_the_supplement() -> None:
    from checks.terms.lexicon import load_lexicon

    conf = load_confusables("义大护", load_lexicon(DEFAULT_DICTIONARIES).confusables)
    assert conf.kind("义", "意") == "同音或近音字"
    assert conf.kind("大", "打") == "同音或近音字"
    assert conf.kind("护", "扩") == "形近字"
    assert conf.kind("义", "书") is None


@pytest.mark.parametrize(
    ("text", "value"), [("103", 103), ("一百零三", 103), ("七十五", 75), ("十", 10), ("一〇三", 103)]
)
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


def test_numbers_and_years() -> None:
    assert [to_chinese(n) for n in (5, 10, 15, 75, 100, 103, 110)] == [
        "五",
        "十",
        "十五",
        "七十五",
        "一百",
        "一百零三",
        "一百一十",
    ]
    assert years_in("1998年和二〇二一年") == [1998, 2021]


def test_matching_a_3000_character_draft_takes_a_few_milliseconds(engine: CheckEngine) -> None:
    from checks.document import build_document

    text = (REPO_ROOT / "bench" / "data" / "draft_3000.txt").read_text(encoding="utf-8")
    document = build_document("body", text, DraftInput(body=text), engine.segmenter)
    for check in engine.registry.checks:
        check.run(document)  # warm
    started = time.perf_counter()
    for _ in range(10):
        for check in engine.registry.checks:
            check.run(document)
    per_draft_ms = (time.perf_counter() - started) * 100
    assert per_draft_ms < 50, f"{per_draft_ms:.1f} ms"
