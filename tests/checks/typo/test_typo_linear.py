"""The typo check stays linear: repeated contexts are decided once, batches are bounded, and every shortcut gives
the same answer as the plain definition it replaces. Costs are counted in operations, never in wall time."""

from __future__ import annotations

import random

import numpy as np
import pytest

from checks import DraftInput
from checks.document import build_document
from checks.typo import features
from checks.typo.check import TypoCheck
from checks.typo.context_groups import group_by_context
from checks.typo.corrector import Corrector
from checks.typo.disjoint import keep_disjoint
from checks.typo.lm import CharLM
from checks.typo.ngram_hash import MAX_ORDER, sliding_windows, suffix_hashes
from checks.typo.nonwords import NonWordHit, pair_counts
from checks.typo.symbols import BOUNDARY, encode
from checks.typo.usage import UsageRule
from tests.paths import REPO_ROOT

DRAFTS = sorted((REPO_ROOT / "bench" / "data").glob("*.txt"))


def prose() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DRAFTS)


def area_of(typo_engine, typo: TypoCheck, text: str):
    doc = build_document("body", text, DraftInput(body=text), typo_engine.segmenter)
    return doc.text, typo.prepare(doc.text, doc.tokens)[1]


class CountingLM:
    """The model with a count of the queries it was asked: windows, and single n-grams looked up."""

    def __init__(self, lm: CharLM) -> None:
        self.lm = lm
        self.windows = 0

    def window_logprob(self, windows: np.ndarray) -> np.ndarray:
        self.windows += len(windows)
        return self.lm.window_logprob(windows)

    def slots(self, hashes: np.ndarray) -> np.ndarray:
        self.windows += len(hashes)
        return self.lm.slots(hashes)

    def unigram_slots(self, symbols: np.ndarray) -> np.ndarray:
        self.windows += len(symbols)
        return self.lm.unigram_slots(symbols)

    def unigram_logprob(self, codes: np.ndarray) -> np.ndarray:
        return self.lm.unigram_logprob(codes)


def same(a: features.Candidates, b: features.Candidates) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in features._FIELDS)


SLIP_TEXTS = [
    "的" * 700,
    "王" * 901,
    "他们在会义上讨论了发展问题，大家一至认为要加快进度。" * 40,
    "王" * 300 + "认真贯切落实党中央决策布署，" + "的" * 300,
]


@pytest.mark.parametrize("bound", ["shipped", None])
@pytest.mark.parametrize("text", [*SLIP_TEXTS, "prose"])
def test_grouped_candidates_equal_the_plain_definition(typo_engine, typo, monkeypatch, text, bound):
    text, area = area_of(typo_engine, typo, prose()[:4000] if text == "prose" else text)
    c = typo.corrector
    limit = c.scorer.suspicious_below if bound == "shipped" else None
    plain = features.local_candidates(text, area, c.lm, c.confusion, c.words, suspicious_below=limit)
    monkeypatch.setattr(features, "CHUNK", 97)  # many stretch boundaries, each one exercised
    grouped = features.candidates(text, area, c.lm, c.confusion, c.words, suspicious_below=limit)
    assert len(plain) > 0 and same(grouped, plain)


def test_the_corrector_decides_as_before_on_repeated_slips(typo_engine, typo):
    text, area = area_of(typo_engine, typo, "他们在会义上讨论了发展问题。" * 30)
    c = typo.corrector
    cands = features.local_candidates(
        text, area, c.lm, c.confusion, c.words, suspicious_below=c.scorer.suspicious_below
    )
    plain = c.decide(text, cands, c.scorer.score(cands.features))
    assert plain and c.scored(text, area) == plain  # one finding per copy, as the plain definition gives


