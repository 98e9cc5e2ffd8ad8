"""The typo check end to end: what it must catch, and what it must leave alone."""

from __future__ import annotations

import pytest

from checks import DraftInput
from checks.finding import Severity


def typos(typo_engine, text: str, **kw) -> list[tuple[str, str | None]]:
    result = typo_engine.check(DraftInput(body=text, **kw))
    assert all(f.category == "typo" for f in result.findings)
    return [(text[f.start : f.end], f.suggestion) for f in result.findings]


@pytest.mark.parametrize(
    ("wrong", "right"),
    [("再接再励", "再接再厉"), ("按步就班", "按部就班"), ("迫不急待", "迫不及待"), ("实事求事", "实事求是")],
)
def test_the_four_idioms_are_caught(typo_engine, wrong, right):
    text = f"全体干部要{wrong}，把各项工作做实做细。"
    assert typos(typo_engine, text) == [(wrong, right)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("认真贯切落实党中央决策部署。", [("贯切", "贯彻")]),
        ("认真落实党中央决策布署。", [("决策布署", "决策部署")]),
        ("要认真落实党中央决策部暑，切实履行主体责任。", [("暑", "署")]),
        ("各级人民政府应当加强对安全生产工作的领导，建立建全安全生产责任制。", [("建", "健")]),
        ("对违反本条列规定的行为，由县级以上人民政府有关部门依法予以处罚。", [("列", "例")]),
        ("进一步优化营商环镜，激发市场主体活力。", [("镜", "境")]),
        ("切实加强组织领导，确保各项政策措施落倒实处。", [("倒", "到")]),
        ("县级以上地方人民政府应当将生态环境保护工作纳入国民经济和社会发展规化。", [("化", "划")]),
        ("加强安全生产监督管理，防止和减少生产安全事古。", [("古", "故")]),
        ("依法保障公民的合法权宜。", [("宜", "益")]),
        ("不断提高服务水平和办事效律。", [("律", "率")]),
        ("形成工作合力，共同推进项目建没。", [("没", "设")]),
    ],
)
def test_confusions_in_government_prose(typo_engine, text, expected):
    assert typos(typo_engine, text) == expected


CORRECT_GOVERNMENT_SENTENCES = [
    "要认真落实党中央决策部署，切实履行主体责任，确保各项任务落到实处。",
    "全面推进乡村振兴，加快建设农业强国，扎实推动乡村产业、人才、文化、生态、组织振兴。",
    "本办法自发布之日起施行，由市人民政府办公室负责解释。",
    "对违反本条例规定的行为，由县级以上人民政府有关部门依法予以处罚。",
    "加强基层党组织建设，充分发挥战斗堡垒作用。",
    "进一步优化营商环境，激发市场主体活力。",
    "市场监督管理部门应当加强对食品安全的监督管理。",
    "认真贯彻落实习近平总书记重要讲话精神。",
    "严格执行中央八项规定精神，坚决反对形式主义、官僚主义。",
    "各级人民政府应当加强对安全生产工作的领导，建立健全安全生产责任制。",
    "县级以上地方人民政府应当将生态环境保护工作纳入国民经济和社会发展规划。",
    "全面落实河长制，加强水环境治理。",
    "要坚持以人民为中心的发展思想，推动高质量发展。",
    "各镇人民政府、街道办事处要加强对辖区内企业的安全检查。",
    "加快推进新型城镇化建设，促进城乡融合发展。",
    "全体党员干部要再接再厉，迫不及待的心情可以理解，但必须按部就班、实事求是。",
    "中乌双方同意深化务实合作，中阿、中海峰会取得丰硕成果，愿同伊方一道推动中伊全面战略伙伴关系。",
    "2024年全县接种疫苗301066.9万剂次，完成1114处隐患整改，生态环境部、国家卫生健康委予以通报。",
]


@pytest.mark.parametrize("text", CORRECT_GOVERNMENT_SENTENCES)
def test_correct_government_sentences_produce_nothing(typo_engine, text):
    assert typos(typo_engine, text) == []


def test_names_in_a_publicity_list_are_untouched(typo_engine):
    text = (
        "拟录用公务员名单公示\n"
        "经考试、考察和体检，拟录用以下人员：\n"
        "张伟、李娜、欧阳晓峰、陈建国、黄志强、林再励、王迫强、刘部署、赵按步。\n"
        "公示期间如有异议，请向市委组织部反映。"
    )
    assert typos(typo_engine, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "陆丰市碣石镇、甲子镇和星都经济开发试验区召开防汛工作会议。",
        "陆丰、碣石、甲子、星都等地积极开展环境整治。",
        "碣石镇浅澳村、甲子镇瀛东村的群众代表参加了座谈。",
    ],
)
def test_guangdong_place_names_are_untouched(typo_engine, text):
    assert typos(typo_engine, text) == []


def test_book_titles_are_untouched_even_by_the_curated_list(typo_engine):
    text = "学习《再接再励　迫不急待》一书，落实《关于建立建全工作机制的通知》。"
    assert typos(typo_engine, text) == []
    # the same wording outside a title is reported
    assert ("再接再励", "再接再厉") in typos(typo_engine, "大家要再接再励。")


def test_numbers_urls_and_english_are_untouched(typo_engine):
    text = (
        "2024年预算为1.5亿元，二〇二四年十二月三十一日前完成；（2024）粤1581执2345号；"
        "详见 https://www.gov.cn/zhengce/content 或来信 report@lufeng.gov.cn；"
        "The Belt and Road Initiative is open to all. 电话：0660-8888888，身份证号441581199001011234。"
    )
    assert typos(typo_engine, text) == []


def test_offsets_point_into_the_html_source(typo_engine):
    html = "<p>全体干部&nbsp;要<b>再接再励</b>，</p><p>认真落实决策部暑。</p>"
    result = typo_engine.check(DraftInput(body=html, is_html=True))
    spans = [(html[f.start : f.end], f.suggestion) for f in result.findings]
    assert spans == [("再接再励", "再接再厉"), ("暑", "署")]


def test_title_field_is_checked_too(typo_engine):
    result = typo_engine.check(DraftInput(body="正文没有问题。", title="关于再接再励做好防汛工作的通知"))
    assert [(f.field, f.suggestion) for f in result.findings] == [("title", "再接再厉")]


def test_finding_contract_and_explanation(typo_engine):
    result = typo_engine.check(DraftInput(body="要认真落实党中央决策部暑，切实履行主体责任。"))
    (finding,) = result.findings
    assert finding.severity is Severity.WARN
    assert finding.rule == "typo.char:暑→署"
    assert "“暑”可能应为“署”" in finding.message
    # why: which confusion, which model gain, which word it makes, which score against which threshold
    for part in ("同音", "语言模型", "提高", "部署", "判定得分", "阈值"):
        assert part in finding.explanation
    (idiom,) = typo_engine.check(DraftInput(body="我们要再接再励。")).findings
    assert idiom.rule == "typo.misspelling:再接再励"
    assert "易错词表" in idiom.explanation and "来源" in idiom.explanation


def test_a_typo_inside_a_term_finding_is_left_to_the_term_check():
    """The pipeline drops a typo finding inside a term.* span; the typo check itself just reports."""
    from checks.finding import Finding
    from checks.pipeline import deduplicate

    typo = Finding("typo", 2, 4, Severity.WARN, "m", "再接再厉", "typo.misspelling:再接再励", "e")
    term = Finding("term.political", 0, 6, Severity.WARN, "m", None, "term.x", "e")
    assert deduplicate([typo, term]) == [term]
