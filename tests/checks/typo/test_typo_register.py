"""Everyday writing vs formal prose: the register model, and the corrector's lower threshold in everyday paragraphs."""

from __future__ import annotations

import numpy as np
import pytest

from checks.typo.corrector import Corrector
from checks.typo.features import Area
from checks.typo.model import SCORER_FILE
from checks.typo.register import REGISTER_FILE, RegisterModel
from checks.typo.scorer import Scorer
from tests.paths import REPO_ROOT

TYPO_DIR = REPO_ROOT / "dictionaries" / "typo"


@pytest.fixture(scope="module")
def shipped() -> RegisterModel:
    return RegisterModel.load(TYPO_DIR / REGISTER_FILE)


def test_paragraphs_are_judged_on_their_own_and_short_lines_stay_formal():
    model = RegisterModel({"我": 2.0, "你": 2.0, "吗": 3.0, "法": -2.0, "条": -2.0}, cutoff=0.5, min_chars=3)
    text = "我你吗我你\n法条法条法\n我你"
    mask = model.everyday(text)
    assert mask.tolist() == [True] * 5 + [False] * 9  # the newline, the formal line and the short one
    assert model.score("我你") is None  # too few rated characters to judge
    assert model.score("我你吗，abc") == pytest.approx(7 / 3)  # unrated characters do not count
    assert not model.everyday("").any()
    assert model.score("我你吗" * 50) is not None and model.score("我" * 50) is None  # repetition is no evidence


def test_round_trip(tmp_path):
    model = RegisterModel({"我": 1.23456, "法": -2.0}, cutoff=0.4, min_chars=8, note="why")
    path = tmp_path / REGISTER_FILE
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = RegisterModel.load(path)
    assert loaded.ratios == {"我": 1.235, "法": -2.0}
    assert (loaded.cutoff, loaded.min_chars, loaded.note) == (0.4, 8, "why")


@pytest.mark.parametrize(
    "paragraph",
    [
        "各级人民政府应当加强对安全生产工作的领导，建立健全安全生产工作协调机制，及时协调、解决安全生产监督管理中存在的重大问题。",
        "会议强调，要坚持以人民为中心的发展思想，统筹推进经济社会发展各项工作，确保全年目标任务圆满完成。",
        "本办法自发布之日起施行。",
    ],
)
def test_shipped_model_judges_official_prose_formal(shipped, paragraph):
    assert not shipped.everyday(paragraph).any()


@pytest.mark.parametrize(
    "paragraph",
    [
        "昨天我跟朋友一起去看电影，我们玩得很开心，下次你也跟我们一起去吧！",
        "妈妈，我好想你啊，你最近身体好吗？我在学校一切都很好，不用担心我。",
    ],
)
def test_shipped_model_judges_a_letter_everyday(shipped, paragraph):
    assert shipped.everyday(paragraph).all()


def test_shipped_scorer_has_a_lower_threshold_for_everyday_writing(shipped):
    scorer = Scorer.load(TYPO_DIR / SCORER_FILE)
    assert scorer.everyday_threshold is not None and scorer.everyday_threshold <= scorer.threshold
    assert "everyday" in scorer.note and "cutoff" in shipped.note


def _scorer(everyday: float | None) -> Scorer:
    one = np.ones(1)
    return Scorer(np.zeros(1), one, one, 0.0, threshold=1.0, everyday_threshold=everyday)


def test_limits_follow_the_paragraph_register():
    area = Area(np.ones(4, bool), np.zeros(4, int), np.zeros(4, int), np.array([False, False, True, True]))
    corrector = Corrector(None, None, _scorer(-1.0), None)  # type: ignore[arg-type]  # limits read only the scorer
    assert corrector.limits(area).tolist() == [1.0, 1.0, -1.0, -1.0]
    assert corrector.limits(area, 0.25) == 0.25  # an explicit threshold (a measured curve) holds everywhere
    formal = Area(np.ones(4, bool), np.zeros(4, int), np.zeros(4, int), np.zeros(4, bool))
    assert corrector.limits(formal) == 1.0
    assert Corrector(None, None, _scorer(None), None).limits(area) == 1.0  # type: ignore[arg-type]


def test_an_everyday_paragraph_gets_the_correction_a_formal_one_does_not(typo, typo_engine):
    """A slip whose score lies between the two thresholds (连络 for 联络) is corrected in a letter and left alone when
    the same paragraph is taken for formal prose."""
    letter = "你好吗？我最近很忙，因为快要考试了，我每天都在图书馆看书到很晚，都没有时间跟你连络。"
    at = letter.index("连络")
    scorer = typo.model.scorer
    _, area = typo.prepare(letter, typo_engine.segmenter.tokens(letter))
    assert area.everyday is not None and area.everyday.all()
    found = {c.pos: c for c in typo.corrector.correct(letter, area)}
    assert found[at].right == "联" and found[at].threshold == scorer.everyday_threshold
    assert scorer.everyday_threshold <= found[at].score < scorer.threshold
    as_formal = Area(area.touchable, area.token_level, area.char_level, np.zeros(len(letter), bool))
    assert at not in {c.pos for c in typo.corrector.correct(letter, as_formal)}