@pytest.mark.parametrize("threshold", [None, -1.0])
@pytest.mark.parametrize("text", [*SLIP_TEXTS, "prose"])
def test_the_corrector_with_its_shortcuts_decides_as_the_plain_definition(typo_engine, typo, text, threshold):
    """Grouping, batching and dropping rows that cannot pass before the dictionary look-ups change nothing."""
    text, area = area_of(typo_engine, typo, prose()[:4000] if text == "prose" else text)
    c = typo.corrector
    cands = features.local_candidates(
        text, area, c.lm, c.confusion, c.words, suspicious_below=c.scorer.suspicious_below
    )
    plain = c.decide(text, cands, c.scorer.score(cands.features), c.limits(area, threshold))
    assert c.scored(text, area, threshold) == plain


def test_context_groups_are_exact_even_when_the_hash_collides(monkeypatch):
    from checks.typo import context_groups

    monkeypatch.setattr(context_groups, "_MIX", np.uint64(0))  # every row hashes alike
    text = "甲乙丙丁戊己庚辛壬癸" * 3
    positions = np.arange(len(text))
    zeros = np.zeros(len(text), dtype=np.int64)
    groups = group_by_context(text, positions, zeros, zeros)
    keys = context_groups.context_keys(text, positions, zeros, zeros)
    for i in positions:
        rep = groups.reps[groups.group[i]]
        assert (keys[i] == keys[np.flatnonzero(positions == rep)[0]]).all()


@pytest.mark.parametrize("char", ["的", "王"])
def test_model_queries_do_not_grow_with_a_repeated_character(typo, char):
    counts = []
    for n in (2_000, 20_000):
        text = char * n
        lm = CountingLM(typo.corrector.lm)
        corrector = Corrector(lm, typo.corrector.confusion, typo.corrector.scorer, typo.corrector.words)  # type: ignore[arg-type]
        ones = np.ones(n, dtype=bool)
        zeros = np.zeros(n, dtype=np.int64)
        corrector.correct(text, features.Area(ones, zeros, zeros))
        counts.append(lm.windows)
    assert 0 < counts[0] == counts[1]


def test_model_queries_grow_linearly_with_distinct_prose(typo):
    text = prose()
    counts = []
    for copies in (1, 4):
        lm = CountingLM(typo.corrector.lm)
        corrector = Corrector(lm, typo.corrector.confusion, typo.corrector.scorer, typo.corrector.words)  # type: ignore[arg-type]
        n = len(text) * copies
        ones = np.ones(n, dtype=bool)
        zeros = np.zeros(n, dtype=np.int64)
        corrector.correct(text * copies, features.Area(ones, zeros, zeros))
        counts.append(lm.windows)
    assert counts[1] <= 1.1 * counts[0]  # repeated prose costs what one copy costs (plus its seams)


def test_usage_rules_decide_each_context_once(typo_engine, typo, monkeypatch):
    calls = {"n": 0}
    holds = UsageRule.holds

    def counting(self, *args):
        calls["n"] += 1
        return holds(self, *args)

    monkeypatch.setattr(UsageRule, "holds", counting)
    line = "他认认真真的学习了文件，截止目前已完成。\n"
    per_copy = []
    for copies in (10, 200):
        calls["n"] = 0
        text = line * copies
        doc = build_document("body", text, DraftInput(body=text), typo_engine.segmenter)
        hits = typo.layers.usage.find(doc.text, doc.tokens)
        assert len(hits) == 2 * copies  # 的→地 and 截止→截至 in every copy
        per_copy.append(calls["n"])
    assert per_copy[0] == per_copy[1]


def reference_logprob(lm: CharLM, windows: np.ndarray) -> np.ndarray:
    """The backoff definition: every order and every context looked up; an n-gram counts as stored only when
    its shorter suffixes are (the table is built suffix-closed)."""
    grams = [lm.lookup(h) for h in suffix_hashes(windows)]
    contexts = [lm.lookup(h) for h in suffix_hashes(windows[:, : MAX_ORDER - 1])]
    found = np.logical_and.accumulate(np.array([g.found for g in grams]), axis=0)
    ctx_found = np.logical_and.accumulate(np.array([c.found for c in contexts]), axis=0)
    result = grams[0].logp.copy()
    for order in range(2, MAX_ORDER + 1):
        backoff = np.where(ctx_found[order - 2], contexts[order - 2].backoff, 0.0)
        result = np.where(found[order - 1], grams[order - 1].logp, result + backoff)
    return result


