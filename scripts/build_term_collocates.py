"""Build dictionaries/terms/collocates.jsonl (JSON Lines): the words that go with each formulation in official prose.

For every formulation of the term dictionaries (``kind: formulation`` in protected.yaml and formulations.yaml) this
script counts, in the official texts the product may be built from — the reports to the CPC congresses 1–20, the
State Council government work reports 1954–2017 and the laws and regulations of ``../shared/data/corpus``, minus
the documents held out for measuring false alarms (scripts/build_term_attestation.py) — the word right before it
(its governing verb, or a modifier ending in 的) and the word right after it (its head noun), quotes skipped; for
a formulation that opens with a verb (全面推进乡村振兴) it also counts the verbs before its object (乡村振兴) on its
own. It records where the formulation was found, whether each slot is fixed or free, and, for a formulation
made of two conjoined parts (统筹发展和安全), the form with the parts swapped when formal prose never writes it.

Not read: the 新闻联播 transcripts (measuring only), the work reports of 2018 and later (kept apart to measure
false alarms). Words are cut with jieba (its own dictionary, plus the collocates named in collocations.yaml so
that 深刻领悟 or 总体布局 are read as the words the rules compare). The same inputs give the same file.

Usage: python scripts/build_term_collocates.py [--corpus-dir DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import ahocorasick  # noqa: E402
import jieba  # noqa: E402
import jieba.posseg  # noqa: E402

from checks.terms.lexicon import COLLOCATES_FILE, load_lexicon  # noqa: E402
from scripts.build_term_attestation import BUILD_FILES, DEFAULT_CORPUS, heldout  # noqa: E402

QUOTES = "“”‘’\"'「」《》"
WINDOW = 12  # characters read on each side to cut the neighbouring word
TOP = 8  # collocates kept per slot (the rest are counted in ``other``)
MIN_USES = 3  # word uses of a slot below this: too rare to say fixed or free
FIXED_SHARE = 0.8  # a slot is fixed when at most FIXED_WORDS words cover this share of its word uses
FIXED_WORDS = 2
CONJUNCTIONS = ("和", "与", "及", "、")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_ADVERB_FLAGS = ("d", "ad")
LEAD_VERBS = frozenset(
    {"加快", "推动", "推进", "坚定", "持续", "深入", "着力", "大力", "积极", "不断", "继续", "努力", "切实"}
)


@dataclass
class Slot:
    """The words seen in one slot (before or after) of one text, with how often each came."""

    words: Counter[str] = field(default_factory=Counter)
    edge: int = 0  # the text stood at a clause edge (punctuation, start or end of the document)

    def uses(self) -> int:
        return sum(self.words.values())

    def kind(self) -> str:
        uses = self.uses()
        if uses == 0 and self.edge == 0:
            return "none"
        if uses < MIN_USES:
            return "rare"
        top = sum(c for _, c in self.words.most_common(FIXED_WORDS))
        return "fixed" if top >= FIXED_SHARE * uses else "free"

    def dump(self) -> dict:
        top = dict(self.words.most_common(TOP))
        out: dict = {"use": self.kind(), "n": self.uses(), "words": top}
        other = self.uses() - sum(top.values())
        if other:
            out["other"] = other
        if self.edge:
            out["edge"] = self.edge
        return out


@dataclass
class Stats:
    n: int = 0
    docs: Counter[str] = field(default_factory=Counter)
    before: Slot = field(default_factory=Slot)
    after: Slot = field(default_factory=Slot)


def corpus_tag(name: str, row: dict) -> str:
    """A short name of the document for the ``docs`` counts: cpc<N>, gwr<year>, laws."""
    if name.startswith("cpc"):
        return f"cpc{int(row.get('congress') or 0)}"
    if name.startswith("government"):
        return f"gwr{int(row.get('year') or 0)}"
    return "laws"


def group_tag(tag: str) -> str:
    if tag.startswith("cpc"):
        return "cpc18_20" if int(tag[3:]) >= 18 else "cpc1_17"
    if tag.startswith("gwr"):
        return "gwr1954_2017"
    return tag


def make_tokenizer(extra_words: dict[str, str]) -> jieba.Tokenizer:
    """jieba with the collocates of collocations.yaml as words (verbs tagged v, head nouns n)."""
    tok = jieba.Tokenizer()
    tok.initialize()
    for word, tag in sorted(extra_words.items()):
        tok.add_word(word, freq=100_000, tag=tag)
    return tok


def word_before(tok: jieba.Tokenizer, text: str, start: int) -> str | None:
    """The word right before ``start`` (quotes skipped); a modifier ending in 的 keeps it (积极的)."""
    while start > 0 and text[start - 1] in QUOTES:
        start -= 1
    tokens = [t for t in tok.cut(text[max(0, start - WINDOW) : start], HMM=False) if t.strip()]
    if not tokens or not _HAN.match(tokens[-1]):
        return None
    if tokens[-1] == "的" and len(tokens) >= 2 and _HAN.match(tokens[-2]):
        return tokens[-2] + "的"
    return tokens[-1]


def word_after(tok: jieba.Tokenizer, text: str, end: int) -> str | None:
    while end < len(text) and text[end] in QUOTES:
        end += 1
    tokens = [t for t in tok.cut(text[end : end + WINDOW], HMM=False) if t.strip()]
    if not tokens or not _HAN.match(tokens[0]):
        return None
    return tokens[0]


def own_verb(pos: jieba.posseg.POSTokenizer, text: str) -> tuple[str, str] | None:
    """(verb, object) for a formulation that opens with a verb (全面推进乡村振兴 → 推进, 乡村振兴), else None.
    Adverbs may stand before the verb; after a verb of pace or manner the next verb governs (加快构建, 坚定奉行)."""
    pairs = list(pos.cut(text, HMM=False))
    i = 0
    while i < len(pairs) and pairs[i].flag in _ADVERB_FLAGS:
        i += 1
    if i >= len(pairs) or pairs[i].flag != "v" or len(pairs[i].word) < 2:
        return None
    while (
        pairs[i].word in LEAD_VERBS and i + 1 < len(pairs) and pairs[i + 1].flag == "v" and len(pairs[i + 1].word) >= 2
    ):
        i += 1  # a verb of pace or manner leads the governing verb: 加快构建, 坚定奉行
    rest = "".join(p.word for p in pairs[i + 1 :])
    if len(rest) < 4 or not _HAN.match(rest) or rest[0] in "的和与及":
        return None
    return pairs[i].word, rest


def swapped(pos: jieba.posseg.POSTokenizer, text: str) -> tuple[str, str, str] | None:
    """The formulation with the two parts around its one conjunction swapped (统筹发展和安全 → 统筹安全和发展;
    外部安全和内部安全 → 内部安全和外部安全). Two words on each side are the parts when they have the same length
    and share their first or last word (a parallel pair); else one word on each side of the same length; else one
    and two words of the same length sharing two characters (文化事业和文化产业). One word on each side inside
    longer text must be of one part of speech (领导水平和长期执政能力 is no pair of 水平 and 长期). Anything else gets
    no swap. Returns (swapped formulation, the pair as written, the pair swapped): 统筹安全和发展, 发展和安全,
    安全和发展."""
    pairs = list(pos.cut(text, HMM=False))
    tokens = [p.word for p in pairs]
    at = [i for i, t in enumerate(tokens) if t in CONJUNCTIONS]
    if len(at) != 1:
        return None
    i = at[0]

    def parts(wl: int, wr: int) -> tuple[str, str] | None:
        if i - wl < 0 or i + 1 + wr > len(tokens):
            return None
        left, right = "".join(tokens[i - wl : i]), "".join(tokens[i + 1 : i + 1 + wr])
        ok = len(left) == len(right) >= 2 and left != right and _HAN.match(left + right)
        return (left, right) if ok else None

    def swap(wl: int, wr: int) -> tuple[str, str, str]:
        left, right = "".join(tokens[i - wl : i]), "".join(tokens[i + 1 : i + 1 + wr])
        whole = "".join([*tokens[: i - wl], right, tokens[i], left, *tokens[i + 1 + wr :]])
        return whole, left + tokens[i] + right, right + tokens[i] + left

    if parts(2, 2):
        parallel = tokens[i - 2] == tokens[i + 1] or tokens[i - 1] == tokens[i + 2]
        return swap(2, 2) if parallel else None
    if parts(1, 1):
        inside = i - 2 >= 0 and i + 2 < len(tokens)
        if not inside or pairs[i - 1].flag == pairs[i + 1].flag:
            return swap(1, 1)
        return None
    for wl, wr in ((2, 1), (1, 2)):
        pair = parts(wl, wr)
        if pair and (pair[0][:2] == pair[1][:2] or pair[0][-2:] == pair[1][-2:]):
            return swap(wl, wr)
    return None


def scan(corpus: Path, keys: set[str], tok: jieba.Tokenizer) -> tuple[dict[str, Stats], int]:
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    stats: dict[str, Stats] = defaultdict(Stats)
    chars = 0
    for name, column in BUILD_FILES:
        with (corpus / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if heldout(name, row):
                    continue
                text = row.get(column) or ""
                chars += len(text)
                tag = corpus_tag(name, row)
                for end_idx, key in automaton.iter(text):
                    start, end = end_idx - len(key) + 1, end_idx + 1
                    s = stats[key]
                    s.n += 1
                    s.docs[group_tag(tag)] += 1
                    before = word_before(tok, text, start)
                    if before is None:
                        s.before.edge += 1
                    else:
                        s.before.words[before] += 1
                    after = word_after(tok, text, end)
                    if after is None:
                        s.after.edge += 1
                    else:
                        s.after.words[after] += 1
    return stats, chars


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=REPO / "dictionaries" / "terms" / COLLOCATES_FILE)
    args = parser.parse_args()
    lexicon = load_lexicon(REPO / "dictionaries", collocates=False)
    formulations = [r.entry for r in lexicon.protected if r.entry.kind == "formulation"]
    known = {e.text for e in formulations}
    extra: dict[str, str] = {}
    families: dict[str, list[dict]] = defaultdict(list)
    if lexicon.collocations is not None:
        data = lexicon.collocations
        extra |= {w: "n" for q in data.sequences for w in q.items if len(w) >= 2}
        extra |= {w: ("v" if g.slot == "before" else "n") for g in data.confusable_sets for w in g.words}
        for f in data.families:
            extra |= {w: ("v" if f.slot == "before" else "n") for m in f.members for w in m.words if len(w) <= 4}
            for m in f.members:
                families[m.object].append({"id": f.id, "slot": f.slot, "words": list(m.words)})
    tok = make_tokenizer(extra)
    pos = jieba.posseg.POSTokenizer(tok)
    objects = {e.id: own_verb(pos, e.text) for e in formulations}
    swaps = {e.id: swapped(pos, e.text) for e in formulations}
    swaps = {k: v for k, v in swaps.items() if v and v[0] not in known}
    keys = known | {o[1] for o in objects.values() if o} | {t for v in swaps.values() for t in v}
    stats, chars = scan(args.corpus_dir, keys, tok)
    rows: list[str] = []
    counts: Counter[str] = Counter()
    for e in formulations:
        s = stats.get(e.text, Stats())
        row: dict = {"id": e.id, "text": e.text, "n": s.n}
        if families.get(e.text):
            row["family"] = families[e.text]
        if s.n:
            row["docs"] = dict(sorted(s.docs.items()))
            row["before"] = s.before.dump()
            row["after"] = s.after.dump()
        obj = objects[e.id]
        if obj:
            o = stats.get(obj[1], Stats())
            row["verb"] = obj[0]
            row["object"] = {"text": obj[1], "n": o.n, "before": o.before.dump()}
        swap = swaps.get(e.id)
        if swap:
            row["swap"] = {
                "text": swap[0],
                "n": stats.get(swap[0], Stats()).n,
                "pair": swap[1],
                "pair_n": stats.get(swap[1], Stats()).n,
                "swapped_n": stats.get(swap[2], Stats()).n,
            }
        in_corpus = s.n > 0 or (obj is not None and stats.get(obj[1], Stats()).n > 0)
        if in_corpus:
            counts["with corpus counts"] += 1
        elif families.get(e.text):
            counts["no corpus counts, family words only"] += 1
        elif obj:
            counts["no corpus counts, own verb only"] += 1
        else:
            counts["no collocation data"] += 1
        if s.n:
            counts[f"before {s.before.kind()}"] += 1
            counts[f"after {s.after.kind()}"] += 1
        rows.append(json.dumps(row, ensure_ascii=False))
    about = [
        "表述的搭配 — the words that go with each formulation in official prose, counted by",
        "scripts/build_term_collocates.py (generated; do not edit by hand: change the script or the formulations",
        "and rerun). One JSON object per line after this header; loaded by checks/terms/lexicon.py (load_collocates).",
        "Each line: one formulation of protected.yaml/formulations.yaml (kind formulation):",
        "n = occurrences in the build corpora; docs = where (cpc18_20, cpc1_17 = congress reports,",
        "gwr1954_2017 = government work reports, laws = laws and regulations);",
        "before = the word right before it (its verb, or a modifier ending in 的), quotes skipped: use = fixed",
        f"(at most {FIXED_WORDS} words make {FIXED_SHARE:.0%} of the word uses), free, rare (fewer than {MIN_USES} "
        f"word uses) or none; words = the {TOP} commonest with counts, other = the rest,",
        "edge = at a clause edge (no word);",
        "after = the same for the word right after it (its head noun);",
        "verb, object = for a formulation that opens with a verb: that verb, and the words before the object alone;",
        "family = the words a family of collocations.yaml gives it (curated from the official texts);",
        "swap = the formulation with the two parts around its conjunction swapped and how often prose has it;",
        "pair_n / swapped_n = how often the two parts stand in this order / the other order anywhere.",
        "term.political (checks/terms/collocates.py) reports a word of a confusable set (collocations.yaml,",
        "confusable_sets) next to a formulation whose attested words of that set exclude it, and a swap never written.",
        "Source: the reports to the CPC congresses 1-20, the government work reports 1954-2017 and the laws of the",
        "shared corpus (official documents, Copyright Law art. 5), minus the documents held out for measuring",
        f"(scripts/build_term_attestation.py); {chars} characters read. Not read: 新闻联播, work reports 2018-.",
        f"Counts: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}.",
    ]
    head = json.dumps({"version": 1, "characters": chars, "about": about}, ensure_ascii=False)
    args.out.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    print(f"{len(rows)} formulations from {chars} characters -> {args.out}")
    for k, v in sorted(counts.items()):
        print(f"  {k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
