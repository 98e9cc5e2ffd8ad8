"""Every fast path of the typo check gives what its plain definition gives, bit for bit: the shared n-gram lookups
of a text and its one-character changes, the model table's early stop, the per-symbol unigram table, the
confusion set's batch of candidates, the register's whole-text judgement, the idiom index's filter, the hashed
search of the allow list and the curated list, the protection masks, the token levels, the context groups and
the usage rules' conditions asked cheapest first, and the rule layers' windows built for many texts at once."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import DraftInput
from checks.automaton import WordAutomaton
from checks.document import build_document
from checks.typo import ngram_evidence
from checks.typo.confusion import ConfusionSet
from checks.typo.context_groups import ContextGroups, context_keys, group_by_context
from checks.typo.disjoint import keep_disjoint
from checks.typo.features import EARLY_MIN, EARLY_PARTS, _gains, _propose, base_logprobs
from checks.typo.idioms import IdiomIndex
from checks.typo.lm import CharLM
from checks.typo.misspellings import ALIGN_BELOW, MisspellingHit
from checks.typo.model import CONFUSION_FILE, IDIOMS_FILE, LM_FILE, PROTECTED_FILE, read_names
from checks.typo.ngram_hash import MAX_ORDER, fingerprint, sliding_windows, split_fingerprint, suffix_hashes
from checks.typo.protect import AllowList, honorific_names, listed_mask, title_spans, token_mask
from checks.typo.protect_patterns import (
    AFTER_ASCII,
    AFTER_TITLE,
    CODE_INFIX,
    COUNTRY_PAIR,
    COUNTRY_SIDE,
    HONORIFIC,
    LIST_ITEM,
    MEASURE,
    NUMBER,
    NUMERALS,
    ORG_SUFFIXES,
    PERSON_POS,
    PROPER_POS,
)
from checks.typo.register import REGISTER_FILE, RegisterModel
from checks.typo.string_index import StringIndex
from checks.typo.symbols import BOUNDARY, encode
from checks.typo.text_grams import Changes
from checks.typo.usage import LOOK, TokenIndex, UsageRule
from tests.paths import REPO_ROOT

TYPO_DIR = REPO_ROOT / "dictionaries" / "typo"
DRAFTS = sorted((REPO_ROOT / "bench" / "data").glob("*.txt"))
COMMON = "的了是在不有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"


@pytest.fixture(scope="module")
def lm() -> CharLM:
    return CharLM.load(TYPO_DIR / LM_FILE)


@pytest.fixture(scope="module")
def confusion() -> ConfusionSet:
    return ConfusionSet.load(TYPO_DIR / CONFUSION_FILE, closed=NUMERALS)


def prose() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DRAFTS)


def plain_gains(lm: CharLM, text: str, pos: np.ndarray, right: np.ndarray) -> np.ndarray:
    """log P of the MAX_ORDER windows each change touches, each window built and scored on its own."""
    codes = np.concatenate([encode(text), np.array([BOUNDARY], dtype=np.uint64)])
    windows = np.ascontiguousarray(sliding_windows(codes, MAX_ORDER, BOUNDARY))
    out = np.full((len(pos), MAX_ORDER), np.nan)
    for t in range(MAX_ORDER):
        target = pos + t
        inside = target <= len(text)
        changed = windows[target[inside]].copy()
        changed[:, MAX_ORDER - 1 - t] = right[inside]
        out[inside, t] = lm.window_logprob(changed)
    return out


def shared_gains(lm: CharLM, text: str, pos: np.ndarray, right: np.ndarray, scored: int = 1) -> np.ndarray:
    """The same through ``TextGrams`` and ``Changes``, as the corrector asks (every change to every offset); the
    text's own windows scored around every ``scored``-th changed position only (the rest looked up when asked)."""
    grams, _ = base_logprobs(lm, text, np.unique(pos)[::scored])
    changes = Changes(grams, pos, right)
    out = np.full((len(pos), MAX_ORDER), np.nan)
    for t in range(MAX_ORDER):
        if t == EARLY_PARTS:
            changes.keep(np.arange(len(pos)))
        rows, logp = changes.next_window()
        out[rows, t] = logp
    return out


