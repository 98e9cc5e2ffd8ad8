"""Planted-error sets for the typo gate: real sentences with one realistic slip each, plus hard negatives.

Deterministic (a fixed seed per split): the same shared data gives the same cases. Nothing is committed; the
cases are rebuilt at benchmark time from the shared corpus folder.

Where the sentences come from (``dictionaries/typo/heldout.tsv`` lists the documents kept out of the model):

- ``dev``: sentences of the *dev* documents (laws and reports never seen by the language model). Tuned on.
- ``test``: sentences of the *test* documents plus 新闻联播 stories (read here for measuring only; nothing derived
  from them is shipped). Reported, never tuned on.

Where the errors come from — kept apart from the data the checks use, so the sets measure generalisation:

- sound-alike slips use the readings of ``pypinyin`` (its own dictionary; the check's confusion set comes from
  pycorrector and SIGHAN), restricted to characters common in the source prose and weighted by frequency (the
  character an input method offers first);
- shape-alike slips use pycorrector's ``same_stroke.txt`` (the one shape source there is; the check also knows
  it — said so in the README);
- idiom slips replace one character of an idiom of ``THUOCL_chengyu`` found in the sentence by a homophone;
- non-word slips replace one character of a common 2–3-character word so that the result is not a word;
- style-guide confusions swap one member of a word pair listed *here* (not the check's rule file), wherever the
  sentence has it, regardless of context: whether a rule catches it is what is measured;
- no planted form is a wrong form of the curated list ``misspellings.tsv`` (that list is exact: it would only
  measure itself).

Proportions (of the cases with an error): non-words 30 %, idioms 20 %, style-guide confusions 20 %, sound-alike
characters 20 %, shape-alike characters 10 %. One case in three is a hard negative: an untouched sentence
that holds a word of a confusable pair, an idiom, or a particle 的/地/得.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from checks.pycorrector_data import pycorrector_file
from checks.segmenter import Segmenter, Token
from checks.typo.symbols import is_cjk

REPO_ROOT = Path(__file__).resolve().parent.parent
TYPO_DATA = REPO_ROOT / "dictionaries" / "typo"
CORPUS_FILES = {
    "laws": ("laws_regulations_2000_2025.jsonl", "source", "text"),
    "government_work_reports_1954_2017": ("government_work_reports_1954_2017.jsonl", "title", "content"),
    "cpc_congress_reports_1_to_17": ("cpc_congress_reports_1_to_17.jsonl", "title", "content"),
}
NEWS_FILE = "xinwenlianbo_2022_2025.jsonl"
SEEDS = {"dev": 20261204, "test": 13013013}
SHARES = (("nonword", 0.30), ("idiom", 0.20), ("usage", 0.20), ("sound", 0.20), ("shape", 0.10))
MIN_LEN, MAX_LEN = 16, 90
COMMON_WORD_FREQ = 2000  # jieba frequency of a word a writer would really type
COMMON_CHAR = 30  # occurrences in the source prose of a character an input method would offer

# The generator's own confusable pairs (the right form first), taken from proofreading handbooks: only pairs where
# writing the second for the first is wrong in (nearly) every context, so a swap is an error without looking.
USAGE_PAIRS: tuple[tuple[str, str], ...] = (
    ("截至", "截止"),
    ("截止", "截至"),
    ("反映", "反应"),
    ("部署", "部属"),
    ("报道", "报到"),
    ("必须", "必需"),
    ("权力", "权利"),
    ("权利", "权力"),
    ("启用", "起用"),
    ("以便", "已便"),
    ("以免", "已免"),
    ("过度", "过渡"),
    ("过渡", "过度"),
    ("考察", "考查"),
    ("即将", "既将"),
    ("既要", "即要"),
    ("品位", "品味"),
)
PARTICLE_SWAPS = {"uv": ("地", "的"), "ud": ("得", "的")}  # jieba tags of adverbial 地 and complement 得


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # nonword | idiom | usage | sound | shape | negative
    text: str
    start: int  # the planted span (empty for a negative)
    end: int
    wrong: str
    right: str
    source: str  # where the sentence came from (corpus, not the document)

    @property
    def has_error(self) -> bool:
        return self.kind != "negative"


# ----------------------------------------------------------------------------- sources


def heldout_keys(split: str) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for line in (TYPO_DATA / "heldout.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        part, corpus, key, _ = line.split("\t")
        if part == split:
            wanted.setdefault(corpus, set()).add(key)
    return wanted


_SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")
_UNWANTED = re.compile(r"[A-Za-z0-9０-９\[\]【】<>#*|（）()]")


def sentences_of(text: str) -> Iterator[str]:
    for part in _SENTENCE_END.split(text):
        s = part.strip()
        if MIN_LEN <= len(s) <= MAX_LEN and not _UNWANTED.search(s) and sum(map(is_cjk, s)) >= 0.8 * len(s):
            yield s


def source_sentences(shared: Path, split: str, news_docs: int = 1500) -> list[tuple[str, str]]:
    """(corpus, sentence) pairs of the split, deduplicated, in file order."""
    wanted = heldout_keys(split)
    out: list[tuple[str, str]] = []
    for corpus, (file, key_field, text_field) in CORPUS_FILES.items():
        with (shared / "corpus" / file).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row[key_field] in wanted.get(corpus, ()):
                    out += [(corpus, s) for s in sentences_of(row[text_field])]
    if split == "test":
        rows = [json.loads(line) for line in (shared / "corpus" / NEWS_FILE).open(encoding="utf-8")]
        stride = max(1, len(rows) // news_docs)
        for row in rows[::stride]:
            out += [("xinwenlianbo", s) for s in sentences_of(row["text"])]
    seen: set[str] = set()
    return [(c, s) for c, s in out if not (s in seen or seen.add(s))]


def read_lines(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]


@dataclass(frozen=True)
class Sources:
    homophones: dict[str, list[str]]  # pypinyin: same reading (tone ignored), common characters only
    shapes: dict[str, list[str]]
    char_freq: Counter[str]
    chengyu: frozenset[str]
    idiom_forms: frozenset[str]  # every idiom list: a planted "error" must not be a listed form
    curated_wrong: frozenset[str]


def build_sources(shared: Path, texts: Sequence[str]) -> Sources:
    from pypinyin import Style, lazy_pinyin

    freq: Counter[str] = Counter(ch for t in texts for ch in t if is_cjk(ch))
    common = [ch for ch, n in freq.items() if n >= COMMON_CHAR]
    by_reading: dict[str, list[str]] = {}
    reading = {ch: lazy_pinyin(ch, style=Style.NORMAL)[0] for ch in common}
    for ch in sorted(common, key=lambda c: -freq[c]):
        by_reading.setdefault(reading[ch], []).append(ch)
    homophones = {ch: [o for o in by_reading[reading[ch]] if o != ch] for ch in common}
    shapes: dict[str, list[str]] = {}
    for line in read_lines(pycorrector_file("same_stroke.txt")):
        chars = [c for c in line.split("\t") if len(c) == 1]
        for c in chars:
            shapes.setdefault(c, []).extend(o for o in chars if o != c and freq[o] >= COMMON_CHAR)
    lexicon = shared / "lexicon"
    chengyu = frozenset(ln.split("\t")[0] for ln in read_lines(lexicon / "THUOCL_chengyu.txt"))
    forms = set(read_lines(lexicon / "idioms.txt")) | set(read_lines(lexicon / "idioms_namemoe_5w.txt")) | chengyu
    forms |= set(read_lines(TYPO_DATA / "idioms.txt"))
    curated = frozenset(ln.split("\t")[0] for ln in read_lines(TYPO_DATA / "misspellings.tsv"))
    return Sources(homophones, shapes, freq, chengyu, frozenset(forms), curated)


# ----------------------------------------------------------------------------- planting


class Planter:
    def __init__(self, sources: Sources, segmenter: Segmenter, rng: random.Random) -> None:
        self.src = sources
        self.seg = segmenter
        self.rng = rng

    def pick_char(self, ch: str, kind: str) -> str | None:
        pool = self.src.homophones.get(ch, []) if kind == "sound" else self.src.shapes.get(ch, [])
        if not pool:
            return None
        if kind == "sound":  # an input method offers the frequent characters of a reading first
            return self.rng.choices(pool[:8], weights=[self.src.char_freq[c] for c in pool[:8]])[0]
        return self.rng.choice(pool)

    def is_word(self, w: str) -> bool:
        return self.seg.dictionary_tag(w, 1) is not None

    def acceptable(self, text: str, start: int, wrong: str) -> bool:
        """Not a curated wrong form, not an accepted idiom form, and inside a sentence of Chinese text."""
        planted = text[max(0, start - 3) : start] + wrong + text[start + len(wrong) : start + len(wrong) + 3]
        return not any(w in planted for w in self.src.curated_wrong)

    def nonword(self, text: str, tokens: list[Token]) -> tuple[int, int, str] | None:
        words = [
            t for t in tokens if 2 <= len(t.word) <= 3 and all(map(is_cjk, t.word)) and self.seg.dictionary_tag(
                t.word, COMMON_WORD_FREQ) is not None and t.pos[:1] not in "nr"
        ]  # fmt: skip
        self.rng.shuffle(words)
        for t in words:
            i = self.rng.randrange(len(t.word))
            new = self.pick_char(t.word[i], "sound" if self.rng.random() < 0.7 else "shape")
            if not new:
                continue
            wrong = t.word[:i] + new + t.word[i + 1 :]
            if not self.is_word(wrong) and wrong not in self.src.idiom_forms:
                return t.start, t.end, wrong
        return None

    def idiom(self, text: str, tokens: list[Token]) -> tuple[int, int, str] | None:
        spans = [(m, text.find(m)) for m in {text[i : i + 4] for i in range(len(text) - 3)} if m in self.src.chengyu]
        spans.sort(key=lambda x: x[1])
        self.rng.shuffle(spans)
        for idiom, start in spans:
            for i in self.rng.sample(range(4), 4):
                new = self.pick_char(idiom[i], "sound")
                if not new:
                    continue
                wrong = idiom[:i] + new + idiom[i + 1 :]
                if wrong not in self.src.idiom_forms and not self.is_word(wrong):
                    return start, start + 4, wrong
        return None

    def usage(self, text: str, tokens: list[Token]) -> tuple[int, int, str] | None:
        options = [(right, wrong) for right, wrong in USAGE_PAIRS if right in text]
        options += [(t, PARTICLE_SWAPS[t.pos]) for t in tokens if t.pos in PARTICLE_SWAPS]  # type: ignore[misc]
        if not options:
            return None
        right, wrong = self.rng.choice(options)
        if isinstance(right, Token):
            return right.start, right.end, wrong[1]
        starts = [m.start() for m in re.finditer(re.escape(right), text)]
        start = self.rng.choice(starts)
        return start, start + len(right), wrong

    def char(self, text: str, tokens: list[Token], kind: str) -> tuple[int, int, str] | None:
        spots = [i for t in tokens if t.pos[:2] not in ("nr", "ns", "nt") for i in range(t.start, t.end)]
        spots = [i for i in spots if is_cjk(text[i])]
        self.rng.shuffle(spots)
        for i in spots[:12]:
            new = self.pick_char(text[i], kind)
            if new:
                return i, i + 1, new
        return None

    def plant(self, kind: str, text: str, tokens: list[Token]) -> tuple[int, int, str] | None:
        if kind == "nonword":
            return self.nonword(text, tokens)
        if kind == "idiom":
            return self.idiom(text, tokens)
        if kind == "usage":
            return self.usage(text, tokens)
        return self.char(text, tokens, kind)


def diff_span(a: str, b: str) -> tuple[int, int]:
    """The span of ``b`` that differs from ``a`` (same length)."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return diff[0], diff[-1] + 1


