"""The per-match helpers of the term and PII checks read a bounded or shared part of the text, so a check
stays linear in the text even when every match sits in one long sentence or on one line without breaks.

These count operations or compare with the plain definitions; they measure no time (`make bench` checks
200,000-character inputs for speed).
"""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

import checks.terms.context as context_module
from checks import DraftInput
from checks.document import build_document
from checks.pii.contact_owner import Owner, owner_of
from checks.terms.context import DocContext
from checks.terms.exact import ExactHit, _inside_longer, _longest


@pytest.fixture(scope="module")
def segmenter(engine):
    return engine.segmenter


def _context(text: str, segmenter) -> DocContext:
    return DocContext(build_document("body", text, DraftInput(body=text), segmenter))


def test_years_of_a_sentence_are_read_once_however_many_matches_it_holds(segmenter, monkeypatch):
    text = "2017年" + "原国家工商行政管理总局、" * 2000  # one sentence of 24,000 characters
    ctx = _context(text, segmenter)
    calls = []
    real = context_module.years_in
    monkeypatch.setattr(context_module, "years_in", lambda s: calls.append(len(s)) or real(s))
    answers = {tuple(ctx.years_near(offset)) for offset in range(5, len(text), 12)}
    assert answers == {(2017,)}
    assert len(calls) == 1  # not once per match: that was quadratic in a sentence without breaks


def test_cached_sentence_answers_equal_the_plain_definition(segmenter):
    text = "他说：“更正”。2019年会议召开；“应为”之后，“一”“二”，2020年。" * 30 + "“一”" * 300
    ctx = _context(text, segmenter)
    words = ("更正", "应为", "会议")
    for offset in range(len(text)):
        sentence = ctx.sentence_text(offset)
        assert ctx.has_any(offset, words) == any(w in sentence for w in words)
        assert ctx.years_near(offset) == context_module.years_in(sentence)


def test_in_quotes_equals_the_plain_definition(segmenter):
    text = "《通知》布署“一”“二十”「三」“未闭合" * 40
    ctx = _context(text, segmenter)
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 6)):
            assert ctx.in_quotes(start, end) == any(s < start and end < e for s, e in ctx.quoted)


def test_shield_and_longest_match_tests_equal_their_plain_definitions():
    rng = random.Random(11)
    for _ in range(200):
        shields = [(s, s + rng.randint(1, 8), rng.random() < 0.3) for s in (rng.randint(0, 60) for _ in range(15))]
        inside = _inside_longer(shields)
        for start in range(0, 70):
            for end in range(start + 1, start + 9):
                plain = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in shields)
                assert inside(start, end) == plain
        rule = SimpleNamespace(entry=SimpleNamespace(id="r"))
        hits = [ExactHit(rule, s, s + rng.randint(1, 6)) for s in (rng.randint(0, 60) for _ in range(25))]
        kept: list[ExactHit] = []
        for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
            if all(hit.end <= k.start or k.end <= hit.start or (k.start, k.end) == (hit.start, hit.end) for k in kept):
                kept.append(hit)
        assert sorted((h.start, h.end) for h in _longest(hits)) == sorted((h.start, h.end) for h in kept)


def test_contact_owner_reads_a_bounded_window_of_a_line_without_breaks():
    # A footer cue on the same line but far before the number (a text without newlines) is not its line.
    far = "版权所有" + "某某" * 400 + "电话13812345678"
    assert owner_of(far, far.index("138")) is Owner.PERSON
    near = "某某" * 400 + "版权所有 某单位 电话13812345678"
    assert owner_of(near, near.index("138")) is Owner.OFFICE


def test_number_date_line_and_span_lookups_equal_their_plain_definitions():
    from checks.formatting.number_date import _Covered, _LinesWithHan
    from checks.formatting.textspans import is_han

    rng = random.Random(13)
    text = "".join(rng.choice("2024.3.5\n年ab ") for _ in range(3000))
    han_line = _LinesWithHan(text)
    for offset in range(len(text)):
        if text[offset] == "\n":
            continue
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        assert han_line(offset) == any(is_han(ch) for ch in text[start : end if end >= 0 else len(text)])
    spans = [(s, s + rng.randint(1, 9)) for s in (rng.randint(0, 200) for _ in range(40))]
    covered = _Covered(spans)
    for offset in range(220):
        assert covered(offset) == any(s <= offset < e for s, e in spans)