def random_changes(text: str, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pos = np.sort(rng.integers(0, len(text), count))
    pool = encode(text + COMMON)
    return pos, pool[rng.integers(0, len(pool), count)]


def test_text_windows_score_as_window_logprob(lm):
    text = prose()[:6000]
    codes = np.concatenate([encode(text), np.array([BOUNDARY], dtype=np.uint64)])
    windows = np.ascontiguousarray(sliding_windows(codes, MAX_ORDER, BOUNDARY))
    for at in (np.arange(len(text)), np.arange(0, len(text), 7), np.array([0, len(text) - 1])):
        _, base = base_logprobs(lm, text, at)
        needed = np.unique(np.minimum(np.add.outer(at, np.arange(MAX_ORDER)).ravel(), len(text)))
        assert np.array_equal(base[needed], lm.window_logprob(windows[needed]))
        assert not base[np.setdiff1d(np.arange(len(codes)), needed)].any()


@pytest.mark.parametrize("seed", range(3))
def test_changed_windows_score_as_window_logprob(lm, seed):
    text = prose()[seed * 1000 : seed * 1000 + 3000]
    pos, right = random_changes(text, 4000, seed)
    assert np.array_equal(shared_gains(lm, text, pos, right), plain_gains(lm, text, pos, right), equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=COMMON[:30] + "a1 \n，。", min_size=1, max_size=40), st.integers(0, 2**32))
def test_changed_windows_of_any_short_text(lm, text, seed):
    pos, right = random_changes(text, 30, seed)
    assert np.array_equal(shared_gains(lm, text, pos, right), plain_gains(lm, text, pos, right), equal_nan=True)


def tiny_lm(grams: list[str], seed: int) -> CharLM:
    """A model of the given n-grams only, NOT closed under suffixes: the climbs meet gaps the shipped table lacks
    (as a fingerprint collision could make them), so every look-up the shared path skips must be one it may skip."""
    rng = np.random.default_rng(seed)
    hashes = np.array([suffix_hashes(encode(g).reshape(1, -1))[len(g) - 1][0] for g in grams], dtype=np.uint64)
    key, chk = split_fingerprint(np.unique(hashes))
    order = np.lexsort((chk, key))
    lp = rng.integers(1, 200, len(order)).astype(np.uint8)
    bo = rng.integers(0, 60, len(order)).astype(np.uint8)
    return CharLM(key[order], chk[order], lp, bo)


@pytest.mark.parametrize("seed", range(4))
def test_changed_windows_agree_on_a_model_with_gaps(seed):
    rng = random.Random(seed)
    alphabet = "甲乙丙丁戊"
    text = "".join(rng.choice(alphabet) for _ in range(300))
    grams = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, MAX_ORDER))) for _ in range(400)}
    model = tiny_lm(sorted(grams), seed)
    pos, right = random_changes(text, 2000, seed)
    right = encode(alphabet)[np.random.default_rng(seed).integers(0, len(alphabet), len(pos))]
    plain = plain_gains(model, text, pos, right)
    for scored in (1, 40):
        assert np.array_equal(shared_gains(model, text, pos, right, scored), plain, equal_nan=True)


def test_gains_equal_scoring_every_window_on_its_own(lm, confusion):
    text = prose()[:3000]
    rows = _propose(text, np.arange(len(text)), confusion)
    assert rows is not None
    pos, right = rows[0], rows[1]
    grams, base = base_logprobs(lm, text, np.arange(len(text)))
    gain, parts, _ = _gains(grams, base, pos, right)
    plain = plain_gains(lm, text, pos, right) - base[np.minimum(np.add.outer(pos, np.arange(MAX_ORDER)), len(text))]
    early = plain[:, :EARLY_PARTS].sum(axis=1) > EARLY_MIN
    assert 0 < early.sum() < len(early)
    assert np.array_equal(parts[:, 0], plain[:, 0])  # what the features read of every change
    assert np.array_equal(parts[early], np.nan_to_num(plain[early]))  # a change that may still win: every part
    assert np.array_equal(gain, np.where(early, np.nan_to_num(plain).sum(axis=1), -np.inf))


