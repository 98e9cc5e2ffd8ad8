"""The term checks' shortcuts answer as their plain definitions do.

Token edges are found by bisection instead of a set of every edge, and a match is tested against the
correct texts around it instead of every correct text of the document: both must give the same answers.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import DraftInput
from checks.document import build_document
from checks.terms.anchored import AnchoredPattern
from checks.terms.context import DocContext
from checks.terms.shield import Shield
from tests.paths import REPO_ROOT

REAL_PROSE = REPO_ROOT / "bench" / "data" / "work_report_3000.txt"


@pytest.fixture(scope="module")
def segmenter(engine):
    return engine.segmenter


def _context(text: str, segmenter) -> DocContext:
    return DocContext(build_document("body", text, DraftInput(body=text), segmenter))


def _plain_boundaries(ctx: DocContext) -> set[int]:
    return {0, len(ctx.text)} | {t.start for t in ctx.doc.tokens} | {t.end for t in ctx.doc.tokens}


def _assert_edges_as_plain(ctx: DocContext) -> None:
    edges = _plain_boundaries(ctx)
    ends = {t.end: t for t in ctx.doc.tokens}
    for offset in range(len(ctx.text) + 1):
        assert ctx.is_boundary(offset) == (offset in edges)
        assert ctx.token_before(offset) == ends.get(offset)


def test_token_edges_equal_the_set_of_every_edge_on_real_prose(segmenter):
    _assert_edges_as_plain(_context(REAL_PROSE.read_text(encoding="utf-8"), segmenter))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="国家发展改革委员会社会主义的和 \n，。ab1２", max_size=60))
def test_token_edges_equal_the_set_of_every_edge(segmenter, text):
    _assert_edges_as_plain(_context(text, segmenter))


def _plain_inside_longer(shield: Shield, ctx: DocContext, start: int, end: int) -> bool:
    return any(s <= start and end <= e and e - s > end - start for s, e, _ in shield.spans(ctx))


@pytest.mark.parametrize("seed", range(6))
def test_local_shield_test_equals_the_test_over_every_span(segmenter, seed):
    rng = random.Random(seed)
    protected = ["国家发展和改革委员会", "发展和改革", "改革委", "社会主义", "主义"]
    shield = Shield(protected, ["碣石", "甲子镇"])
    pieces = [*protected, "碣石", "甲子镇", "国", "家", "改", "和", "，", "\n", "委员会"]
    text = "".join(rng.choice(pieces) for _ in range(120))
    ctx = _context(text, segmenter)
    inside = shield.inside_longer(text)
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 12) + 1):
            assert inside(start, end) == _plain_inside_longer(shield, ctx, start, end)


def test_an_empty_shield_covers_nothing(segmenter):
    assert not Shield([], []).inside_longer("国家发展和改革委员会")(0, 2)


def _edited(rng: random.Random, text: str) -> str:
    """``text`` with one random edit (or none): what a slip of a protected formulation looks like."""
    i = rng.randrange(len(text))
    other = rng.choice("的和国家发展主义社会会议中共人民十二三")
    return rng.choice(
        [
            text,
            text[:i] + other + text[i + 1 :],
            text[:i] + text[i + 1 :],
            text[:i] + other + text[i:],
            text[:i] + text[i + 1 : i + 2] + text[i : i + 1] + text[i + 2 :],
            text[:i] + text[i] + text[i:],
        ]
    )


@pytest.mark.parametrize("seed", range(8))
def test_fuzzy_anchors_skipped_by_their_neighbours_hold_no_slip(engine, monkeypatch, seed):
    check = next(c for c in engine.registry.checks if c.name == "term.political")
    matcher = check.fuzzy
    rng = random.Random(seed)
    texts = [r.entry.text for r in matcher.rules if len(r.entry.text) >= 3]
    text = "".join(
        _edited(rng, rng.choice(texts)) if rng.random() < 0.6 else rng.choice("，。的和在国家") for _ in range(400)
    )
    ctx = _context(text, engine.segmenter)
    ctx.is_word = check.is_word
    shields = check.shield.spans(ctx)
    found = matcher.find(ctx, shields)
    monkeypatch.setattr(type(matcher), "_may_slip", lambda *args: True)
    assert found == matcher.find(ctx, shields)


def _anchored_patterns(engine) -> dict[str, AnchoredPattern]:
    check = next(c for c in engine.registry.checks if c.name == "term.political")
    rules = check.formulations.sessions
    return {name: value for name, value in vars(rules).items() if isinstance(value, AnchoredPattern)}


def test_each_anchored_pattern_is_as_wide_as_its_longest_match_and_looks_not_ahead(engine):
    patterns = _anchored_patterns(engine)
    assert len(patterns) == 5
    for anchored in patterns.values():
        assert re._parser.parse(anchored.pattern.pattern).getwidth()[1] == anchored.width
        assert "(?=" not in anchored.pattern.pattern and "(?!" not in anchored.pattern.pattern


SESSION_PIECES = [
    "党的", "中共", "中国共产党", "第", "十", "二", "九", "一", "大", "届", "全国", "人大", "政协", "人民代表大会",
    "常委会", "常务委员会", "委员", "次", "全体", "会议", "中全会", "三", "四", "，", "的", "\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SESSION_PIECES), max_size=40).map("".join))
def test_anchored_patterns_find_what_a_whole_scan_finds(engine, text):
    for anchored in _anchored_patterns(engine).values():
        found = [(m.span(), m.groupdict()) for m in anchored.finditer(text)]
        assert found == [(m.span(), m.groupdict()) for m in anchored.pattern.finditer(text)]
