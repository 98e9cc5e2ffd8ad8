"""Attested collocates (issue 12, class 3): the counted knowledge in collocates.jsonl, its build script, and the
rule that reports a confusable verb or head noun a formulation is never seen with, and swapped halves.
Positives and hard negatives side by side."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from checks import CheckEngine, DraftInput
from checks.document import build_document
from checks.terms.collocates import AttestedCollocates
from checks.terms.context import DocContext
from checks.terms.factories import FACTORIES
from checks.terms.lexicon import load_collocates, load_lexicon
from checks.terms.schema import CollocatesFile, CollocationsFile, Source
from checks.terms.yamlfile import DictionaryError
from tests.paths import REPO_ROOT

REPO = REPO_ROOT
TERMS = REPO / "dictionaries" / "terms"


@pytest.fixture(scope="module")
def engine(engine_of) -> CheckEngine:
    return engine_of(*FACTORIES)


def political(engine: CheckEngine, text: str, doc_date: str = "2025-06-01") -> list[tuple[str, str | None, str]]:
    draft = DraftInput(body=text, doc_date=dt.date.fromisoformat(doc_date))
    return [
        (text[f.start : f.end], f.suggestion, f.rule)
        for f in engine.check(draft).findings
        if f.category == "term.political"
    ]


# -- the knowledge ---------------------------------------------------------------------------------------------


def test_every_formulation_has_a_collocates_entry_and_400_have_corpus_counts() -> None:
    lexicon = load_lexicon(REPO / "dictionaries")
    assert lexicon.collocates is not None
    entries = {e.id: e for e in lexicon.collocates.formulations}
    formulations = [r.entry for r in lexicon.protected if r.entry.kind == "formulation"]
    assert {e.id for e in formulations} == set(entries)
    assert all(entries[e.id].text == e.text for e in formulations)
    counted = [e for e in entries.values() if e.n > 0 or (e.object is not None and e.object.n > 0)]
    assert len(counted) >= 400
    for e in counted:
        slots = [s for s in (e.before, e.after, e.object.before if e.object else None) if s is not None]
        assert any(s.use != "none" for s in slots), e.id


def test_slot_use_agrees_with_its_counts() -> None:
    data = load_collocates(TERMS / "collocates.jsonl")
    for e in data.formulations:
        for slot in (e.before, e.after):
            if slot is None:
                continue
            assert slot.n == sum(slot.words.values()) + slot.other, e.id
            if slot.use == "fixed":
                top = sorted(slot.words.values(), reverse=True)[:2]
                assert sum(top) >= 0.8 * slot.n and slot.n >= 3, e.id
            if slot.use == "free":
                assert slot.n >= 3, e.id
    swaps = [e for e in data.formulations if e.swap is not None]
    assert len(swaps) >= 30
    assert all(e.swap.text != e.text and sorted(e.swap.text) == sorted(e.text) for e in swaps)


def test_build_script_counts_a_small_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build reads only the official files, skips the held-out documents and counts the neighbours."""
    from scripts import build_term_collocates as build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = {
        "cpc_congress_reports_1_to_17.jsonl": [{"congress": 17, "content": "要增强民生福祉。"}],  # held out
        "cpc_congress_reports_18_to_20.jsonl": [
            {"congress": 20, "content": "必须坚持和发展中国特色社会主义，不断增进民生福祉。"},
            {"congress": 19, "content": "在发展中保障和改善民生，增进民生福祉。"},
        ],
        "government_work_reports_1954_2017.jsonl": [{"year": 2016, "content": "持续增进民生福祉。"}],
        "laws_regulations_2000_2025.jsonl": [],
    }
    for name, items in rows.items():
        (corpus / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items), "utf-8")
    out = tmp_path / "collocates.jsonl"
    monkeypatch.setattr("sys.argv", ["build", "--corpus-dir", str(corpus), "--out", str(out)])
    assert build.main() == 0
    data = load_collocates(out)
    by_text = {e.text: e for e in data.formulations}
    welfare = by_text["增进民生福祉"]
    assert welfare.n == 3 and welfare.docs == {"cpc18_20": 2, "gwr1954_2017": 1}
    assert welfare.verb == "增进" and welfare.object is not None
    assert welfare.object.before.words == {"增进": 3}  # the held-out 增强 is not read
    both = by_text["坚持和发展中国特色社会主义"]
    assert both.swap is not None and both.swap.text == "发展和坚持中国特色社会主义" and both.swap.n == 0
    monkeypatch.setattr("sys.argv", ["build", "--corpus-dir", str(corpus), "--out", str(tmp_path / "again.yaml")])
    assert build.main() == 0
    assert (tmp_path / "again.yaml").read_text("utf-8") == out.read_text("utf-8")  # deterministic