def test_overlap_filters_of_the_political_check_equal_their_plain_definitions():
    from checks.terms import officeholders
    from checks.terms.checks import _first_of_overlapping
    from checks.terms.fuzzy import _without_overlaps

    rng = random.Random(17)
    for _ in range(100):
        spans = [(s, s + rng.randint(1, 7)) for s in (rng.randint(0, 80) for _ in range(30))]
        titles = [(s, e, "t") for s, e in spans]
        plain: list[tuple[int, int, str]] = []
        for span in sorted(titles, key=lambda x: (-(x[1] - x[0]), x[0])):
            if all(span[1] <= k[0] or k[1] <= span[0] for k in plain):
                plain.append(span)
        assert officeholders._longest(titles) == sorted(plain)
        starts = [s for s, _, _ in sorted(plain)]
        for s in range(90):
            e = s + rng.randint(1, 5)
            want = any(a < e and s < b for a, b, _ in plain)
            assert officeholders._overlaps_any([(a, b) for a, b, _ in sorted(plain)], starts, s, e) == want

        hits = [
            SimpleNamespace(rule=SimpleNamespace(entry=SimpleNamespace(text="x" * rng.randint(2, 9))), start=s, end=e)
            for s, e in spans
        ]
        kept: list = []
        for hit in sorted(hits, key=lambda h: (-len(h.rule.entry.text), h.start)):
            if all(hit.end <= k.start or k.end <= hit.start for k in kept):
                kept.append(hit)
        assert _without_overlaps(hits) == sorted(kept, key=lambda h: h.start)

        findings = [SimpleNamespace(start=s, end=e, field=rng.choice(("body", "title"))) for s, e in spans]
        kept = []
        for f in findings:
            if all(f.end <= k.start or k.end <= f.start or f.field != k.field for k in kept):
                kept.append(f)
        assert _first_of_overlapping(findings) == kept


def test_han_index_and_is_han_equal_their_plain_definitions():
    from checks.formatting.textspans import HanIndex, is_han

    ranges = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
    edges = [c + d for lo, hi in ranges for c in (lo, hi) for d in (-1, 0, 1)]
    for ch in ["", *map(chr, edges), "a", "，", "〇", "\U00030000"]:
        assert is_han(ch) == (bool(ch) and any(lo <= ord(ch) <= hi for lo, hi in ranges))
    rng = random.Random(19)
    text = "".join(rng.choice("ab(),中文\U00020001\n") for _ in range(400))
    han = HanIndex(text)
    for start in range(0, 410, 3):
        for end in range(start, min(start + 40, 412)):
            assert han.any_between(start, end) == any(is_han(ch) for ch in text[start:end])


def test_punctuation_overlap_test_equals_its_plain_definition():
    from checks.formatting.punctuation import _overlapped
    from checks.hits import Hit

    rng = random.Random(23)
    for _ in range(200):
        hits = []
        for _ in range(rng.randint(0, 20)):
            start = rng.randint(0, 60)
            end = start + rng.randint(0, 8)
            parts = (Hit(start, start + 1, "p", "", None, ""),) if rng.random() < 0.5 else ()
            hits.append(Hit(start, end, "r", "", None, "", parts=parts))
        plain = [bool(h.parts) and any(o is not h and o.start < h.end and h.start < o.end for o in hits) for h in hits]
        assert _overlapped(hits) == plain


def test_enumeration_longest_spans_equal_their_plain_definition():
    from checks.terms.collocation import _longest as longest_items

    rng = random.Random(29)
    for _ in range(200):
        spans = [(s, s + rng.randint(1, 6), rng.randint(0, 3)) for s in (rng.randint(0, 60) for _ in range(25))]
        kept: list[tuple[int, int, int]] = []
        for span in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
            if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
                kept.append(span)
        assert longest_items(spans) == sorted(kept)


def test_address_walk_back_finds_the_token_as_the_full_token_scan_did(segmenter):
    import re

    from checks.pii.nlp_engine import JiebaNlpEngine
    from checks.pii.recognizers.address import _EXTEND_POS, _MAX_PREFIX, _STOP_TOKENS, AddressRecognizer

    text = "家住陆丰市东海街道人民路12号3栋502房，" * 5 + "他 住在 广州市天河区 体育西路 3号 1201室。" * 5
    doc = build_document("body", text, DraftInput(body=text), segmenter)
    artifacts = JiebaNlpEngine(segmenter).artifacts(doc.tokens)
    tokens = list(zip(artifacts.tokens, artifacts.tokens_indices, artifacts.pos, strict=True))
    for anchor in range(len(text) + 1):
        index = next((i for i, (w, s, _) in enumerate(tokens) if s <= anchor < s + len(w)), None)
        plain = anchor
        if index is not None:
            plain = tokens[index][1]
            for word, token_start, tag in reversed(tokens[:index]):
                if anchor - token_start > _MAX_PREFIX or word in _STOP_TOKENS:
                    break
                if not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", word) or tag not in _EXTEND_POS:
                    break
                plain = token_start
        assert AddressRecognizer._extend_back(text, anchor, artifacts) == plain


