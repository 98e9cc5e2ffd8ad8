"""Real-word pairs decided by the character model (权利/权力, 必须/必需 …): the sentence decides, in both directions,
and correct use — also of the word the model sees less often — is left alone."""

from __future__ import annotations

import re

import numpy as np
import pytest

from checks import DraftInput
from checks.typo.pairs import PairLayer, PairListError, WordPair, read_pairs
from tests.paths import REPO_ROOT

PAIRS_FILE = REPO_ROOT / "dictionaries" / "typo" / "model_pairs.tsv"


def pair_findings(typo_engine, text: str) -> list[tuple[str, str | None]]:
    result = typo_engine.check(DraftInput(body=text))
    return [(text[f.start : f.end], f.suggestion) for f in result.findings if f.rule.startswith("typo.pair:")]


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("当事人有依法获得赔偿的权力。", "权力", "权利"),
        ("债权人对保证人所享有的权力，不受重整计划的影响。", "权力", "权利"),
        ("实施职业教育必需全面贯彻国家教育方针。", "必需", "必须"),
        ("国家安全机关在工作中必需依靠人民的支持。", "必需", "必须"),
    ],
)
def test_the_model_decides_a_listed_pair_in_context(typo_engine, text, wrong, right):
    assert pair_findings(typo_engine, text) == [(wrong, right)]


@pytest.mark.parametrize(
    "text",
    [
        "一切权力属于人民，国家机关依法行使权力。",
        "领导干部要正确行使权力，坚决查处滥用权力的行为。",  # the sentence names who holds the power
        "他是当地的权力人物。",
        "公民依法享有权利，同时必须履行义务。",
        "保障群众生活必需品供应，提供必需的条件。",
        "会议对下一步工作作出部署。",
        "新闻媒体作了广泛报道，新生已按时报到。",
        "检察机关依法对执法活动进行检查和监督。",
        "设置两年过渡期，防止过度开发。",
        "帮助企业渡过难关，度过寒冬。",
        "地方人大有权制订地方性法规。",  # 制订/制定 are near-synonyms: not a listed pair
        "帮派武装要求阻止过渡政府总理回国。",  # 过渡 forms compounds the laws rarely hold
        "听取关于生态环境和资源保护检察工作情况的报告。",
    ],
)
def test_correct_use_is_left_alone(typo_engine, text):
    assert pair_findings(typo_engine, text) == []


def test_finding_says_why_and_cites_the_dictionary(typo_engine):
    text = "当事人有依法获得赔偿的权力。"
    finding = next(f for f in typo_engine.check(DraftInput(body=text)).findings if f.rule.startswith("typo.pair:"))
    assert finding.rule == "typo.pair:权力→权利"
    assert "现汉" in finding.explanation and "权利" in finding.message


def test_shipped_pairs_are_words_of_equal_length_with_a_source():
    pairs = read_pairs(PAIRS_FILE)
    assert len(pairs) >= 20
    assert all(p.source and p.why and len(p.wrong) == len(p.right) >= 2 for p in pairs)
    assert ("制订", "制定") not in {(p.wrong, p.right) for p in pairs}


@pytest.mark.parametrize(
    "line", ["权力\t权利\t现汉", "权\t利\ts\tw", "权力\t权利益\ts\tw", "权力\t权利\ts\tw\t(", "权力\t权利\ts\tw\tx\ty"]
)
def test_malformed_pair_lines_are_refused(tmp_path, line):
    path = tmp_path / "pairs.tsv"
    path.write_text("# header\n" + line + "\n", encoding="utf-8")
    with pytest.raises(PairListError, match=r"pairs\.tsv:2"):
        read_pairs(path)


def test_unless_reads_only_the_sentence_of_the_word():
    pair = WordPair("权力", "权利", "s", "w", re.compile("机关"))
    assert pair.ruled_out("国家机关依法行使权力。", 8, 10)
    assert not pair.ruled_out("国家机关依法办事。当事人有依法获得赔偿的权力。", 20, 22)
    assert pair.ruled_out("当事人的权力由机关决定。", 4, 6)  # after the word, up to the sentence end


def test_protected_characters_are_never_touched(typo):
    text = "当事人有依法获得赔偿的权力。"
    touchable = np.ones(len(text), dtype=bool)
    assert [h.pair.wrong for h in typo.layers.pairs.find(text, touchable)] == ["权力"]
    touchable[text.index("权力")] = False
    assert typo.layers.pairs.find(text, touchable) == []


def test_repeated_contexts_are_asked_once_and_answered_alike(typo, monkeypatch):
    from checks.typo import pairs

    calls = {"changes": 0}
    gains = pairs.change_gains

    def counting(lm, text, changes):
        calls["changes"] += len(changes)
        return gains(lm, text, changes)

    monkeypatch.setattr(pairs, "change_gains", counting)
    line = "当事人有依法获得赔偿的权力。\n"
    layer = PairLayer([WordPair("权力", "权利", "s", "w")], typo.model.lm)
    per_copies = []
    for copies in (5, 100):
        calls["changes"] = 0
        text = line * copies
        hits = layer.find(text, np.ones(len(text), dtype=bool))
        assert [h.start for h in hits] == [k * len(line) + line.index("权力") for k in range(copies)]
        per_copies.append(calls["changes"])
    assert per_copies[0] == per_copies[1]


def test_context_at_the_edges_is_not_confused_with_the_middle(typo):
    layer = PairLayer([WordPair("权力", "权利", "s", "w")], typo.model.lm, min_gain=-1e9)
    text = "权力权力"
    hits = layer.find(text, np.ones(len(text), dtype=bool))
    from checks.typo.ngram_evidence import change_gain

    assert [round(h.gain, 6) for h in sorted(hits, key=lambda h: h.start)] == [
        round(change_gain(typo.model.lm, text, s, "权利"), 6) for s in sorted(h.start for h in hits)
    ]
