"""The typo check's parts: n-gram hashing and model, confusion set, curated list, protection, scorer, metrics."""

from __future__ import annotations

import json

import numpy as np
import pytest

from checks.segmenter import Token
from checks.typo.confusion import ConfusionSet
from checks.typo.evaluation import gold_changes, sentence_metrics
from checks.typo.features import FEATURES
from checks.typo.lm import CharLM
from checks.typo.misspellings import Misspelling, MisspellingList
from checks.typo.model import CONFUSION_FILE, LM_FILE, SCORER_FILE
from checks.typo.ngram_hash import MAX_ORDER, sliding_windows, suffix_hashes
from checks.typo.protect import AllowList, protected_mask
from checks.typo.protect_patterns import NUMERALS
from checks.typo.scorer import Scorer, fit_logistic
from checks.typo.symbols import BOUNDARY, DIGIT, LATIN, encode
from tests.paths import REPO_ROOT

TYPO_DIR = REPO_ROOT / "dictionaries" / "typo"


@pytest.fixture(scope="module")
def lm() -> CharLM:
    return CharLM.load(TYPO_DIR / LM_FILE)


def test_symbols_fold_digits_letters_and_spaces_but_keep_length():
    codes = encode("第3条a，Ｂ　２")
    assert len(codes) == 8
    assert codes[1] == DIGIT and codes[3] == LATIN and codes[5] == LATIN and codes[6] == BOUNDARY
    assert codes[7] == DIGIT and codes[4] == ord("，") and encode(",")[0] == ord("，")


def test_suffix_hashes_depend_only_on_the_ngram():
    a = sliding_windows(encode("部署落实"), MAX_ORDER, BOUNDARY)
    b = sliding_windows(encode("决策部署"), MAX_ORDER, BOUNDARY)
    # the bigram 部署 ends at index 1 in a and index 3 in b: same fingerprint at order 2, not at order 3
    ha, hb = suffix_hashes(np.ascontiguousarray(a)), suffix_hashes(np.ascontiguousarray(b))
    assert ha[1][1] == hb[1][3]
    assert ha[2][1] != hb[2][3]


def test_language_model_prefers_the_correct_sentence(lm):
    def logprob(text: str) -> float:
        windows = np.ascontiguousarray(sliding_windows(encode(text + "\n"), MAX_ORDER, BOUNDARY))
        return float(lm.window_logprob(windows).sum())

    assert logprob("认真贯彻落实党中央决策部署") > logprob("认真贯切落实党中央决策布署") + 20
    assert lm.entries > 1_000_000


def test_confusion_set_has_sound_and_shape_pairs_but_no_pronoun_or_number_swaps():
    confusion = ConfusionSet.load(TYPO_DIR / CONFUSION_FILE, closed=NUMERALS)
    rights = {c.right for c in confusion.candidates("布")}
    assert "部" in rights
    assert "彻" in {c.right for c in confusion.candidates("切")}  # shape-alike (same_stroke)
    assert "她" not in {c.right for c in confusion.candidates("他")}
    assert "三" not in {c.right for c in confusion.candidates("二")}
    pair = confusion.pair("布", "部")
    assert pair is not None and "同音" in pair.describe()


def test_curated_short_entries_only_count_as_whole_words():
    entries = MisspellingList([Misspelling("介人", "介入", "test"), Misspelling("再接再励", "再接再厉", "test")])
    text = "中介人再接再励"
    # segmentation 中介人 / 再接再励: 介人 sits inside a word, the idiom is a word of its own
    hits = entries.find(text, frozenset({0, 3}), frozenset({3, 7}))
    assert [(h.start, h.end, h.entry.right) for h in hits] == [(3, 7, "再接再厉")]


def tokens_of(text: str, spans: list[tuple[str, str]]) -> list[Token]:
    out, pos = [], 0
    for word, tag in spans:
        assert text[pos : pos + len(word)] == word
        out.append(Token(word, tag, pos))
        pos += len(word)
    return out


def masked(text: str, mask: np.ndarray) -> str:
    return "".join(ch if m else "_" for ch, m in zip(text, mask, strict=True))


def test_protected_mask_covers_names_places_titles_numbers_and_abbreviations():
    text = "张伟、李娜\n陆丰碣石《布署方案》“放管服”二〇二四年3剂中乌双方以方部署"
    tokens = tokens_of(
        text,
        [("张伟", "nr"), ("、", "x"), ("李娜", "nr"), ("\n", "x"), ("陆丰", "ns"), ("碣石", "ns")]
        + [(ch, "x") for ch in text[10:]],
    )
    mask = protected_mask(
        text,
        tokens,
        AllowList(["陆丰", "碣石"]),
        frozenset("张李"),
        common_word=lambda w: w in {"部署"},
        known_word=lambda w: w in {"陆丰", "碣石"},
    )
    assert masked(text, mask) == "张伟_李娜_陆丰碣石《布署方案》_放管服_二〇二四年_剂中乌__以方__"


def test_unknown_strings_tagged_as_names_by_jieba_are_not_protected():
    text = "越来越建康"
    tokens = tokens_of(text, [("越来越", "d"), ("建康", "nz")])
    mask = protected_mask(text, tokens, AllowList([]), frozenset("张"), lambda w: False, lambda w: False)
    assert not mask.any()


def test_scorer_round_trip_and_feature_check(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 0] + 0.1 * rng.normal(size=400)) > 0
    fitted = fit_logistic(x, y.astype(float))
    assert fitted.weights[0] > 1.0  # the informative feature dominates
    path = tmp_path / "scorer.json"
    path.write_text(fitted.with_threshold(0.5).to_json(), encoding="utf-8")
    loaded = Scorer.load(path)
    assert loaded.threshold == 0.5
    assert np.allclose(loaded.score(x[:5]), fitted.score(x[:5]), atol=1e-3)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        Scorer.load(path)


def test_shipped_scorer_matches_the_code_and_says_how_it_was_chosen():
    scorer = Scorer.load(TYPO_DIR / SCORER_FILE)
    assert "threshold" in scorer.note and scorer.suspicious_below is not None


def test_strict_sentence_metrics():
    assert gold_changes("对不气", "对不起") == {2: "起"}
    assert gold_changes("ab", "abc") is None
    metrics = sentence_metrics(
        [
            ("对不气", "对不起", {2: "起"}),  # right
            ("我门去", "我们去", {1: "闷"}),  # detected, wrongly corrected
            ("很好的", "很好的", {0: "狠"}),  # a change in a correct sentence
            ("泥灰了", "你回了", {0: "你"}),  # one of two: a false positive too
            ("谢谢你", "谢谢你", {}),
        ]
    )
    assert (metrics.sentences, metrics.with_errors, metrics.flagged) == (5, 3, 4)
    assert metrics.detection == pytest.approx((0.5, 2 / 3, 4 / 7))
    assert metrics.correction == pytest.approx((0.25, 1 / 3, 2 / 7))


def test_shipped_model_stays_small():
    total = sum(p.stat().st_size for p in TYPO_DIR.iterdir() if p.is_file())
    assert total <= 30 * 1024 * 1024
    assert (TYPO_DIR / "SOURCES.md").is_file()