def test_window_logprob_climbing_orders_equals_the_backoff_definition(typo):
    lm = typo.corrector.lm
    codes = np.concatenate([encode(prose()), np.array([BOUNDARY], dtype=np.uint64)])
    windows = np.ascontiguousarray(sliding_windows(codes, MAX_ORDER, BOUNDARY))
    rng = np.random.default_rng(7)
    changed = windows.copy()
    rows = np.arange(len(windows))
    changed[rows, rng.integers(0, MAX_ORDER, len(rows))] = windows[rng.integers(0, len(rows), len(rows)), -1]
    for w in (windows, np.ascontiguousarray(changed)):
        assert np.array_equal(lm.window_logprob(w), reference_logprob(lm, w))


def test_pair_counts_match_counting_every_offset():
    rng = random.Random(3)
    for _ in range(50):
        text = "".join(rng.choice("甲乙丙") for _ in range(rng.randint(2, 30)))
        at = np.arange(len(text) - 1)
        plain = [sum(text[j : j + 2] == text[i : i + 2] for j in range(len(text) - 1)) for i in at]
        assert pair_counts(text, at).tolist() == plain


def test_keep_disjoint_matches_comparing_with_every_kept_span():
    rng = random.Random(5)
    for _ in range(100):
        spans = [(s, s + rng.randint(1, 5)) for s in (rng.randint(0, 40) for _ in range(30))]
        plain: list[tuple[int, int]] = []
        for s, e in spans:
            if all(e <= ks or s >= ke for ks, ke in plain):
                plain.append((s, e))
        assert keep_disjoint(spans, lambda x: x) == plain


def test_breaks_word_with_token_ends_matches_the_scan_from_the_start(typo_engine, typo):
    text = prose()[:3000]
    doc = build_document("body", text, DraftInput(body=text), typo_engine.segmenter)
    ends = [t.end for t in doc.tokens]
    layer = typo.layers.nonwords
    for start in range(0, len(doc.text) - 4, 7):
        hit = NonWordHit(start, start + 2 + start % 3, start, "甲", "乙", "甲乙", 0.0)
        assert layer.breaks_word(hit, doc.tokens, ends) == layer.breaks_word(hit, doc.tokens)


@pytest.mark.parametrize("text", [*SLIP_TEXTS, "prose"])
def test_token_levels_and_cjk_mask_equal_the_per_token_and_per_character_definitions(typo_engine, typo, text):
    from checks.segmenter import Token
    from checks.typo.symbols import cjk_mask, is_cjk

    text = prose() if text == "prose" else text
    doc = build_document("body", text, DraftInput(body=text), typo_engine.segmenter)
    word = np.zeros(len(doc.text), dtype=np.int64)
    single = np.zeros(len(doc.text), dtype=np.int64)
    for token in doc.tokens:
        (word if len(token.word) >= 2 else single)[token.start : token.end] = typo.words.bucket(token.word)
    levels = typo.token_levels(doc.text, doc.tokens)  # the tokens tile the text: the vectorised path
    assert np.array_equal(levels[0], word) and np.array_equal(levels[1], single)
    some = [t for k, t in enumerate(doc.tokens) if k % 3] + [Token("王", "nr", 0)]  # gaps and overlaps: the loop
    loop = typo.token_levels(doc.text, some)
    word[:] = 0
    single[:] = 0
    for token in some:
        (word if len(token.word) >= 2 else single)[token.start : token.end] = typo.words.bucket(token.word)
    assert np.array_equal(loop[0], word) and np.array_equal(loop[1], single)
    mixed = doc.text + "a１\U00020001\u3400\u4dbf\u9fff\ua000"
    assert cjk_mask(mixed).tolist() == [is_cjk(ch) for ch in mixed]
