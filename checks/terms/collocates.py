"""Attested collocates: a formulation's verb or head noun swapped for a confusable one, and swapped halves.

The knowledge is counted from official prose (dictionaries/terms/collocates.jsonl, built by
scripts/build_term_collocates.py): for each formulation, the words seen right before and after it. The sets of
words that writers put in each other's place (增强/坚定/做到/领悟, 铸牢/筑牢, 总体布局/战略布局) are curated in
collocations.yaml. A word is reported only when

- it belongs to such a set, and stands right next to a formulation (quotes in between allowed) as a whole word;
- the official texts attest other words of the same set with that formulation at least ``MIN_SUPPORT`` times; and
- they never attest this one, nor does a family of collocations.yaml list it.

An unattested verb outside every set (free prose has many) is never judged. A formulation of two conjoined parts
written with the parts swapped (坚持和发展 → 发展和坚持) is reported when the official texts never write it that way
and write the two parts in their order at least ``MIN_PAIR`` times and in the other order rarely even elsewhere
(安全和发展 is common: 统筹安全和发展 passes). A swapped form right after a noun or modifier is left alone
(促进经济发展和坚持…: the 发展 is 经济发展's).
One automaton over every judged text, built once; each hit reads only its own neighbourhood.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from checks.hits import Hit
from checks.terms.collocation import QUOTES
from checks.terms.context import DocContext
from checks.terms.schema import CollocatesFile, CollocationsFile, ConfusableSet, SlotCounts, Source

MIN_SUPPORT = 2  # attested uses of the set's other words before a formulation is judged by that set
MIN_PAIR = 3  # the two parts seen in their order at least this often: an established order, not one text's
SWAP_OTHER_SHARE = 0.1  # the two parts in the other order anywhere at most this often: the order is fixed
PHRASE_END = "，。；：！？、,.;:!?）)\n和与及等"


@dataclass(frozen=True, slots=True)
class SlotRule:
    """One formulation, one confusable set: the set's words the official texts use with it, and how often."""

    key: str  # the formulation (or the object of one that opens with a verb)
    owner: str  # the formulation entry's text, for the message
    entry_id: str
    group: ConfusableSet
    attested: dict[str, int]  # words of the set seen with ``key`` (corpus counts; family words count 0)
    allowed: frozenset[str]  # every word seen with ``key`` in that slot (corpus and families)


@dataclass(frozen=True, slots=True)
class SwapRule:
    written: str
    canonical: str
    entry_id: str
    count: int  # occurrences of the canonical form in the official texts


