"""Fixed collocations and fixed order: the verb or head noun that belongs to a formulation, and enumerations.

- Families (collocations.yaml): formulations that each take their own verb or head noun — 增强“四个意识”,
  坚定“四个自信”, 做到“两个维护”; “五位一体”总体布局, “四个全面”战略布局. A collocate of another member of
  the family standing right next to a formulation (坚定“四个意识”, “四个全面”总体布局) is wrong; any other word
  is left alone (this check knows the family's collocates, not the language).
- Enumerations: the items of a fixed enumeration written in another order (全面、准确、完整贯彻新发展理念; 碳中和
  碳达峰). Only a run that holds every item, separated by nothing but 、，和与及 and quotes, is judged; generic
  items (完整, 准确, 全面) need the enumeration's context word right after or before the run.

One automaton over every object and item, built once; the checks read only the hits' neighbourhoods.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator

import ahocorasick

from checks.hits import Hit
from checks.terms.context import DocContext
from checks.terms.schema import CollocationFamily, CollocationsFile, Enumeration, Source

QUOTES = "“”‘’\"'「」《》"
SEPARATORS = "、，,和与及 \u3000" + QUOTES
MAX_GAP = 3  # characters of separators between two items of a run


class CollocationRules:
    def __init__(self, data: CollocationsFile, sources: dict[str, Source]) -> None:
        self.sources = sources
        self.families = [f for f in data.families if f.enabled]
        self.sequences = [s for s in data.sequences if s.enabled]
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, int, int]]] = {}
        for fi, family in enumerate(self.families):
            for mi, member in enumerate(family.members):
                keys.setdefault(member.object, []).append(("object", fi, mi))
        for si, seq in enumerate(self.sequences):
            for ii, item in enumerate(seq.items):
                keys.setdefault(item, []).append(("item", si, ii))
        for key, payload in keys.items():
            self._automaton.add_word(key, (key, tuple(payload)))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()
        self._collocates = [
            sorted({w for m in f.members for w in m.words}, key=len, reverse=True) for f in self.families
        ]

    def find(self, ctx: DocContext) -> Iterator[Hit]:
        if self._empty:
            return
        objects: list[tuple[int, int, int, int]] = []
        items: dict[int, list[tuple[int, int, int]]] = {}
        for end_idx, (key, payload) in self._automaton.iter(ctx.text):
            start, end = end_idx - len(key) + 1, end_idx + 1
            for kind, a, b in payload:
                if kind == "object":
                    objects.append((start, end, a, b))
                else:
                    items.setdefault(a, []).append((start, end, b))
        for start, end, fi, mi in objects:
            hit = self._collocation(ctx, start, end, self.families[fi], fi, mi)
            if hit is not None:
                yield hit
        for si, found in items.items():
            yield from self._order(ctx, self.sequences[si], found)

    # -- collocations ------------------------------------------------------------------------------

    def _collocation(
        self, ctx: DocContext, start: int, end: int, family: CollocationFamily, fi: int, mi: int
    ) -> Hit | None:
        text = ctx.text
        member = family.members[mi]
        if family.slot == "before":
            edge = start
            while edge > 0 and text[edge - 1] in QUOTES:
                edge -= 1
            word = next((w for w in self._collocates[fi] if text.endswith(w, 0, edge)), None)
            span = (edge - len(word), end) if word else None
        else:
            edge = end
            while edge < len(text) and text[edge] in QUOTES:
                edge += 1
            word = next((w for w in self._collocates[fi] if text.startswith(w, edge)), None)
            span = (start, edge + len(word)) if word else None
        if word is None or span is None or word in member.words:
            return None
        if any(w.endswith(word) and text.endswith(w, 0, edge) for w in member.words if len(w) > len(word)):
            return None
        if any(w.startswith(word) and text.startswith(w, edge) for w in member.words if len(w) > len(word)):
            return None
        owner = next(m.object for m in family.members if word in m.words)
        right = member.words[0]
        written = text[span[0] : span[1]]
        suggestion = right + written[len(word) :] if family.slot == "before" else written[: -len(word)] + right
        place = "动词" if family.slot == "before" else "中心语"
        return Hit(
            span[0],
            span[1],
            f"collocation.{family.id}",
            f"“{member.object}”的{place}应为“{right}”，“{word}”搭配的是“{owner}”",
            suggestion,
            f"固定搭配：{'；'.join(self._pairs(family))}（匹配：“{written}”）；"
            f"词表 collocations.yaml 条目 {family.id}；来源：{self.sources[family.source].cite()}",
        )

    @staticmethod
    def _pairs(family: CollocationFamily) -> list[str]:
        if family.slot == "before":
            return [f"{'/'.join(m.words)}“{m.object}”" for m in family.members]
        return [f"“{m.object}”{'/'.join(m.words)}" for m in family.members]

    # -- enumeration order -------------------------------------------------------------------------

    def _order(self, ctx: DocContext, seq: Enumeration, found: list[tuple[int, int, int]]) -> Iterator[Hit]:
        text = ctx.text
        hits = _longest(found)
        runs: list[list[tuple[int, int, int]]] = []
        for hit in hits:
            if runs and _gap_ok(text, runs[-1][-1][1], hit[0]):
                runs[-1].append(hit)
            else:
                runs.append([hit])
        n = len(seq.items)
        for run in runs:
            order = [i for _, _, i in run]
            if len(order) != n or len(set(order)) != n or order == sorted(order):
                continue
            start, end = run[0][0], run[-1][1]
            if (seq.before or seq.after) and not (
                any(text.endswith(w, 0, start) for w in seq.before)
                or any(text.startswith(w, _skip(text, end)) for w in seq.after)
            ):
                continue
            written = text[start:end]
            suggestion = _reorder(text, run, seq.items)
            name = f"“{seq.name}”" if seq.name else "这一表述"
            yield Hit(
                start,
                end,
                f"order.{seq.id}",
                f"{name}的顺序是固定的，应为“{suggestion}”",
                suggestion,
                f"规范顺序：{'、'.join(seq.items)}（匹配：“{written}”）；词表 collocations.yaml 条目 {seq.id}；"
                f"来源：{self.sources[seq.source].cite()}",
            )


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in QUOTES + "地":
        at += 1
    return at


def _gap_ok(text: str, end: int, start: int) -> bool:
    return 0 <= start - end <= MAX_GAP and all(c in SEPARATORS for c in text[end:start])


def _reorder(text: str, run: list[tuple[int, int, int]], items: list[str]) -> str:
    """The run with its items put back in order, keeping the writer's separators."""
    gaps = [text[a[1] : b[0]] for a, b in itertools.pairwise(run)]
    ordered = sorted(run, key=lambda h: h[2])
    out = items[ordered[0][2]]
    for gap, hit in zip(gaps, ordered[1:], strict=True):
        out += gap + items[hit[2]]
    return out


def _longest(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Longest first, then leftmost: each span is kept unless it overlaps one already kept.

    The kept spans are disjoint, so a new span need only be compared with its two neighbours in
    start order (a bisection), where comparing it with every kept span was quadratic in the hits.
    """
    starts: list[int] = []
    kept: list[tuple[int, int, int]] = []
    for span in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        i = bisect.bisect_left(starts, span[0])
        if i > 0 and kept[i - 1][1] > span[0]:
            continue
        if i < len(kept) and kept[i][0] < span[1]:
            continue
        starts.insert(i, span[0])
        kept.insert(i, span)
    return kept