def test_a_malformed_collocates_line_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "collocates.jsonl"
    path.write_text('{"version": 1, "characters": 10}\n{"id": "f_1", "text": "民生福祉", "n": -1}\n', "utf-8")
    with pytest.raises(DictionaryError, match=r"collocates.jsonl:2"):
        load_collocates(path)


BAD_SETS = [
    ("  - {id: twice, slot: before, words: [增强, 增强], why: 重复的词, source: cpc20_report_2022}", "duplicate"),
    ("  - {id: no_src, slot: before, words: [增强, 坚定], why: 没有来源, source: nowhere}", "unknown source"),
    ("  - {id: one_word, slot: before, words: [增强], why: 只有一个词, source: cpc20_report_2022}", "words"),
    ("  - {id: no_slot, slot: middle, words: [增强, 坚定], why: 位置不对, source: cpc20_report_2022}", "slot"),
]


@pytest.mark.parametrize(("line", "message"), BAD_SETS, ids=[m for _, m in BAD_SETS])
def test_a_bad_confusable_set_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    target = tmp_path / "dictionaries"
    shutil.copytree(TERMS, target / "terms")
    path = target / "terms" / "collocations.yaml"
    assert path.read_text("utf-8").rstrip().splitlines()[-1].startswith("  - {id:")  # the sets end the file
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([*lines, line]) + "\n", "utf-8")
    with pytest.raises(DictionaryError) as err:
        load_lexicon(target)
    assert f"collocations.yaml:{len(lines) + 1}" in str(err.value) and message in str(err.value)


# -- the rule on its own, with small data -------------------------------------------------------------------------

SOURCE = Source(title="测试来源文件", issuer="测试机关", date=dt.date(2022, 10, 16), verified_via="test", verified=True)


def _rules(
    words: dict[str, int],
    *,
    family: bool = False,
    heads: list[str] | None = None,
    swapped_n: int = 0,
    pair_n: int = 20,
) -> AttestedCollocates:
    collocations = CollocationsFile.model_validate(
        {
            "version": 1,
            "families": [
                {
                    "id": "fam",
                    "slot": "before",
                    "source": "src",
                    "members": [{"object": "民生福祉", "words": ["促进"]}, {"object": "别的对象", "words": ["推动"]}],
                }
            ]
            if family
            else [],
            "confusable_sets": [
                {
                    "id": "promote_enhance",
                    "slot": "before",
                    "words": ["增进", "增强", "促进"],
                    "heads": heads or [],
                    "why": "增进福祉，增强意识",
                    "source": "src",
                }
            ],
        }
    )
    data = CollocatesFile.model_validate(
        {
            "version": 1,
            "characters": 1000,
            "formulations": [
                {
                    "id": "f_x",
                    "text": "民生福祉",
                    "n": sum(words.values()),
                    "before": {"use": "fixed", "n": sum(words.values()), "words": words},
                },
                {
                    "id": "f_y",
                    "text": "保障和改善民生",
                    "n": 3,
                    "swap": {
                        "text": "改善和保障民生",
                        "n": 0,
                        "pair": "保障和改善",
                        "pair_n": pair_n,
                        "swapped_n": swapped_n,
                    },
                },
            ],
        }
    )
    return AttestedCollocates(data, collocations, {"src": SOURCE}, {"f_x": SOURCE, "f_y": SOURCE})


def _find(engine: CheckEngine, rules: AttestedCollocates, text: str) -> list[tuple[str, str | None]]:
    ctx = DocContext(build_document("body", text, DraftInput(body=text), engine.segmenter))
    return [(text[h.start : h.end], h.suggestion) for h in rules.find(ctx)]


def test_unattested_confusable_word_is_reported_with_the_attested_one(engine: CheckEngine) -> None:
    rules = _rules({"增进": 6})
    assert _find(engine, rules, "要增强民生福祉。") == [("增强民生福祉", "增进民生福祉")]
    assert _find(engine, rules, "要增强“民生福祉”。") == [("增强“民生福祉", "增进“民生福祉")]
    assert _find(engine, rules, "要增进民生福祉。") == []  # attested


def test_words_outside_the_sets_and_thin_evidence_are_never_judged(engine: CheckEngine) -> None:
    assert _find(engine, _rules({"增进": 6}), "要改善民生福祉。") == []  # 改善 is in no set: free prose
    assert _find(engine, _rules({"增进": 1}), "要增强民生福祉。") == []  # one attested use is too little
    assert _find(engine, _rules({"增进": 6}), "要增强民生福祉保障能力。") == []  # the verb governs 能力
    assert _find(engine, _rules({"增进": 6}, family=True), "要促进民生福祉。") == []  # a family lists 促进
    assert _find(engine, _rules({"增进": 6}, heads=["战略"]), "要增强民生福祉。") == []  # only …战略 judged