def plain_slots(lm: CharLM, hashes: np.ndarray) -> np.ndarray:
    """Probe from the home slot until the fingerprint or an empty slot, one fingerprint at a time."""
    table, _, _ = lm.table
    out = []
    for h in hashes.tolist():
        slot, want = h >> 41, h >> 24
        while table[slot] and int(table[slot]) >> 24 != want:
            slot += 1
        out.append(int(table[slot]))
    return np.array(out, dtype=np.uint64)


def test_slot_lookups_stop_early_but_find_the_same(lm):
    rng = np.random.default_rng(5)
    table, _, _ = lm.table
    stored = table[table != 0]
    low_bits = rng.integers(0, 1 << 24, 3000, dtype=np.uint64)  # below the stored 40: any value finds the entry
    hits = (stored[rng.integers(0, len(stored), 3000)] & ~np.uint64(0xFFFFFF)) | low_bits
    misses = rng.integers(0, 2**63, 3000, dtype=np.uint64) * np.uint64(2)
    hashes = np.concatenate([hits, misses])
    assert np.array_equal(lm.slots(hashes), plain_slots(lm, hashes))
    assert (lm.slots(hits) != 0).all()


def test_unigram_table_equals_looking_each_symbol_up(lm):
    symbols = np.concatenate([np.arange(1 << 16), [0x20000, 0x2A6D6, 0x10FFFF]]).astype(np.uint64)
    assert np.array_equal(lm.unigram_slots(symbols), lm.slots(fingerprint(symbols, 1)))
    assert np.array_equal(lm.unigram_slots(symbols[:5]), lm.slots(fingerprint(symbols[:5], 1)))


def test_confusion_candidates_in_a_batch_equal_one_character_at_a_time(confusion):
    text = prose()[:5000] + "𠀀abc１２"
    positions = np.arange(len(text))
    pos_parts, code_parts, kind_parts, count_parts = [], [], [], []
    for i in positions.tolist():
        arrays = confusion.arrays(text[i])
        if arrays is not None:
            pos_parts.append(np.full(len(arrays.codes), i, dtype=np.int64))
            code_parts.append(arrays.codes)
            kind_parts.append(arrays.kinds)
            count_parts.append(arrays.counts)
    plain = [np.concatenate(p) for p in (pos_parts, code_parts, kind_parts, count_parts)]
    batch = _propose(text, positions, confusion)
    assert batch is not None
    for a, b in zip(batch, plain, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert _propose("abc", np.arange(3), confusion) is None


def plain_everyday(model: RegisterModel, text: str, ignore: np.ndarray | None = None) -> np.ndarray:
    """Line by line through ``score``, the ignored characters read as spaces."""
    mask = np.zeros(len(text), dtype=bool)
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if ignore is not None:
            line = "".join(" " if ignore[start + k] else ch for k, ch in enumerate(line))
        value = model.score(line)
        if value is not None and value >= model.cutoff:
            mask[start:end] = True
        start = end + 1
    return mask


def test_register_of_a_whole_text_equals_scoring_each_line():
    shipped = RegisterModel.load(TYPO_DIR / REGISTER_FILE)
    rng = random.Random(2)
    letters = "我你他吗呢吧啊很好的了是在不想去说看要会今天明天朋友老师学校家"
    everyday = "\n".join("".join(rng.choice(letters) for _ in range(rng.randint(0, 60))) for _ in range(300))
    for text in (prose()[:20000], everyday, everyday + "\n" + prose()[:5000], "\n\n", "我"):
        for ignore in (None, np.array([rng.random() < 0.1 for _ in text], dtype=bool)):
            assert np.array_equal(shipped.everyday(text, ignore), plain_everyday(shipped, text, ignore))
    assert plain_everyday(shipped, everyday).any() and not plain_everyday(shipped, everyday).all()


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text(alphabet="我你吗法条 a", min_size=1, max_size=2), st.floats(-3, 3), max_size=12),
       st.text(alphabet="我你吗法条 a\n", max_size=40), st.integers(0, 3))  # fmt: skip