def test_context_keywords_equal_presidios(segmenter):
    from presidio_analyzer.nlp_engine import NlpArtifacts

    from checks.pii.nlp_engine import JiebaNlpArtifacts, JiebaNlpEngine

    engine = JiebaNlpEngine(segmenter)
    lemmas = ["的", "A:b", "，。", "", "be", "-PRON-", "Hello", "x:y:z", ":", "王小明", "—", "a-b", "住址：", "12:30"]
    text = "联系人：王小明，电话 13812345678；E-mail: Wang@Example.com。家住 A:b 路 3 号，的、了…"
    lemmas += [t.word for t in segmenter.tokens(text)]
    assert JiebaNlpArtifacts.set_keywords(engine, lemmas, "zh") == NlpArtifacts.set_keywords(engine, lemmas, "zh")


def test_word_automaton_finds_what_a_plain_automaton_finds():
    import ahocorasick

    from checks.automaton import WordAutomaton

    rng = random.Random(31)
    alphabet = "王小明的中国人民共和abc-]^\\"
    for _ in range(100):
        items = [("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))), k) for k in range(30)]
        plain = ahocorasick.Automaton()
        for word, value in items:
            plain.add_word(word, value)
        plain.make_automaton()
        text = "".join(rng.choice(alphabet + "，x1 \n") for _ in range(300))
        assert list(WordAutomaton(items).iter(text)) == list(plain.iter(text))
    assert list(WordAutomaton([]).iter("王小明")) == []


def test_sovereignty_runs_find_what_the_whole_text_search_finds(engine):
    rule = next(c for c in engine.registry.checks if c.name == "term.political").sovereignty
    rng = random.Random(37)
    words = "美国 日本 香港 台湾 澳门 等 国家 安全 和 、 3个 十个 地区 王 a 。".split()
    for _ in range(1000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        plain = [m.span() for m in rule._pattern.finditer(text)]
        assert [m.span() for m in rule._matches(text)] == plain


def test_fuzzy_matcher_remembering_slipless_stretches_finds_what_judging_every_window_finds(engine):
    from checks.terms.fuzzy import _without_overlaps

    check = next(c for c in engine.registry.checks if c.name == "term.political")
    matcher = check.fuzzy
    rng = random.Random(41)
    pieces = [
        "王沪宁",
        "王户宁",
        "全国政协主席王沪宁",
        "全国政主协席王沪宁",
        "王",
        "习近平",
        "习进平",
        "，",
        "主席",
        "赵乐际",
    ]
    texts = ["王" * 300, "王户宁" * 50, *("".join(rng.choice(pieces) for _ in range(60)) for _ in range(20))]
    for text in texts:
        doc = build_document("body", text, DraftInput(body=text), engine.segmenter)
        ctx = DocContext(doc, check.is_word)
        shields = check.shield.spans(ctx)
        seen: set = set()
        edits: dict = {}
        plain = []
        for end_idx, (key, payload) in matcher._automaton.iter(text):
            for idx, side in payload:
                for start, end in matcher._windows(idx, side, end_idx - len(key) + 1, end_idx + 1, len(text)):
                    if (idx, start, end) not in seen:
                        seen.add((idx, start, end))
                        hit = matcher._verify(ctx, idx, start, end, shields, edits)
                        if hit is not None:
                            plain.append(hit)
        assert matcher.find(ctx, shields) == _without_overlaps(plain)


def test_repeated_confident_names_equal_the_position_by_position_definition():
    from checks.pii.recognizers.person_name import PersonNameRecognizer

    recognizer = PersonNameRecognizer(["王", "李", "欧阳"])
    rng = random.Random(43)
    pieces = ["王小明", "王小", "李四", "欧阳娜娜", "欧阳娜", "局长", "，", "王", "明"]
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(40))
        found = {}
        for name in ("王小明", "李四", "欧阳娜娜", "王小"):
            at = text.find(name)
            if at >= 0 and rng.random() < 0.7 and not any(s < at + len(name) and at < e for s, e in found):
                found[(at, at + len(name))] = recognizer._result(at, at + len(name), rng.choice((0.5, 0.85)), "t", "")
        plain = dict(found)
        confident: dict[str, float] = {}
        for (start, end), result in plain.items():
            if result.score >= 0.6:
                confident[text[start:end]] = max(confident.get(text[start:end], 0.0), result.score)
        occupied = bytearray(len(text))
        for start, end in plain:
            occupied[start:end] = b"\x01" * (end - start)
        lengths = sorted({len(n) for n in confident}, reverse=True)
        for position in range(len(text)) if confident else ():
            if occupied[position]:
                continue
            for length in lengths:
                name, end = text[position : position + length], position + length
                free = not any(occupied[position:end])
                if name in confident and free and not recognizer._official(text, position, end):
                    plain[(position, end)] = recognizer._result(position, end, confident[name], "repeat", "")
                    occupied[position:end] = b"\x01" * length
                    break
        recognizer._repeat_confident_names(text, found)
        assert {span: r.score for span, r in found.items()} == {span: r.score for span, r in plain.items()}
