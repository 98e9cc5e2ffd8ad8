"""Build tests/data/terms_formulations_devset.jsonl: real sentences with one injected formulation error each.

The dev set of issue 12, by error class (``error_class`` 1–6, see bench/terms_quality.py):

1. a wrong character or word inside a formulation — a real word put in the wrong place (振兴 → 复兴);
2. an incomplete formulation — an inner word dropped;
3. a collocation or order error — a sibling's verb or head noun, an enumeration permuted, a verb of a confusable
   set that the official texts never use with the formulation (collocates.jsonl), the two parts of a formulation
   swapped;
4. a superseded formulation in a text dated after its change;
5. a congress, plenum or session misnamed, never held or not yet held on the document's date;
6. a leader's name or title miswritten, or a former officeholder named with a current title.

Sentences come from the official texts of ``../shared/data/corpus`` that the product may be built from (CPC
congress reports, government work reports 1954–2017, laws), minus the documents held out for measuring false
alarms (scripts/build_term_attestation.py); class 6 puts leaders' names and titles in front of such sentences
with a few hand-written frames (the official texts rarely name leaders). Each class gets as many hard
negatives as positives: the untouched sentence, real sentences that share the formulation's words, historical
texts at their own date, the coming meeting named while it is prepared, a 更正 notice quoting the wrong form.
The injection uses a fixed seed: the same inputs give the same file.

Usage: python scripts/build_terms_formulation_devset.py [--corpus-dir DIR] [--per-class N] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import ahocorasick  # noqa: E402
import jieba  # noqa: E402

from bench.false_alarms import CONGRESS_DATES  # noqa: E402
from checks.terms.align import FormulationAligner, anchor_len  # noqa: E402
from checks.terms.confusables import load_confusables  # noqa: E402
from checks.terms.factories import known_texts  # noqa: E402
from checks.terms.lexicon import load_lexicon  # noqa: E402
from scripts.build_term_attestation import BUILD_FILES, heldout  # noqa: E402

SEED = 20261204
NEW_SOURCES = frozenset({"cpc20_plenum3_2024", "cpc20_plenum4_2025", "f_gwr2023", "f_gwr2024", "f_gwr2025"})
NEW_FRAMES = ("会议强调，要{f}。", "我们将{f}，推动各项工作落地见效。", "文件提出，{f}。")
MODERN = dt.date(2024, 6, 1)
_SENTENCE = re.compile(r"[^。！？；\n]{12,160}[。！？；]")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_MEETING = re.compile(r"全国人民代表大会第|中全会|次全国代表大会")  # headings and dated lines name meetings


CONGRESS_OPENED = {18: dt.date(2012, 11, 8), 19: dt.date(2017, 10, 18), 20: dt.date(2022, 10, 16)}


def row_date(name: str, row: dict) -> dt.date:
    """The date a document speaks from: its sentences are judged at that date (as the texts were right then)."""
    if name.startswith("laws"):
        try:
            return dt.date.fromisoformat(str(row.get("date")))
        except ValueError:
            return MODERN
    if name.startswith("government"):
        return dt.date(int(row.get("year") or 2000), 3, 5)
    congress = int(row.get("congress") or 0)
    return CONGRESS_OPENED.get(congress) or CONGRESS_DATES.get(congress, MODERN)


def sentences(corpus: Path) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    seen: set[str] = set()
    for name, key in BUILD_FILES:
        with (corpus / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if heldout(name, row):
                    continue
                text = row.get(key) or ""
                found = [m.group(0) for m in _SENTENCE.finditer(text)]
                found += [line for line in text.split("\n") if 12 <= len(line) <= 160 and _MEETING.search(line)]
                for s in found:
                    s = s.strip().lstrip("　 ")
                    if s not in seen and not re.search(r"[A-Za-z0-9０-９]{6,}", s):
                        seen.add(s)
                        out[s] = row_date(name, row)
    return out


def jieba_words() -> dict[str, int]:
    path = Path(jieba.__file__).parent / "dict.txt"
    words: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and _HAN.match(parts[0]):
            words[parts[0]] = int(parts[1])
    return words


def case(cid: str, cls: int, text: str, date: dt.date, span: str | None, note: str) -> dict:
    expected = [{"category": "term.political", "field": "body", "span": span}] if span else []
    return {
        "id": cid,
        "error_class": cls,
        "channel": "website",
        "doc_type": "news",
        "format": "text",
        "title": None,
        "text": text,
        "metadata": {},
        "doc_date": date.isoformat(),
        "expected": expected,
        "hard_negative": span is None,
        "note": note,
    }


class Builder:
    def __init__(self, corpus: Path, per_class: int) -> None:
        self.rng = random.Random(SEED)
        self.per = per_class
        self.lex = load_lexicon(REPO / "dictionaries")
        self.known = known_texts(self.lex)
        self.date_of = sentences(corpus)
        self.sents = list(self.date_of)
        self.words = jieba_words()
        self.common = [w for w, f in self.words.items() if len(w) == 2 and f >= 2000]
        self.by_char: dict[tuple[int, str], list[str]] = {}
        for w in self.common:
            self.by_char.setdefault((0, w[0]), []).append(w)
            self.by_char.setdefault((1, w[1]), []).append(w)
        forms = [
            r.entry.text
            for r in self.lex.protected
            if r.entry.kind in ("formulation", "local", "party") and len(r.entry.text) >= 5
        ]
        self.forms = sorted(set(forms))
        auto = ahocorasick.Automaton()
        for f in self.forms:
            auto.add_word(f, f)
        auto.make_automaton()
        self.with_form: dict[str, list[str]] = {}
        for s in self.sents:
            found = {f for _, f in auto.iter(s)}
            for f in sorted(found):
                if not any(f != g and f in g for g in found):
                    self.with_form.setdefault(f, []).append(s)
        self.out: list[dict] = []

    def emit(self, cls: int, prefix: str, cases: Iterator[tuple[str, dt.date, str | None, str]]) -> None:
        pos = neg = 0
        seen: set[tuple[str, str]] = set()
        for text, date, span, note in cases:
            if (text, date.isoformat()) in seen:
                continue
            if span is not None and pos < self.per:
                pos += 1
                self.out.append(case(f"{prefix}-p{pos:03d}", cls, text, date, span, note))
            elif span is None and neg < self.per:
                neg += 1
                self.out.append(case(f"{prefix}-n{neg:03d}", cls, text, date, None, note))
            else:
                continue
            seen.add((text, date.isoformat()))
            if pos >= self.per and neg >= self.per:
                break
        print(f"class {cls}: {pos} positives, {neg} hard negatives", file=sys.stderr)

    def pick_form_sentences(self, min_len: int) -> list[tuple[str, str]]:
        pairs = [(f, s) for f, ss in self.with_form.items() if len(f) >= min_len for s in ss[:3]]
        self.rng.shuffle(pairs)
        return pairs

    # -- class 1 ---------------------------------------------------------------------------------

    def wrong_word(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        aligner = FormulationAligner(self.lex.protected, (), self.known, self.lex.not_slips)
        negatives = self._shared_word_sentences(aligner)
        for form, sent in self.pick_form_sentences(5):
            k = anchor_len(len(form))
            inner = range(k, len(form) - k)
            if not inner:
                continue
            i = self.rng.choice(list(inner))
            variant = self._replace_word(form, i)
            if variant is None or variant in self.known or variant in self.lex.attested:
                continue
            when = self.date_of[sent]
            yield sent.replace(form, variant, 1), when, variant, f"“{form}”中一词被换作常用词：{variant}"
            yield sent, when, None, f"原句，规范表述“{form}”"
            if negatives:
                other = negatives.pop()
                yield other, self.date_of[other], None, "正式文件原句：与规范表述共用词语的普通说法（已见于正式文本）"

    def _replace_word(self, form: str, i: int) -> str | None:
        """Replace the character at i by another that makes a common word with its neighbour."""
        for side in self.rng.sample([0, 1], 2):
            if side == 0 and i + 1 < len(form):
                pair = form[i : i + 2]
                pool = [w for w in self.by_char.get((1, pair[1]), []) if w[0] != pair[0] and w != pair]
            elif side == 1 and i > 0:
                pair = form[i - 1 : i + 1]
                pool = [w for w in self.by_char.get((0, pair[0]), []) if w[1] != pair[1] and w != pair]
            else:
                continue
            if not pool:
                continue
            word = self.rng.choice(sorted(pool))
            char = word[0] if side == 0 else word[1]
            if char in self.lex.not_slips:
                continue
            return form[:i] + char + form[i + 1 :]
        return None

    def _shared_word_sentences(self, aligner: FormulationAligner) -> list[str]:
        out = []
        for s in self.sents:
            for _, a, b, *_ in aligner.candidates(s):
                if s[a:b] in self.lex.attested:
                    out.append(s)
                    break
        self.rng.shuffle(out)
        return out

    # -- class 2 ---------------------------------------------------------------------------------

    def incomplete(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        for form, sent in self.pick_form_sentences(7):
            k = anchor_len(len(form))
            tokens, pos, spans = jieba.lcut(form), 0, []
            for t in tokens:
                spans.append((pos, pos + len(t), t))
                pos += len(t)
            inner = [(a, b, t) for a, b, t in spans if a >= k and b <= len(form) - k and 1 <= len(t) <= 4]
            inner = [(a, b, t) for a, b, t in inner if not all(c in self.lex.not_slips for c in t)]
            if not inner:
                continue
            a, b, t = self.rng.choice(inner)
            variant = form[:a] + form[b:]
            if variant in self.known or variant in self.lex.attested:
                continue
            when = self.date_of[sent]
            yield sent.replace(form, variant, 1), when, variant, f"“{form}”漏写“{t}”"
            yield sent, when, None, f"原句，完整表述“{form}”"

    # -- class 3 ---------------------------------------------------------------------------------

    def collocation_order(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        data = self.lex.collocations
        assert data is not None
        jobs: list[tuple[str, str, str | None, str]] = []
        for family in data.families:
            for member in family.members:
                others = [w for m in family.members if m is not member for w in m.words if w not in member.words]
                for s in (s for s in self.sents if member.object in s):
                    for right in member.words:
                        for q in ("", "“"):
                            good = f"{right}{q}{member.object}" if family.slot == "before" else None
                            if family.slot == "after":
                                good = f"{member.object}{'”' if q else ''}{right}"
                            if good and good in s:
                                wrong = self.rng.choice(sorted(others))
                                bad = (
                                    good.replace(right, wrong, 1)
                                    if family.slot == "before"
                                    else good[: -len(right)] + wrong
                                )
                                jobs.append((s, s.replace(good, bad, 1), bad, f"搭配：“{good}”写成“{bad}”"))
        for seq in data.sequences:
            for s in (s for s in self.sents if seq.items[0] in s and seq.items[-1] in s):
                run = _find_run(s, seq.items)
                if run is None:
                    continue
                start, end, gaps = run
                if (seq.before or seq.after) and not (
                    any(s.endswith(w, 0, start) for w in seq.before) or any(s.startswith(w, end) for w in seq.after)
                ):
                    continue  # generic items are an enumeration only in their context
                perm = list(range(len(seq.items)))
                while perm == sorted(perm):
                    self.rng.shuffle(perm)
                bad = seq.items[perm[0]] + "".join(g + seq.items[p] for g, p in zip(gaps, perm[1:], strict=True))
                jobs.append((s, s[:start] + bad + s[end:], bad, f"顺序：{'、'.join(seq.items)}"))
        self.rng.shuffle(jobs)
        partial = [s for s in self.sents if re.search(r"创新、协调|政治建设、思想建设|道路自信、理论自信", s)]
        for original, text, span, note in jobs:
            when = self.date_of[original]
            yield text, when, span, note
            yield original, when, None, "原句，搭配和顺序正确"
            if partial:
                other = partial.pop()
                yield other, self.date_of[other], None, "只列出部分项目的普通列举"

    def attested_collocates(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        """Class 3 from the counted collocates (collocates.jsonl): in a real sentence where a formulation stands
        with an attested word of a confusable set, that word is replaced by a sibling it is never seen with
        (增进民生福祉 → 增强民生福祉); a two-part formulation is written with its parts swapped. Hard negatives: the
        original sentence, the same formulation after a verb of no set (free prose), the wrong verb where the noun
        phrase goes on (贯彻……理念), and the swapped form quoted in a correction notice."""
        from checks.terms.collocates import PHRASE_END, AttestedCollocates

        assert self.lex.collocates is not None and self.lex.collocations is not None
        entry_sources = {r.entry.id: r.source for r in self.lex.protected if r.entry.kind == "formulation"}
        rules = AttestedCollocates(self.lex.collocates, self.lex.collocations, self.lex.sources, entry_sources)
        set_words = {w for g in self.lex.collocations.confusable_sets for w in g.words}
        family_objects = {m.object for f in self.lex.collocations.families for m in f.members}
        jobs: list[list[tuple[str, dt.date, str | None, str]]] = []
        for key, slot_rules in sorted(rules.rules.items()):
            rule = slot_rules[0]
            wrong_words = sorted(w for w in rule.group.words if w not in rule.allowed)
            if not wrong_words:
                continue
            for s in [x for x in self.sents if key in x][:6]:
                at = s.index(key)
                edge = at
                while edge > 0 and s[edge - 1] in "“”‘’\"'「」《》":
                    edge -= 1
                after = s[at + len(key) :].lstrip("”’」》\"'")
                ends = not after or after[0] in PHRASE_END
                right = next((w for w in rule.attested if rule.attested[w] and s.endswith(w, 0, edge)), None)
                when = self.date_of[s]
                if rule.group.slot == "before" and right and ends:
                    wrong = self.rng.choice(wrong_words)
                    bad = s[: edge - len(right)] + wrong + s[edge:]
                    span = wrong + s[edge : at + len(key)]
                    jobs.append(
                        [
                            (bad, when, span, f"搭配：“{right}{key}”写成“{wrong}{key}”（{rule.group.id}）"),
                            (s, when, None, f"原句，“{key}”搭配正确"),
                        ]
                    )
                elif not any(s.endswith(w, 0, edge) for w in set_words):
                    jobs.append([(s, when, None, f"“{key}”前是不在易混词组中的词（自由搭配）")])
            frame = f"会议要求，{self.rng.choice(wrong_words)}{key}建设的各项任务要落到实处。"
            slip = any(f"{w}{key}" in self.known for w in rule.attested)  # 筑牢…意识 is a one-character slip too
            if rule.group.slot == "before" and key not in family_objects and not slip:
                jobs.append([(frame, MODERN, None, "易混动词后名词短语未完（动词管的是后面的中心语）")])
        for swapped, swap in sorted(rules.swaps.items()):
            for s in self.with_form.get(swap.canonical, [])[:2]:
                when = self.date_of[s]
                jobs.append(
                    [
                        (s.replace(swap.canonical, swapped, 1), when, swapped, f"前后颠倒：“{swap.canonical}”"),
                        (s, when, None, f"原句，“{swap.canonical}”顺序正确"),
                    ]
                )
            notice = f"更正：本网稿件中“{swapped}”应为“{swap.canonical}”，特此更正。"
            jobs.append([(notice, MODERN, None, "更正启事引用颠倒的写法")])
        self.rng.shuffle(jobs)
        for job in jobs:
            yield from job

    # -- class 4 ---------------------------------------------------------------------------------

    def superseded(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        rules = [r for r in self.lex.outdated if r.category == "term.political" and r.entry.current]
        jobs = []
        for rule in rules:
            e = rule.entry
            for s in self.sents:
                if e.current in s and e.current not in e.text:
                    jobs.append((rule, s))
        self.rng.shuffle(jobs)
        olds = [s for s in self.sents if any(r.entry.text in s for r in rules)]
        for rule, s in jobs:
            e = rule.entry
            text = s.replace(e.current, e.text, 1)
            after = e.since + dt.timedelta(days=self.rng.randint(60, 2500))
            after = min(after, dt.date(2025, 12, 1))
            yield text, after, e.text, f"{e.since} 起已被取代：{e.text} → {e.current}"
            if e.valid_from and (e.since - e.valid_from).days > 60:
                before = e.valid_from + dt.timedelta(days=self.rng.randint(30, (e.since - e.valid_from).days - 1))
                yield text, before, None, f"文稿日期 {before} 早于 {e.since}：当时的规范表述"
            yield s, after, None, "原句，现行表述"
        for s in olds:
            yield s, self.date_of[s], None, "历史文本，在其日期时的表述"

    # -- class 5 ---------------------------------------------------------------------------------

    def sessions(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        cal = self.lex.calendar
        assert cal is not None
        plenum = re.compile(r"(十[七八九]|二十)届([一二三四五六七])中全会")
        npc = re.compile(r"第?(九|十|十[一二三四])届全国人民代表大会第?([一二三四五])次会议")
        cpc = re.compile(r"中国共产党第(十[五六七八九]|二十)次全国代表大会")
        jobs = []
        for s in self.sents:
            for m in plenum.finditer(s):
                jobs.append(("plenum", s, m))
            for m in npc.finditer(s):
                jobs.append(("npc", s, m))
            for m in cpc.finditer(s):
                jobs.append(("cpc", s, m))
        self.rng.shuffle(jobs)
        late = dt.date(2025, 11, 15)
        for kind, s, m in jobs:
            whole = m.group(0)
            if kind == "plenum":
                bads = [
                    (whole.replace("届", "大", 1), "中央全会按届次，不按“大”"),
                    (f"{m.group(1)}届八中全会", "从未召开的中央全会"),
                    ("二十届六中全会", "文稿日期时尚未召开的中央全会"),
                ]
                for bad, note in bads:
                    yield s[: m.start()] + bad + s[m.end() :], late, bad, note
                yield s, late, None, "原句，已召开的中央全会"
            elif kind == "npc":
                for k in ("六", "七"):
                    bad = whole.replace(f"{m.group(2)}次会议", f"{k}次会议", 1)
                    yield s[: m.start()] + bad + s[m.end() :], late, bad, "每届全国人大只举行五次会议"
                yield s, late, None, "原句，已举行的全国人大会议"
            else:
                bad = whole.replace("全国代表大会", "全国人民代表大会")
                yield s[: m.start()] + bad + s[m.end() :], late, bad, "党代会不是“全国人民代表大会”"
                yield s, late, None, "原句，党的全国代表大会"
            coming = "党中央决定召开二十届四中全会，研究制定“十五五”规划建议。"
            yield coming, dt.date(2025, 9, 1), None, "即将召开的全会"
            yield "会议审议了十四届全国人大三次会议议程草案。", dt.date(2025, 2, 20), None, "即将举行的会议"
            yield "迎接党的二十一大胜利召开。", late, None, "展望下一次党代会"

    def past_terms(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        """A past NPC or CPPCC term told as the sitting one: a real sentence's year turned into 今年, in 2025.

        Hard negatives: the same real sentence with its year, in 2025 (it looks back), and at its own date."""
        term = re.compile(
            r"第?(十[一二三])届全国(?:人民代表大会|人大|政协)(?:常务委员会|常委会)?(?:第?[一二三四五]次会议)?"
        )
        year = re.compile(r"(20[01][0-9])年(?=[0-9一二三四五六七八九十]{1,2}月)")
        rng = random.Random(12)
        sents = sorted(s for s in self.sents if term.search(s) and year.search(s) and len(s) <= 160)
        rng.shuffle(sents)
        for s in sents:
            m, y = term.search(s), year.search(s)
            assert m is not None and y is not None
            if y.end() > m.start():
                continue
            later = dt.date(2025, rng.randint(4, 11), rng.randint(1, 28))
            shift = len("今年") - len(y.group(0))
            bad = s[: y.start()] + "今年" + s[y.end() :]
            span = bad[m.start() + shift : m.end() + shift]
            yield bad, later, span, f"往届（{m.group(1)}届）被说成今年的会议或机构"
            yield s, later, None, "原句，写明年份的往届会议（回顾）"
            yield s, self.date_of[s], None, "原句，在其日期时"

    # -- class 6 ---------------------------------------------------------------------------------

    def leaders(self) -> Iterator[tuple[str, dt.date, str | None, str]]:
        cal = self.lex.calendar
        assert cal is not None
        frames = [
            "{who}主持召开会议并讲话，",
            "{who}在会上强调，",
            "{who}指出，",
            "{who}作出重要指示，",
            "{who}在考察时要求，",
        ]
        tails = [
            s
            for s in self.sents
            if 20 <= len(s) <= 80 and s.startswith(("要", "坚持", "加快", "推动", "深化")) and "年" not in s
        ]
        self.rng.shuffle(tails)
        sims = {c: sorted({w[1] for w in self.by_char.get((0, c), [])} - {c}) for c in "习近平李克强王沪宁赵乐际丁薛祥"}
        jobs = []
        for post in cal.posts:
            for h in post.holders:
                end = h.end or dt.date(2025, 12, 1)
                start = max(h.start, cal.known_from)
                if start >= end:
                    continue
                during = start + dt.timedelta(days=(end - start).days // 2)
                for title in post.titles[:1]:
                    jobs.append((f"{title}{h.name}", h, post, during, end))
                for short in post.short_titles:
                    if short in ("总书记", "总理", "委员长"):
                        jobs.append((f"{h.name}{short}", h, post, during, end))
        self.rng.shuffle(jobs)
        for who, h, post, during, _end in jobs:
            tail = tails.pop() if tails else "要抓好落实。"
            frame = self.rng.choice(frames)
            good = frame.format(who=who) + tail
            yield good, during, None, "在任者，职务正确"
            if h.end is not None and h.end < dt.date(2025, 6, 1):
                later = h.end + dt.timedelta(days=self.rng.randint(120, 700))
                later = min(later, dt.date(2025, 12, 1))
                yield good, later, who, f"{h.name}已于{h.end}卸任{post.titles[0]}"
                yield f"时任{good}", later, None, "“时任”：回顾往事"
            # a slip in the name (3 characters) or in the title
            if len(h.name) == 3 and any(sims.get(c) for c in h.name[1:]):
                i = self.rng.choice([i for i in (1, 2) if sims.get(h.name[i])])
                wrong = h.name[:i] + self.rng.choice(sims[h.name[i]]) + h.name[i + 1 :]
                bad = who.replace(h.name, wrong)
                yield frame.format(who=bad) + tail, during, bad, f"领导人姓名“{h.name}”写错"
            if who.endswith("总书记"):
                bad = who[:-3] + "总" + self.rng.choice("事纪术") + "记"
                yield frame.format(who=bad) + tail, during, bad, "职务“总书记”写错"

    # -- the knowledge added for the 3rd and 4th plenums, the work reports 2023-2025 and two-character names --

    def new_knowledge(self) -> Iterator[tuple[int, str, dt.date, str | None, str]]:
        """Cases for the formulations, collocations and names added on 2026-12-04 (class, text, date, span, note).

        Their official texts are not in the corpora this script may read (the plenum documents are not there, the
        work reports of 2018 on are kept apart), so each formulation stands in a few hand-written frames; the
        error is injected as for classes 1-3 and 6. Hard negatives: the correct frame, and for names the same slip
        without a title, with another surname, or after the many-holder title 主席."""
        when = dt.date(2025, 12, 1)
        rules = [r.entry for r in self.lex.protected if r.entry.source in NEW_SOURCES and r.entry.kind == "formulation"]
        for i, e in enumerate(sorted(rules, key=lambda e: e.id)):
            frame = NEW_FRAMES[i % len(NEW_FRAMES)]
            k = anchor_len(len(e.text))
            inner = list(range(k, len(e.text) - k))
            if inner:
                variant = self._replace_word(e.text, self.rng.choice(inner))
                if variant and variant not in self.known and variant not in self.lex.attested:
                    yield 1, frame.format(f=variant), when, variant, f"新增表述“{e.text}”中一词被换"
            if len(e.text) >= 9:
                tokens, pos, spans = jieba.lcut(e.text), 0, []
                for t in tokens:
                    spans.append((pos, pos + len(t), t))
                    pos += len(t)
                inner2 = [(a, b, t) for a, b, t in spans if a >= k and b <= len(e.text) - k and 2 <= len(t) <= 4]
                if inner2:
                    a, b, t = self.rng.choice(inner2)
                    variant = e.text[:a] + e.text[b:]
                    if variant not in self.known and variant not in self.lex.attested:
                        yield 2, frame.format(f=variant), when, variant, f"新增表述“{e.text}”漏写“{t}”"
            yield 1 if len(e.text) < 9 else 2, frame.format(f=e.text), when, None, f"原表述“{e.text}”（新增）"
        data = self.lex.collocations
        assert data is not None
        for family in data.families:
            if family.source not in NEW_SOURCES:
                continue
            for member in family.members:
                others = sorted(w for m in family.members if m is not member for w in m.words)
                for right in member.words[:2]:
                    wrong = self.rng.choice(others)
                    yield (
                        3,
                        f"要{wrong}{member.object}。",
                        when,
                        f"{wrong}{member.object}",
                        "新增搭配：用了别的对象的动词",
                    )
                    yield 3, f"要{right}{member.object}。", when, None, "新增搭配，正确"
        for seq in data.sequences:
            if seq.source not in NEW_SOURCES:
                continue
            perm = list(range(len(seq.items)))
            while perm == sorted(perm):
                self.rng.shuffle(perm)
            sep = "和" if len(seq.items) == 2 else "、"
            good, bad = sep.join(seq.items), sep.join(seq.items[i] for i in perm)
            before, after = (seq.before or [""])[0], (seq.after or [""])[0]
            yield 3, f"坚持{before}{bad}{after}。", when, bad, f"新增顺序：{seq.name}"
            yield 3, f"坚持{before}{good}{after}。", when, None, "新增顺序，正确"
        yield from self._short_names()

    def _short_names(self) -> Iterator[tuple[int, str, dt.date, str | None, str]]:
        cal = self.lex.calendar
        assert cal is not None
        holders = [(p, h) for p in cal.posts for h in p.holders if len(h.name) == 2]
        conf = load_confusables({h.name[1] for _, h in holders}, self.lex.confusables)
        frames = ["{who}主持召开会议并讲话。", "{who}在会上强调，要抓好落实。", "{who}出席开幕式并致辞。"]
        for post, h in sorted(holders, key=lambda x: (x[0].id, x[1].name)):
            alike = sorted(conf.sound.get(h.name[1], frozenset()) | conf.shape.get(h.name[1], frozenset()))
            alike = [c for c in alike if h.name[0] + c not in self.known]
            if not alike:
                continue
            wrong = h.name[0] + self.rng.choice(alike)
            end = h.end or dt.date(2025, 12, 1)
            during = h.start + dt.timedelta(days=(end - h.start).days // 2)
            frame = self.rng.choice(frames)
            title = post.titles[0]
            yield 6, frame.format(who=f"{title}{wrong}"), during, f"{title}{wrong}", f"两字姓名“{h.name}”写错"
            yield 6, frame.format(who=f"{title}{h.name}"), during, None, "两字姓名，正确"
            yield 6, frame.format(who=f"{wrong}同志"), during, None, "两字姓名，无职务：可能是另一个人"
            other = ("王" if h.name[0] != "王" else "张") + h.name[1]
            yield 6, frame.format(who=f"{other}主任"), during, None, "另一个人"
            yield 6, frame.format(who=f"{wrong}主席"), during, None, "“主席”在名后：担任者众多"
            for short in post.short_titles:
                if short in ("总理", "副总理"):
                    yield 6, frame.format(who=f"{wrong}{short}"), during, f"{wrong}{short}", "两字姓名写错（名后职务）"
        yield 6, "国务院总理李鹏作政府工作报告。", dt.date(1995, 3, 5), None, "另一位总理，其任期内"


def _find_run(sentence: str, items: list[str]) -> tuple[int, int, list[str]] | None:
    """The items in canonical order, separated only by 、，和 or nothing: (start, end, gaps)."""
    pattern = "".join(re.escape(item) + ("([、，和与]?)" if i < len(items) - 1 else "") for i, item in enumerate(items))
    m = re.search(pattern, sentence)
    if m is None:
        return None
    return m.start(), m.end(), list(m.groups())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-dir", type=Path, default=REPO.parent / "shared" / "data" / "corpus")
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "data" / "terms_formulations_devset.jsonl")
    args = parser.parse_args()
    b = Builder(args.corpus_dir, args.per_class)
    for cls, prefix, gen in (
        (1, "c1", b.wrong_word),
        (2, "c2", b.incomplete),
        (3, "c3", b.collocation_order),
        (3, "c3a", b.attested_collocates),
        (4, "c4", b.superseded),
        (5, "c5", b.sessions),
        (5, "c5t", b.past_terms),
        (6, "c6", b.leaders),
    ):
        b.emit(cls, prefix, gen())
    counts: dict[tuple[int, bool], int] = {}
    seen: set[str] = set()
    for cls, text, when, span, note in b.new_knowledge():
        if text in seen:
            continue
        seen.add(text)
        n = counts[cls, span is None] = counts.get((cls, span is None), 0) + 1
        b.out.append(case(f"k{cls}-{'n' if span is None else 'p'}{n:03d}", cls, text, when, span, note))
    print(f"new knowledge: {counts}", file=sys.stderr)
    correction = "更正：本网昨日刊发的稿件中“乡村复兴战略”应为“乡村振兴战略”，特此更正。"
    b.out.append(case("c1-n999", 1, correction, MODERN, None, "更正启事引用错误写法"))
    lines = [json.dumps(c, ensure_ascii=False) for c in b.out]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} cases -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