def test_register_of_any_text_and_model_equals_scoring_each_line(ratios, text, min_chars):
    model = RegisterModel(ratios, cutoff=0.1, min_chars=max(min_chars, 1))
    assert np.array_equal(model.everyday(text), plain_everyday(model, text))


def plain_near(index: IdiomIndex, text: str) -> list[tuple[int, int, int]]:
    """Every window equal to an idiom but at one place, compared as strings: by length, blank, start, idiom."""
    out = []
    for length in sorted({len(w) for w in index.idioms}):
        ids = [k for k, w in enumerate(index.idioms) if len(w) == length]
        for blank in range(length):
            for start in range(len(text) - length + 1):
                window = text[start : start + length]
                for k in ids:
                    idiom = index.idioms[k]
                    if window[:blank] + window[blank + 1 :] == idiom[:blank] + idiom[blank + 1 :]:
                        out.append((start, k, blank))
    return out


def test_idiom_index_finds_what_comparing_strings_finds():
    rng = random.Random(4)
    idioms = ["迫不及待", "再接再厉", "一如既往", "实事求是地", "金榜题名", "谈笑风生", "丰富多彩", "不忘初心方得始终"]
    index = IdiomIndex(idioms)
    for _ in range(20):
        pieces = [rng.choice(idioms) for _ in range(8)]
        pieces = ["".join(rng.choice("的是再及往生彩") if rng.random() < 0.2 else ch for ch in p) for p in pieces]
        text = "，".join(pieces)
        assert index.near(text) == plain_near(index, text)


def test_allow_list_finds_what_an_automaton_finds():
    names = read_names(TYPO_DIR / PROTECTED_FILE) + read_names(TYPO_DIR / IDIOMS_FILE)
    automaton = WordAutomaton((name, len(name)) for name in names if len(name) >= 2)
    allow = AllowList(names)
    rng = random.Random(6)
    pieces = [rng.choice(names) for _ in range(300)]
    for text in (prose(), "".join(pieces), "、".join(pieces), "", "陆"):
        assert allow.spans(text) == [(end - length + 1, end + 1) for end, length in automaton.iter(text)]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="甲乙丙丁a", min_size=1, max_size=5), max_size=8),
    st.text(alphabet="甲乙丙丁a", max_size=30),
)
def test_string_index_finds_every_occurrence(strings, text):
    plain = [(s, s + len(w)) for s in range(len(text)) for w in set(strings) if text.startswith(w, s)]
    assert StringIndex(strings).find(text) == sorted(plain, key=lambda span: (span[1], span[0]))


HONORIFIC_TEXT = st.text(alphabet="王李东胜a同志先生局长总经理董事长书记，", max_size=60)


@settings(max_examples=200, deadline=None)
@given(HONORIFIC_TEXT)
def test_honorific_names_are_the_pattern_matches(text):
    assert honorific_names(text) == [m.span(1) for m in HONORIFIC.finditer(text)]


def plain_listed_mask(text, allow_list, surnames, common_word):
    """Span by span, as the patterns and the allow list find them."""
    mask = np.zeros(len(text), dtype=bool)

    def mark(start: int, end: int) -> None:
        mask[max(0, start) : min(len(text), end)] = True

    for start, end in title_spans(text) + allow_list.spans(text):
        mark(start, end)
    for pattern in (LIST_ITEM, HONORIFIC, AFTER_TITLE):
        for match in pattern.finditer(text):
            if (match.group(1)[:1] in surnames or match.group(1)[:2] in surnames) and not common_word(match.group(1)):
                mark(*match.span(1))
    for pattern in (COUNTRY_PAIR, COUNTRY_SIDE, NUMBER, MEASURE, CODE_INFIX, AFTER_ASCII):
        for match in pattern.finditer(text):
            mark(*match.span())
    return mask