def negative_worthy(text: str, tokens: list[Token], sources: Sources) -> bool:
    if any(right in text or wrong in text for right, wrong in USAGE_PAIRS):
        return True
    if any(t.pos in PARTICLE_SWAPS for t in tokens):
        return True
    return any(text[i : i + 4] in sources.chengyu for i in range(len(text) - 3))


def build_cases(shared: Path, split: str, segmenter: Segmenter, errors: int = 600) -> list[Case]:
    """``errors`` planted cases and half as many hard negatives from the split's sentences."""
    rng = random.Random(SEEDS[split])
    pool = source_sentences(shared, split)
    rng.shuffle(pool)
    sources = build_sources(shared, [s for _, s in pool])
    planter = Planter(sources, segmenter, rng)
    quota = {kind: round(errors * share) for kind, share in SHARES}
    quota["negative"] = errors // 2
    cases: list[Case] = []
    for corpus, text in pool:
        if all(v <= 0 for v in quota.values()):
            break
        tokens = segmenter.tokens(text)
        open_kinds = [k for k, v in quota.items() if v > 0 and k != "negative"]
        # usage and idiom sentences are rare: offer each sentence to the scarcest kinds first
        open_kinds.sort(key=lambda k: {"usage": 0, "idiom": 1}.get(k, 2))
        planted = None
        for kind in open_kinds:
            got = planter.plant(kind, text, tokens)
            if got and got[2] != text[got[0] : got[1]] and planter.acceptable(text, got[0], got[2]):
                planted = (kind, got)
                break
        if planted:
            kind, (start, end, wrong) = planted
            new_text = text[:start] + wrong + text[end:]
            start, end = diff_span(text, new_text)
            cid = f"{split}-{len(cases):04d}"
            cases.append(Case(cid, kind, new_text, start, end, new_text[start:end], text[start:end], corpus))
            quota[kind] -= 1
        elif quota["negative"] > 0 and negative_worthy(text, tokens, sources):
            cases.append(Case(f"{split}-{len(cases):04d}", "negative", text, 0, 0, "", "", corpus))
            quota["negative"] -= 1
    return cases


def write_cases(cases: Sequence[Case], path: Path) -> None:
    path.write_text("".join(json.dumps(asdict(c), ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
