"""The typo layers one by one: fixed expressions, non-words, style-guide usage rules — positives and hard negatives."""

from __future__ import annotations

import numpy as np
import pytest

from checks import DraftInput
from checks.typo.check import TypoCheck
from checks.typo.idioms import IdiomIndex
from checks.typo.layers import LAYERS
from checks.typo.usage import UsageRuleError, UsageRules, parse_rules
from tests.paths import REPO_ROOT

RULES_FILE = REPO_ROOT / "dictionaries" / "typo" / "usage_rules.yaml"


def found(typo_engine, text: str) -> list[tuple[str, str | None, str]]:
    result = typo_engine.check(DraftInput(body=text))
    return [(text[f.start : f.end], f.suggestion, f.rule.split(":")[0]) for f in result.findings]


def only_layer(typo: TypoCheck, layer: str) -> TypoCheck:
    return TypoCheck(typo.model, typo.words, typo.surnames, typo.layers, [layer])


# ----------------------------------------------------------------------------- fixed expressions


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("国家机关工作人员滥永职权、玩忽职守的，依法给予处分。", "滥永职权", "滥用职权"),
        ("徇私舞弊、玩忽质守的，由其所在单位给予处分。", "玩忽质守", "玩忽职守"),
        ("全民健身活动蔚燃成风。", "蔚燃成风", "蔚然成风"),
        ("必须毫不东摇坚持党的领导。", "毫不东摇", "毫不动摇"),  # the segmenter takes 东摇 for a name
    ],
)
def test_idiom_one_character_away_is_caught_by_the_idiom_layer(typo, tokens_of, text, wrong, right):
    result = only_layer(typo, "idiom").analyze(text, tokens_of(text)).idioms
    assert [(h.written, h.idiom) for h in result] == [(wrong, right)]


@pytest.fixture(scope="module")
def tokens_of(typo_engine):
    return typo_engine.segmenter.tokens


@pytest.mark.parametrize(
    "text",
    [
        "要坚持实事求是，一切从实际出发。",  # the idiom itself
        "丰富多采的文化活动和丰富多彩的群众生活。",  # both accepted forms are listed
        "切实做到全心全意为人民服务。",
        "我们要以钉钉子精神抓好落实，久久为功。",
    ],
)
def test_idioms_and_their_accepted_variants_are_left_alone(typo_engine, text):
    assert [r for r in found(typo_engine, text) if r[2] == "typo.idiom"] == []


@pytest.mark.parametrize(
    "text",
    [
        "原文中“谈笑风声”应为“谈笑风生”，特此更正。",
        "第三段“截止2024年底”有误，更正为“截至2024年底”。",
        "本报昨日第二版将“迫不及待”误为“迫不急待”，特此更正。",
        "学习《谈笑风声录》一书。",
    ],
)
def test_a_quoted_error_in_a_correction_notice_or_a_title_is_left_alone(typo_engine, text):
    assert found(typo_engine, text) == []


def test_a_quoted_phrase_that_is_not_a_correction_is_still_checked(typo_engine):
    assert found(typo_engine, "大家要“再接再励”，争取更大成绩。") == [("再接再励", "再接再厉", "typo.misspelling")]


def test_idiom_index_finds_windows_one_character_away():
    index = IdiomIndex(["迫不及待", "再接再厉", "一如既往", "实事求是地"])
    near = {(start, index.idioms[k], blank) for start, k, blank in index.near("他迫不急待地要一如继往")}
    assert (1, "迫不及待", 2) in near
    assert (7, "一如既往", 2) in near
    assert all(index.idioms[k] != "再接再厉" for _, k, _ in index.near("他迫不急待地要一如继往"))


# ----------------------------------------------------------------------------- non-words


@pytest.mark.parametrize(
    ("text", "span", "right"),
    [
        ("一切为我国社会主义现代化建设作出贡献的劳东，都是光荣的。", "劳东", "劳动"),
        ("市场经营主体不做虚假选传，不售卖假冒伪劣产品。", "选传", "宣传"),
    ],
)
def test_non_word_one_edit_from_a_common_word(typo, tokens_of, text, span, right):
    check = only_layer(typo, "nonword")
    doc_tokens = tokens_of(text)
    _hits, area = check.prepare(text, doc_tokens)
    result = check.layers.nonwords.find(text, area.touchable, doc_tokens)
    assert [(text[h.start : h.end], h.word) for h in result] == [(span, right)]