def plain_token_mask(text, tokens, surnames, known_word):
    mask = np.zeros(len(text), dtype=bool)
    for token in tokens:
        if len(token.word) >= 2 and token.pos in PROPER_POS:
            name = token.pos in PERSON_POS and (token.word[:1] in surnames or token.word[:2] in surnames)
            if token.pos == "nrt" or known_word(token.word) or name:
                mask[token.start : token.end] = True
    for before, token in itertools.pairwise(tokens):
        if token.word in ORG_SUFFIXES and len(before.word) >= 2 and before.pos[:1] in "njlv":
            mask[token.start : token.end] = True
    return mask


def plain_token_levels(typo, text, tokens):
    word, single = np.zeros(len(text), dtype=np.int64), np.zeros(len(text), dtype=np.int64)
    for token in tokens:
        (word if len(token.word) >= 2 else single)[token.start : token.end] = typo.words.bucket(token.word)
    return word, single


LAYER_TEXTS = [
    "局长胡东胜同志、王小明先生出席。中乌双方、以方在2024年第三次会议上签署3项协议，陆丰碣石《布署方案》。\n"
    "（2024）粤1581执2345号，张三、李四、王五：名单如下。总经理王强，董事长李明同志。",
    "他认认真真的学习了文件，截止目前，各项工作再接再励，会义讨论了《关于加强管理的通知》。",
]


@pytest.mark.parametrize("text", [*LAYER_TEXTS, "prose"])
def test_protection_and_levels_equal_their_plain_definitions(typo_engine, typo, text):
    text = prose() if text == "prose" else text
    doc = build_document("body", text, DraftInput(body=text), typo_engine.segmenter)
    allow, surnames = typo.model.allow_list, typo.surnames
    common = lambda w: typo.words.bucket(w) >= 3  # noqa: E731
    known = lambda w: typo.words.bucket(w) >= 1  # noqa: E731
    assert np.array_equal(
        listed_mask(doc.text, allow, surnames, common), plain_listed_mask(doc.text, allow, surnames, common)
    )
    assert np.array_equal(
        token_mask(doc.text, doc.tokens, surnames, known), plain_token_mask(doc.text, doc.tokens, surnames, known)
    )
    for a, b in zip(
        typo.token_levels(doc.text, doc.tokens), plain_token_levels(typo, doc.text, doc.tokens), strict=True
    ):
        assert np.array_equal(a, b)


def test_misspellings_are_found_as_an_automaton_finds_them(typo):
    listed = typo.model.misspellings
    rng = random.Random(8)
    wrongs = [e.wrong for e in listed.entries]
    text = "，".join(rng.choice(wrongs) + rng.choice(["的", "了工作", "", "是"]) for _ in range(400))
    automaton = WordAutomaton((e.wrong, e) for e in listed.entries)
    starts, ends = frozenset(range(0, len(text), 2)), frozenset(range(0, len(text) + 1, 3))
    plain = []
    for end, entry in automaton.iter(text):
        start = end + 1 - len(entry.wrong)
        if len(entry.wrong) >= ALIGN_BELOW or (start in starts and end + 1 in ends):
            plain.append(MisspellingHit(start, end + 1, entry))
    plain.sort(key=lambda h: (-(h.end - h.start), h.start))
    expected = sorted(keep_disjoint(plain, lambda h: (h.start, h.end)), key=lambda h: h.start)
    assert expected and listed.find(text, starts, ends) == expected


