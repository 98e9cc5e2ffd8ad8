"""The segmenter cuts exactly as jieba.posseg does, in linear time; span lookups stay logarithmic."""

from __future__ import annotations

import json
import random
from itertools import pairwise

import jieba
import jieba.posseg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.build_cache import BuildCache
from checks.catalog import user_dictionaries
from checks.engine import DEFAULT_DICTIONARIES
from checks.formatting.textspans import SpanSet, verbatim_spans
from checks.pos_hmm import MAX_RUN
from checks.segmenter import _HAN_BLOCK, _HAN_RUN, _LATIN, _LATIN_OR_NUMBER, _NUMBER, _SPACE, Segmenter
from checks.spans import Cover, Disjoint
from tests.paths import REPO_ROOT

ROOT = REPO_ROOT
Reference = jieba.posseg.POSTokenizer


@pytest.fixture(scope="module")
def segmenter(tmp_path_factory: pytest.TempPathFactory) -> Segmenter:
    cache = BuildCache(tmp_path_factory.mktemp("build-cache"))
    Segmenter(user_dictionaries(DEFAULT_DICTIONARIES), cache)  # builds and stores the tables
    return Segmenter(user_dictionaries(DEFAULT_DICTIONARIES), cache)  # loads them


@pytest.fixture(scope="module")
def reference() -> jieba.posseg.POSTokenizer:
    """jieba's own POS tokenizer over the same dictionaries, built without our cache."""
    tokenizer = jieba.Tokenizer()
    for path in user_dictionaries(DEFAULT_DICTIONARIES):
        tokenizer.load_userdict(str(path))
    return jieba.posseg.POSTokenizer(tokenizer)


def jieba_cut(reference: Reference, text: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in reference.cut(text)]


def ours(segmenter: Segmenter, text: str) -> list[tuple[str, str]]:
    return [(t.word, t.pos) for t in segmenter.tokens(text)]


def sample_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "bench" / "data").glob("*.txt"))]
    for name in ("devset.jsonl", "heldout.jsonl", "devset_pii2.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [row.get("text") or "", row.get("title") or ""]
    # Traditional characters and unknown runs: the HMM decides most of these.
    texts += ["在非災區正組織超額增産運動以彌補災區减産的損失", "計劃收購和計劃供應是國家所必須採取的辦法了"]
    return [t for t in texts if t]


@pytest.mark.slow  # jieba's own cutter over the dev sets
def test_same_tokens_and_tags_as_jieba_on_real_drafts(segmenter: Segmenter, reference: Reference) -> None:
    texts = sample_texts()
    assert len(texts) > 200
    for text in texts:
        assert ours(segmenter, text) == jieba_cut(reference, text), text[:40]


@pytest.mark.slow  # jieba's own cutter, 400 texts
def test_same_tokens_as_jieba_on_random_character_soup(segmenter: Segmenter, reference: Reference) -> None:
    rng = random.Random(11)
    alphabet = "的王是在李明华x1 .。，\n\r\t&#+_ａ１abc国務"
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))
        assert ours(segmenter, text) == jieba_cut(reference, text), repr(text)


def test_run_at_the_limit_is_decoded_by_the_hmm(segmenter: Segmenter, reference: Reference) -> None:
    text = "王" * MAX_RUN
    assert ours(segmenter, text) == jieba_cut(reference, text)


def test_long_unknown_run_becomes_single_characters(segmenter: Segmenter, reference: Reference) -> None:
    text = "通知：" + "的" * (MAX_RUN * 50) + "。"
    tokens = segmenter.tokens(text)
    run = [t for t in tokens if t.word == "的"]
    assert len(run) == MAX_RUN * 50
    assert {t.pos for t in run} == {reference.word_tag_tab["的"]}
    assert "".join(t.word for t in tokens) == text
    assert all(a.end == b.start for a, b in pairwise(tokens))


def test_block_patterns_are_jiebas() -> None:
    ours_ = [_HAN_BLOCK, _SPACE, _HAN_RUN, _LATIN_OR_NUMBER, _NUMBER, _LATIN]
    theirs = ["re_han_internal", "re_skip_internal", "re_han_detail", "re_skip_detail", "re_num", "re_eng"]
    assert [p.pattern for p in ours_] == [getattr(jieba.posseg, name).pattern for name in theirs]


def test_added_words_cut_whole_with_their_tag(segmenter: Segmenter, reference: Reference) -> None:
    segmenter.add_word("星都经开区", 2000, "ns")
    reference.tokenizer.add_word("星都经开区", 2000, "ns")
    segmenter.add_word("星都", None, None)  # jieba suggests a frequency
    reference.tokenizer.add_word("星都", None, None)
    text = "星都经开区管委会发布通知"
    assert ("星都经开区", "ns") in ours(segmenter, text)
    assert ours(segmenter, text) == jieba_cut(reference, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=12), st.integers(-2, 90))
def test_span_set_answers_as_a_scan_does(raw: list[tuple[int, int]], pos: int) -> None:
    spans = [(s, s + n) for s, n in raw]
    assert (pos in SpanSet(spans)) == any(s <= pos < e for s, e in spans)


def test_email_is_still_verbatim_and_a_long_run_without_at_sign_is_not() -> None:
    text = "请发送至 wang.li-2024@gov.cn，或访问 www.gov.cn/a.html。"
    found = [text[s:e] for s, e in verbatim_spans(text)]
    assert found == ["wang.li-2024@gov.cn", "www.gov.cn/a.html"]
    assert verbatim_spans("x" * 5000 + "。") == []
    assert [("x" * 3000 + "@a.cn")[s:e] for s, e in verbatim_spans("x" * 3000 + "@a.cn")] == ["x" * 3000 + "@a.cn"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=12), st.integers(-2, 70), st.integers(0, 9))
def test_cover_answers_as_a_scan_does(raw: list[tuple[int, int]], start: int, width: int) -> None:
    spans = [(s, s + n) for s, n in raw]
    end = start + width
    assert Cover(spans).covers(start, end) == any(s <= start and end <= e for s, e in spans)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=15))
def test_disjoint_keeps_what_a_greedy_scan_keeps(raw: list[tuple[int, int]]) -> None:
    spans = [(s, s + n) for s, n in raw]
    kept: list[tuple[int, int]] = []
    taken = Disjoint()
    for s, e in spans:
        clear = all(e <= ks or ke <= s for ks, ke in kept)
        assert taken.overlaps(s, e) == (not clear)
        if clear:
            kept.append((s, e))
            taken.add(s, e)