def test_non_word_written_twice_is_a_coinage_not_a_slip(typo, tokens_of):
    text = "中方愿同哥方共同努力。哥方期待深化合作。"
    check = only_layer(typo, "nonword")
    tokens = tokens_of(text)
    _hits, area = check.prepare(text, tokens)
    assert check.layers.nonwords.find(text, area.touchable, tokens, min_gain=0.0) == []


def test_non_word_that_would_cut_a_dictionary_word_is_left_alone(typo, tokens_of):
    # 约定|俗成: 定俗 is an unseen pair, but 定时 would cut through 约定
    text = "约定俗成的通用名称以相关公众的通常认识为判断标准。"
    check = only_layer(typo, "nonword")
    tokens = tokens_of(text)
    _hits, area = check.prepare(text, tokens)
    assert check.layers.nonwords.find(text, area.touchable, tokens, min_gain=0.0) == []


def test_names_are_never_non_word_candidates(typo_engine):
    text = "经研究，同意任命张璜同志为办公室主任。"
    assert [r for r in found(typo_engine, text) if "璜" in r[0]] == []


# ----------------------------------------------------------------------------- usage rules


@pytest.mark.parametrize(
    ("text", "span", "right"),
    [
        ("截止2024年底，全市共有企业3000家。", "截止", "截至"),
        ("截止目前，已完成投资12亿元。", "截止", "截至"),
        ("报名截至日期为6月30日。", "截至", "截止"),
        ("群众反应的问题要及时解决。", "反应", "反映"),
        ("会议对下一步工作进行了部属。", "部属", "部署"),
        ("据新华社报到，会议在北京举行。", "报到", "报道"),
        ("新生请于9月1日按时报道。", "报道", "报到"),
        ("我们即要发展经济，又要保护环境。", "即", "既"),
        ("本办法自发布之日起施行，既日起停止执行原办法。", "既", "即"),
        ("体育彩票公益金必需用于体育事业发展。", "必需", "必须"),
        ("保障群众生活必须品供应。", "必须", "必需"),
        ("公民的基本权力受法律保护。", "权力", "权利"),
        ("推行权利清单制度。", "权利", "权力"),
        ("依法规定公民的权力和义务。", "权力", "权利"),
        ("地方人大有权制订地方性法规。", "制订", "制定"),
        ("即日起正式起用新的公章。", "起用", "启用"),
        ("防止过渡开发和过度放牧。", "过渡", "过度"),
        ("设置两年过度期。", "过度", "过渡"),
        ("代表团赴浙江实地考查。", "考查", "考察"),
        ("帮助企业渡过难关，度过寒冬。", None, None),
        ("全家人在一起渡过春节。", "渡过", "度过"),
        ("他认认真真的学习了文件。", "的", "地"),
        ("这项工作完成的很好。", "的", "得"),
        ("我们清醒的认识到，发展不平衡的问题依然突出。", "的", "地"),
        ("行业协会的权利机构是会员大会。", "权利", "权力"),
        ("经林权证等权力证书载明的共有人同意。", "权力", "权利"),
        ("诉讼时效自知道其权力被侵害之日起计算。", "权力", "权利"),
        ("发布招聘启示，公开招聘工作人员。", "启示", "启事"),
    ],
)
def test_usage_rules_fire_where_their_context_holds(typo_engine, text, span, right):
    usage = [(s, r) for s, r, rule in found(typo_engine, text) if rule == "typo.usage"]
    assert usage == ([] if span is None else [(span, right)])