def plain_groups(text: str, positions: np.ndarray, *levels: np.ndarray) -> ContextGroups:
    """Grouped through np.unique, as first written."""
    keys = context_keys(text, positions, *levels)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    leader = first[inverse.reshape(-1)]
    _, group = np.unique(leader, return_inverse=True)
    return ContextGroups(positions.astype(np.int64), group.reshape(-1).astype(np.int64), positions[np.unique(leader)])


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="甲乙丙", min_size=1, max_size=60), st.integers(0, 2**32))
def test_context_groups_equal_grouping_by_unique_rows(text, seed):
    rng = np.random.default_rng(seed)
    positions = np.flatnonzero(rng.random(len(text)) < 0.7)
    levels = [rng.integers(0, 2, len(text)) for _ in range(2)]
    got, plain = group_by_context(text, positions, *levels), plain_groups(text, positions, *levels)
    assert np.array_equal(got.group, plain.group) and np.array_equal(got.reps, plain.reps)


def plain_holds(rule: UsageRule, text: str, start: int, end: int, tokens: TokenIndex) -> bool:
    """The rule's conditions in the order the rule file lists them, tags compared one prefix at a time."""

    def tag_in(token, prefixes):  # type: ignore[no-untyped-def]
        return token is not None and any(
            token.pos == p or (p.endswith("*") and token.pos.startswith(p[:-1])) for p in prefixes
        )

    left, right = text[max(0, start - LOOK) : start], text[end : end + LOOK]
    return (
        (not rule.before or bool(rule.before.search(left)))
        and (not rule.after or bool(rule.after.match(right)))
        and not (rule.not_before and rule.not_before.search(left))
        and not (rule.not_after and rule.not_after.match(right))
        and (not rule.before_pos or tag_in(tokens.ending_at(start), rule.before_pos))
        and (not rule.after_pos or tag_in(tokens.starting_at(end), rule.after_pos))
    )


@pytest.mark.parametrize("text", [*LAYER_TEXTS, "prose"])
def test_usage_rules_hold_where_their_plain_conditions_hold(typo_engine, typo, text):
    text = prose() if text == "prose" else text + "他认真的学习，截止目前反应了问题，化学反映，部属安排，新闻报到" * 3
    doc = build_document("body", text, DraftInput(body=text), typo_engine.segmenter)
    tokens, asked = TokenIndex(doc.tokens), 0
    for rule in typo.layers.usage.rules:
        for start in range(len(doc.text)):
            if doc.text.startswith(rule.wrong, start):
                end = start + len(rule.wrong)
                assert rule.holds(doc.text, start, end, tokens) == plain_holds(rule, doc.text, start, end, tokens)
                asked += 1
    assert asked > 20


def plain_span_logprobs(lm: CharLM, texts: list[str], firsts: list[int], counts: list[int]) -> np.ndarray:
    """Each text windowed on its own."""
    rows = []
    for text, first, count in zip(texts, firsts, counts, strict=True):
        codes = np.concatenate([encode(text), np.array([BOUNDARY], dtype=np.uint64)])
        rows.append(sliding_windows(codes, MAX_ORDER, BOUNDARY)[first : min(first + count, len(codes))])
    logp = lm.window_logprob(np.ascontiguousarray(np.concatenate(rows)))
    return np.array([chunk.sum() for chunk in np.split(logp, np.cumsum([len(r) for r in rows])[:-1])])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=COMMON[:20] + "a1 \n，", max_size=12), st.integers(0, 14),
                          st.integers(1, 9)), min_size=1, max_size=12))  # fmt: skip
def test_span_logprobs_of_texts_end_to_end_equal_each_on_its_own(lm, spans):
    texts, firsts, counts = (list(column) for column in zip(*spans, strict=True))
    firsts = [min(f, len(t)) for f, t in zip(firsts, texts, strict=True)]
    got = ngram_evidence._span_logprobs(lm, texts, firsts, counts)
    assert np.array_equal(got, plain_span_logprobs(lm, texts, firsts, counts))