def test_swapped_halves_are_reported_with_the_canonical_form(engine: CheckEngine) -> None:
    rules = _rules({"增进": 6})
    assert _find(engine, rules, "坚持在发展中改善和保障民生。") == [("改善和保障民生", "保障和改善民生")]
    assert _find(engine, rules, "坚持在发展中保障和改善民生。") == []
    # the two parts stand in the other order elsewhere too (3 of 20): the order is not fixed, nothing is said
    assert _find(engine, _rules({"增进": 6}, swapped_n=3), "坚持在发展中改善和保障民生。") == []
    # the order seen only twice in all the official texts: too little to call it fixed
    assert _find(engine, _rules({"增进": 6}, pair_n=2), "坚持在发展中改善和保障民生。") == []
    # right after a noun the first word belongs to it (民生改善), no swapped formulation
    assert _find(engine, rules, "推动民生改善和保障民生工作。") == []


# -- the rule in the engine -----------------------------------------------------------------------------------

POSITIVES = [
    ("要持续增强民生福祉。", "增强民生福祉", "增进民生福祉"),
    ("各地要筑牢“中华民族共同体意识”。", "筑牢“中华民族共同体意识", "铸牢“中华民族共同体意识"),
    ("深入实行乡村振兴战略。", "实行乡村振兴战略", "实施乡村振兴战略"),
    ("全面实行创新驱动发展战略。", "实行创新驱动发展战略", "实施创新驱动发展战略"),
    ("要立足新发展理念，推动高质量发展。", "立足新发展理念", "贯彻新发展理念"),
    ("推动贯彻人类命运共同体。", "贯彻人类命运共同体", "构建人类命运共同体"),
    ("必须发展和坚持中国特色社会主义。", "发展和坚持中国特色社会主义", "坚持和发展中国特色社会主义"),
    ("要改进和加强思想政治工作。", "改进和加强思想政治工作", "加强和改进思想政治工作"),
    ("坚持在发展中改善和保障民生。", "在发展中改善和保障民生", "在发展中保障和改善民生"),
    ("推进国家治理能力和治理体系现代化。", "治理能力和治理体系", "治理体系和治理能力"),
]


@pytest.mark.parametrize(("text", "span", "suggestion"), POSITIVES)
def test_mis_collocations_and_swaps_are_reported(engine: CheckEngine, text: str, span: str, suggestion: str) -> None:
    found = political(engine, text)
    assert any(s == span and sugg == suggestion for s, sugg, _ in found), found


def test_a_finding_cites_the_counts_and_the_source(engine: CheckEngine) -> None:
    draft = DraftInput(body="要持续增强民生福祉。", doc_date=dt.date(2025, 6, 1))
    (finding,) = [f for f in engine.check(draft).findings if f.category == "term.political"]
    assert finding.rule == "term.political.collocate.promote_enhance"
    assert "“增进”" in finding.explanation and "collocates.jsonl" in finding.explanation
    assert "《" in finding.explanation  # the source document
    assert finding.severity.value == "block"


HARD_NEGATIVES = [
    "要持续增进民生福祉，铸牢中华民族共同体意识。",  # the attested verbs
    "深入实施乡村振兴战略，实行最严格的耕地保护制度。",  # 实行 with a system is right
    "实行乡村振兴战略的各项政策要落实到位。",  # 实行 governs 政策, not the strategy
    "坚定中国特色社会主义道路自信、理论自信、制度自信、文化自信。",  # 坚定 governs 自信
    "要贯彻人类命运共同体理念。",  # the noun phrase goes on
    "提高中华民族共同体意识，促进民族团结进步。",  # 提高 is in no set: free prose
    "统筹安全和发展，完善出口管制管理和服务。",  # 安全和发展 is common in the other order
    "坚持经济效益和社会效益相统一。",  # the other order is attested
    "要促进经济发展和坚持中国特色社会主义制度相统一。",  # 发展 is 经济发展's: no swapped 坚持和发展
    "维护国民安全和国土安全。",  # 国土安全和国民安全 only twice in the official texts: no fixed order
    "更正：本网稿件中“发展和坚持中国特色社会主义”应为“坚持和发展中国特色社会主义”，特此更正。",
    "坚持和发展中国特色社会主义，加强和改进思想政治工作，在发展中保障和改善民生。",
    "要牢固树立“四个意识”，坚定“四个自信”，做到“两个维护”。",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_correct_and_free_collocations_stay_quiet(engine: CheckEngine, text: str) -> None:
    assert political(engine, text) == []
