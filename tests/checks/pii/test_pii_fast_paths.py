"""The PII check's shortcuts answer as their plain definitions do.

Presidio's keywords are built from each distinct lemma once, the context walk lower-cases only the lemmas
it reads, name candidates come from the tokens tagged nr, and a table's name column is looked for only
from a line that may hold its header.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from checks.pii.context import WALK_FACTOR, WindowContextEnhancer
from checks.pii.nlp_engine import JiebaNlpArtifacts, JiebaNlpEngine
from checks.pii.recognizers.person_name import (
    _CELL,
    _SPACED_CELL,
    _WIDE_GAP,
    NAME_COLUMNS,
    PersonNameRecognizer,
    TokenIndex,
)
from tests.paths import REPO_ROOT

REAL_PROSE = REPO_ROOT / "bench" / "data" / "work_report_3000.txt"
ODD_LEMMAS = ["a:B", "BE", "be", "", "-PRON-", "：", "Ab:", ":", "的", "，。", "Ｘ:y:Z", "İ", "为"]


@pytest.fixture(scope="module")
def nlp_engine(engine):
    return JiebaNlpEngine(engine.segmenter)


def test_keywords_equal_presidios_on_real_prose(engine, nlp_engine):
    lemmas = [t.word for t in engine.segmenter.tokens(REAL_PROSE.read_text(encoding="utf-8"))] + ODD_LEMMAS
    ours = JiebaNlpArtifacts.set_keywords(nlp_engine, lemmas, "zh")
    assert ours == NlpArtifacts.set_keywords(nlp_engine, lemmas, "zh")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*ODD_LEMMAS, "电话", "Tel", "TEL:", "联系"]), max_size=20))
def test_keywords_equal_presidios(nlp_engine, lemmas):
    assert JiebaNlpArtifacts.set_keywords(nlp_engine, lemmas, "zh") == NlpArtifacts.set_keywords(
        nlp_engine, lemmas, "zh"
    )


def test_tokens_tagged_nr_are_those_a_plain_filter_finds(engine, nlp_engine):
    text = REAL_PROSE.read_text(encoding="utf-8") + "\n申请人：王小明、李建国、欧阳子涵"
    index = TokenIndex(nlp_engine.artifacts(engine.segmenter.tokens(text)))
    plain = [(word, start) for word, start, tag in index if tag == "nr"]
    assert plain and list(index.tagged("nr")) == plain


def _plain_table_column_names(recognizer: PersonNameRecognizer, text: str) -> list[tuple[int, int]]:
    """Every line read in turn (what the recognizer did before it skipped to lines that may hold a header)."""
    found: list[tuple[int, int]] = []
    column: int | None = None
    offset = 0
    for line in text.split("\n"):
        cell_re = _CELL if _WIDE_GAP.search(line) else _SPACED_CELL
        cells = [(m.start() + offset, m.group(0)) for m in cell_re.finditer(line)]
        names = [re.sub(r"\s", "", c) for _, c in cells]
        if any(n in NAME_COLUMNS for n in names):
            column = next(i for i, n in enumerate(names) if n in NAME_COLUMNS)
        elif column is not None and len(cells) > column:
            start, cell = cells[column]
            compact = re.sub(r"\s", "", cell)
            han = re.fullmatch(r"[\u4e00-\u9fff]+", compact)
            if 2 <= len(compact) <= 4 and han and recognizer._surname_led(compact):
                found.append((start, start + len(cell.rstrip())))
        elif column is not None and len(cells) < 2 and line.strip():
            column = None
        offset += len(line) + 1
    return found


TABLE_LINES = [
    "序号\t姓名\t金额",
    "序号　姓　名　金额",
    "户主  身份证号  人数",
    "1\t王小明\t300",
    "2　李建国　400",
    "3  欧阳子涵  500",
    "收款人",
    "姓名：王小明",
    "",
    "  ",
    "本次共发放救助资金。",
    "王小明",
    "户\n主",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TABLE_LINES), max_size=16).map("\n".join))
def test_name_column_cells_equal_a_reading_of_every_line(engine, text):
    recognizer = PersonNameRecognizer(["王", "李", "欧阳"])
    assert recognizer._table_column_names(text) == _plain_table_column_names(recognizer, text)


def _plain_context_words(enhancer: WindowContextEnhancer, artifacts, start: int) -> list[str] | None:
    """The keywords around a match read from whole lists: every lemma lower-cased, every token's end."""
    lemmas = [lemma.lower() for lemma in artifacts.lemmas]
    keywords = set(artifacts.keywords)
    ends = [s + len(t) for s, t in zip(artifacts.tokens_indices, artifacts.tokens, strict=True)]
    index = bisect_right(ends, start)
    if index >= len(ends):
        return None
    around = []
    for count, step in ((enhancer.context_prefix_count, -1), (enhancer.context_suffix_count, 1)):
        words, i, walked = [], index, 0
        while 0 <= i < len(lemmas) and len(words) <= count and walked < WALK_FACTOR * (count + 1):
            if lemmas[i] in keywords:
                words.append(lemmas[i])
            i, walked = i + step, walked + 1
        around += words
    return around


def test_context_walk_reads_the_words_a_walk_over_whole_lists_reads(engine, nlp_engine, monkeypatch):
    text = REAL_PROSE.read_text(encoding="utf-8")[:800] + "\nTEL:1380013 联系电话 Phone 号码\n"
    artifacts = nlp_engine.artifacts(engine.segmenter.tokens(text))
    enhancer = WindowContextEnhancer()
    seen: list[tuple[int, list[str]]] = []
    recognizer = SimpleNamespace(id="r", context=["never-a-word"])
    real_words = WindowContextEnhancer._words

    def spy(lemmas, keywords, index, count, step):
        words = real_words(lemmas, keywords, index, count, step)
        seen.append((step, words))
        return words

    monkeypatch.setattr(WindowContextEnhancer, "_words", staticmethod(spy))
    for start in range(0, len(text) + 2):
        seen.clear()
        result = RecognizerResult("X", start, start + 1, 0.3, recognition_metadata={"recognizer_identifier": "r"})
        enhancer.enhance_using_context(text, [result], artifacts, [recognizer])
        plain = _plain_context_words(enhancer, artifacts, start)
        assert (None if not seen else [w for _, words in seen for w in words]) == plain


NAME_PIECES = [
    "王小明", "李四", "欧阳娜娜", "家庭", "（", "(", "您好", "你好", "：", "\n", " ", "尊敬的", "先生", "1.", "、",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NAME_PIECES), max_size=20).map("".join))
def test_name_scans_skipped_without_their_words_would_find_nothing(text):
    recognizer = PersonNameRecognizer(["王", "李", "欧阳"])
    if "家庭" not in text:
        assert recognizer._family.search(text) is None
    if "您好" not in text and "你好" not in text:
        assert recognizer._salutation.search(text) is None
