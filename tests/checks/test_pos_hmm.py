"""The step-table decoder finds the path the plain decoder (and jieba's own Viterbi) finds, ties included."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable

import jieba.posseg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import pos_hmm
from checks.pos_hmm import PosHmm
from tests.paths import REPO_ROOT

# Characters jieba's tables know, characters they give no candidate states (traditional forms: every
# state is a candidate, most emit nothing), characters no state emits (every path meets MIN_FLOAT),
# and a pair that reaches none of the next character's states (仡 then 丈: jieba widens the step).
KNOWN = "的是在国家人民经济发展王李明华张伟一二三年月日"
WIDE = "國業們經個會發設爲義對關"
ABSENT = "\u9fd0産"
WIDENING = "仡丈丐"
ALPHABET = KNOWN + WIDE + ABSENT + WIDENING
HAN_RUN = re.compile("[\u4e00-\u9fd5]+")


@pytest.fixture(scope="module")
def hmm() -> PosHmm:
    return PosHmm()


def outcome(decode: Callable[[str], list[int]], chars: str) -> list[int] | str:
    try:
        return decode(chars)
    except ValueError as error:
        return f"ValueError: {error}"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=14))
def test_same_path_as_the_plain_decoder_on_random_runs(hmm: PosHmm, chars: str) -> None:
    assert outcome(hmm.decode, chars) == outcome(hmm.decode_plain, chars)


def corpus_runs() -> list[str]:
    """Stretches of Chinese from the benchmark drafts and the dev set, cut at random lengths (1 to 30)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "bench" / "data").glob("*.txt"))]
    for line in (REPO_ROOT / "tests" / "data" / "devset.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line).get("text") or "")
    rng = random.Random(7)
    runs = []
    for stretch in HAN_RUN.findall("\n".join(texts)):
        while stretch:
            size = rng.randint(1, 30)
            runs.append(stretch[:size])
            stretch = stretch[size:]
    return runs


def test_same_path_as_the_plain_decoder_on_corpus_runs(hmm: PosHmm) -> None:
    runs = corpus_runs()
    assert len(runs) > 1000
    for chars in runs:
        assert hmm.decode(chars) == hmm.decode_plain(chars), chars


def test_same_path_as_the_plain_decoder_on_traditional_runs(hmm: PosHmm) -> None:
    rng = random.Random(3)
    for _ in range(300):
        chars = "".join(rng.choice(WIDE + KNOWN[:6]) for _ in range(rng.randint(2, 20)))
        assert hmm.decode(chars) == hmm.decode_plain(chars), chars


@pytest.mark.parametrize("chars", ["王明", "國務", "的國業們", "仡丈", "仡丈的", "國\u9fd0", "業", "\u9fd0的"])
def test_same_path_as_jiebas_viterbi(hmm: PosHmm, chars: str) -> None:
    tables = (jieba.posseg.char_state_tab_P, jieba.posseg.start_P, jieba.posseg.trans_P, jieba.posseg.emit_P)
    _, route = jieba.posseg.viterbi(chars, *tables)  # the module's name is its function's
    assert [hmm.states[i] for i in hmm.decode(chars)] == route


def test_widening_step_is_taken_from_the_plain_decoder(hmm: PosHmm) -> None:
    """仡 reaches none of 丈's candidate states: every score ends -inf and the plain decoder answers."""
    reachable = hmm._follows[hmm._char_states["仡"]].any(axis=0)
    assert not reachable[hmm._char_states["丈"]].any()
    assert hmm.decode("仡丈") == hmm.decode_plain("仡丈")


def test_runs_every_path_of_which_meets_min_float_are_decoded_over_every_state(hmm: PosHmm) -> None:
    for chars in ["我國的生産力", "産品", "\u9fd0\u9fd0的"]:
        ordinary = [hmm._char_steps(ch, {}, ordinary=True) for ch in chars]
        assert not all(step.size for step in ordinary) or hmm._viterbi(ordinary) is None
        assert hmm.decode(chars) == hmm.decode_plain(chars)


def test_ordinary_states_give_the_path_every_state_gives(hmm: PosHmm) -> None:
    found = 0
    for chars in [*corpus_runs()[:3000], "國務院", "的國業們", "王國明"]:
        ordinary = [hmm._char_steps(ch, {}, ordinary=True) for ch in chars]
        path = hmm._viterbi(ordinary) if all(step.size for step in ordinary) else None
        if path is not None:
            found += 1
            assert path == hmm._viterbi([hmm._char_steps(ch, {}) for ch in chars]), chars
    assert found > 2000


def test_kept_step_tables_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pos_hmm, "MAX_KEPT_CHARACTERS", 5)
    hmm = PosHmm()
    for chars in ["国家发展", "人民经济", "王李明华张伟"]:
        assert hmm.decode(chars) == hmm.decode_plain(chars)
        assert len(hmm._ordinary) <= 5
        assert len(hmm._every) <= 5