@pytest.mark.parametrize(
    "text",
    [
        "截至2024年底，全市共有企业3000家。",
        "报名截止日期为6月30日。",
        "申请截止时间以邮戳为准。",
        "群众反映强烈的问题要及时解决，市场反应积极。",
        "出现药品不良反应应当及时报告，化学反应速度加快。",
        "会议对下一步工作作出部署，他关心自己的部属。",
        "新闻媒体作了广泛报道，新生已报到。",
        "我们既要发展经济，又要保护环境。",
        "本规定即日起施行，既往不咎。",
        "既便于群众办事，又节约行政成本。",
        "必须坚持党的领导，保障生活必需品供应，这是所必需的。",
        "国家权力机关依法行使权力，公民依法享有权利，履行义务。",
        "剥夺政治权利终身。",
        "制定法律和地方性法规，制订年度工作计划。",
        "启用新的公章，大胆起用年轻干部。",
        "设置两年过渡期，防止过度开发。",
        "考查学生的学习成绩，赴浙江考察调研。",
        "帮助企业渡过难关，大家度过了一个欢乐祥和的春节。",
        "他认认真真地学习了文件，这项工作完成得很好。",
        "各地要方方面面的考虑周全，实实在在的成效。",
        "这是我们共同的奋斗目标，不断的努力终有回报。",
        "我们的认识到位了，大家的看到了成效。",
        "扎扎实实的就业举措让群众感受到实实在在的获得感。",
        "第十一章 关于国际申请的特别规定",
        "对犯罪活动进行坚决的打击，问题得到切实的解决。",
        "坚决打破条条块块的分割，有的不够健全，有的执行又不够严格。",
        "我们必须保持清醒头脑，作好克服更大困难的准备。",
        "向受灾地区派遣了快速反应小组。",
        "发布招聘启事，得到深刻启示。",
        "权力人物的更迭，权力人士的更替。",
        "依法保护权利人的合法权益。",
    ],
)
def test_usage_rules_leave_correct_use_alone(typo_engine, text):
    assert [r for r in found(typo_engine, text) if r[2] == "typo.usage"] == []


def test_every_shipped_rule_has_a_source_and_a_context():
    rules = UsageRules.load(RULES_FILE).rules
    assert len(rules) >= 30
    for rule in rules:
        assert rule.source and rule.why
        assert rule.before or rule.after or rule.before_pos or rule.after_pos


@pytest.mark.parametrize(
    "data",
    [
        {"rules": [{"id": "x", "wrong": "截止", "right": "截至", "source": "s", "why": "w"}]},  # no context
        {"rules": [{"id": "x", "wrong": "a", "right": "b", "source": "s", "why": "w", "after": "("}]},  # bad regex
        {"rules": [{"id": "x", "wrong": "a", "right": "b", "source": "s", "why": "w", "after": "c", "typo": 1}]},
        {"rules": "not a list"},
    ],
)
def test_malformed_usage_rules_are_refused(data):
    with pytest.raises(UsageRuleError):
        parse_rules(data)


def test_usage_finding_cites_its_source(typo_engine):
    result = typo_engine.check(DraftInput(body="截止2024年底，全市共有企业3000家。"))
    (finding,) = result.findings
    assert finding.rule == "typo.usage:jiezhi-before-time"
    assert "现汉" in finding.explanation and "截至" in finding.message


# ----------------------------------------------------------------------------- the layers together


def test_layers_can_be_switched_one_by_one(typo, tokens_of):
    text = "我们即要发展经济，又要保护环境；滥永职权的，依法处理。"
    tokens = tokens_of(text)
    usage = only_layer(typo, "usage").analyze(text, tokens)
    idioms = only_layer(typo, "idiom").analyze(text, tokens)
    assert [h.rule.wrong for h in usage.usage] == ["即"] and usage.idioms == []
    assert [h.written for h in idioms.idioms] == ["滥永职权"] and idioms.usage == []


def test_unknown_layer_is_refused(typo):
    with pytest.raises(ValueError, match="unknown typo layers"):
        TypoCheck(typo.model, typo.words, typo.surnames, typo.layers, ["spelling"])


def test_layers_constant_lists_the_order_of_precedence():
    assert LAYERS == ("misspelling", "usage", "pair", "idiom", "char", "nonword")


def test_an_earlier_layer_hides_its_characters_from_the_later_ones(typo, tokens_of):
    text = "我们即要发展经济，又要保护环境。"
    tokens = tokens_of(text)
    result = typo.analyze(text, tokens)
    flagged = [h.start for h in result.usage] + [c.pos for c in result.corrections]
    assert flagged.count(text.index("即")) == 1


def test_empty_and_tiny_texts(typo, tokens_of):
    for text in ("", "的", "迫不"):
        result = typo.analyze(text, tokens_of(text))
        assert result.usage == [] and result.idioms == [] and result.nonwords == [] and result.pairs == []
    assert typo.layers.nonwords.unseen_pairs("", np.zeros(0, bool)).size == 0