class AttestedCollocates:
    def __init__(
        self,
        data: CollocatesFile,
        collocations: CollocationsFile,
        sources: dict[str, Source],
        entry_sources: dict[str, Source],
    ) -> None:
        """``entry_sources``: the source of each formulation entry by id (its swapped form cites it)."""
        self.sources = sources
        self.entry_sources = entry_sources
        self.characters = data.characters
        groups = [g for g in collocations.confusable_sets if g.enabled]
        family_words: dict[tuple[str, str], set[str]] = {}
        for family in collocations.families:
            if family.enabled:
                for member in family.members:
                    family_words.setdefault((member.object, family.slot), set()).update(member.words)
        self._heads: dict[str, frozenset[str]] = {}  # a formulation's fixed head nouns (五位一体 → 总体布局)
        self.rules: dict[str, list[SlotRule]] = {}
        self.swaps: dict[str, SwapRule] = {}
        for entry in data.formulations:
            # A formulation that opens with its own verb (奉行……政策) has an adverb before it, not a verb: only
            # its object is judged in the verb slot.
            own_before = None if entry.verb else entry.before
            slots: list[tuple[str, str, SlotCounts | None]] = [
                (entry.text, "before", own_before),
                (entry.text, "after", entry.after),
            ]
            if entry.object is not None:
                slots.append((entry.object.text, "before", entry.object.before))
            heads = set(family_words.get((entry.text, "after"), set()))
            if entry.after is not None and entry.after.use == "fixed":
                heads |= set(entry.after.words)
            self._heads[entry.text] = frozenset(heads)
            for key, slot, counts in slots:
                if counts is None:
                    continue
                curated = family_words.get((key, slot), set())
                allowed = frozenset(counts.words) | curated
                for group in groups:
                    if group.slot != slot or (group.heads and not key.endswith(tuple(group.heads))):
                        continue
                    attested = {w: c for w, c in counts.words.items() if w in group.words}
                    if sum(attested.values()) < MIN_SUPPORT:
                        continue
                    attested |= {w: 0 for w in curated if w in group.words and w not in attested}
                    rule = SlotRule(key, entry.text, entry.id, group, attested, allowed)
                    if all(r.group.id != group.id for r in self.rules.get(key, [])):
                        self.rules.setdefault(key, []).append(rule)
            swap = entry.swap
            fixed_order = (
                swap is not None
                and swap.n == 0
                and swap.pair_n >= MIN_PAIR
                and swap.swapped_n <= SWAP_OTHER_SHARE * swap.pair_n
            )
            if swap is not None and fixed_order and entry.id in entry_sources:
                self.swaps[swap.text] = SwapRule(swap.text, entry.text, entry.id, entry.n)
        self._words = {
            slot: sorted({w for g in groups if g.slot == slot for w in g.words}, key=len, reverse=True)
            for slot in ("before", "after")
        }
        self._automaton = ahocorasick.Automaton()
        for key in {*self.rules, *self.swaps}:
            self._automaton.add_word(key, key)
        self._empty = not (self.rules or self.swaps)
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, ctx: DocContext) -> Iterator[Hit]:
        if self._empty:
            return
        text = ctx.text
        for end_idx, key in self._automaton.iter(text):
            start, end = end_idx - len(key) + 1, end_idx + 1
            swap = self.swaps.get(key)
            if swap is not None and ctx.aligned(start, end) and not _attached(ctx, start):
                yield self._swap_hit(swap, start, end)
            for rule in self.rules.get(key, ()):
                hit = self._slot_hit(ctx, rule, start, end)
                if hit is not None:
                    yield hit
                    break

    def _slot_hit(self, ctx: DocContext, rule: SlotRule, start: int, end: int) -> Hit | None:
        text = ctx.text
        if rule.group.slot == "before":
            edge = start
            while edge > 0 and text[edge - 1] in QUOTES:
                edge -= 1
            word = next((w for w in self._words["before"] if text.endswith(w, 0, edge)), None)
            if word is None or not self._phrase_ends(text, end, rule.key):
                return None
            ws = edge - len(word)
            if ws > 0 and not ctx.is_boundary(ws) and ctx.is_word(text[ws - 1 : ws + 1]):
                return None  # the word is the tail of a longer one
            span = (ws, end)
        else:
            edge = end
            while edge < len(text) and text[edge] in QUOTES:
                edge += 1
            word = next((w for w in self._words["after"] if text.startswith(w, edge)), None)
            if word is None:
                return None
            we = edge + len(word)
            if we < len(text) and not ctx.is_boundary(we) and ctx.is_word(text[we - 1 : we + 1]):
                return None
            span = (start, we)
        if word not in rule.group.words or word in rule.allowed or any(word in w for w in rule.allowed):
            return None
        right = max(rule.attested, key=lambda w: (rule.attested[w], -len(w)))
        written = text[span[0] : span[1]]
        before = rule.group.slot == "before"
        suggestion = right + written[len(word) :] if before else written[: -len(word)] + right
        place = "动词" if rule.group.slot == "before" else "中心语"
        ranked = sorted(rule.attested.items(), key=lambda x: -x[1])
        seen = "、".join(f"“{w}”{c}次" if c else f"“{w}”（词表所列）" for w, c in ranked)
        source = self.sources[rule.group.source].cite()
        return Hit(
            span[0],
            span[1],
            f"collocate.{rule.group.id}",
            f"“{rule.key}”的{place}应为“{right}”，不用“{word}”",
            suggestion,
            f"搭配不当：{rule.group.why}。正式文件（党代会报告、政府工作报告、法律法规，{self.characters:,}字）中"
            f"与“{rule.key}”搭配的是{seen}，从未用“{word}”（匹配：“{written}”）；"
            f"词表 collocates.jsonl 条目 {rule.entry_id}（{rule.owner}），collocations.yaml 易混词组 {rule.group.id}；"
            f"来源：{source}",
        )

    def _phrase_ends(self, text: str, end: int, key: str) -> bool:
        """Whether the verb governs the formulation itself: after it comes punctuation, a conjunction, the end of
        the text or its own fixed head noun — not more of a longer noun phrase (坚定……道路自信, 贯彻……理念的要求)."""
        while end < len(text) and text[end] in QUOTES:
            end += 1
        if end >= len(text) or text[end] in PHRASE_END:
            return True
        return any(text.startswith(h, end) for h in self._heads.get(key, ()))

    def _swap_hit(self, swap: SwapRule, start: int, end: int) -> Hit:
        seen = f"正式文件中写作“{swap.canonical}”{swap.count}次" if swap.count else f"规范表述为“{swap.canonical}”"
        return Hit(
            start,
            end,
            f"swap.{swap.entry_id}",
            f"“{swap.canonical}”前后两部分的顺序是固定的，不能颠倒",
            swap.canonical,
            f"前后颠倒：{seen}，从未写作“{swap.written}”（党代会报告、政府工作报告、法律法规，{self.characters:,}字）；"
            f"词表 collocates.jsonl 条目 {swap.entry_id}；来源：{self.entry_sources[swap.entry_id].cite()}",
        )


NOMINAL_TAGS = frozenset({"a", "an", "b", "j", "m", "q", "vn"})  # with every tag opening with n: words a verb
# or noun after them attaches to. jieba tags some adverbs of manner as nouns; before a verb they are adverbs.
ADVERBS = frozenset({"全面", "大力", "着力", "积极", "切实", "坚决", "深入", "更好", "不断", "持续", "始终"})


def _attached(ctx: DocContext, start: int) -> bool:
    """Whether the text before a swapped form ends in a noun or modifier that its first word belongs to: in
    促进经济发展和坚持…制度 the 发展 is 经济发展's, no swapped 坚持和发展. Precision first: such a form is left
    alone."""
    token = ctx.token_before(start)
    if token is None or token.word in ADVERBS:
        return False
    return token.pos.startswith("n") or token.pos in NOMINAL_TAGS
