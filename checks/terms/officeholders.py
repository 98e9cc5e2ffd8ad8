"""Leaders' names and titles: spelled right, and the title held by that person on the document's date.

- A title next to a name that is one character off a holder of that post (习近评总书记, 国务院总理李墙), or a
  name next to a title one character off (习近平总事记) is a miswritten leader's name or title. A two-character
  name (李强, 韩正) is reported only when its surname is intact, the given name's character was swapped for a
  sound- or shape-alike one (李墙, 韩证), the title is written in full before it or is a title few people hold
  (总理, 副总理 after it; not 主席), the person held that post by the document's date, and the written name is
  no other known officeholder: two characters one off are too often somebody else (王洋, 李鹏).
- A person named with a post they did not hold on the document's date (国务院总理李克强 in a 2025 text) is a
  former (or future) officeholder presented with a current title — unless the sentence looks back (时任, 原,
  生前, or a year within their tenure). Silent outside the calendar's known range.
All block: a wrong leader's name or title is a 严重表述错误 however it is spelled, never a mere typo.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterator

import ahocorasick

from checks.hits import Hit
from checks.terms.confusables import Confusables
from checks.terms.context import DocContext
from checks.terms.schema import CalendarFile, Holder, Post, Source

NAME_SLIP_MIN = 3
SHORT_NAME = 2  # two-character names: a slip needs the conditions in the module docstring
RARE_SHORT_TITLES = frozenset({"总理", "副总理", "委员长", "总书记"})  # after a name; 主席 has many holders


def _one_off(a: str, b: str) -> int | None:
    """Index of the single differing character of two equal-length strings, else None."""
    if len(a) != len(b):
        return None
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    return diffs[0] if len(diffs) == 1 else None


def _holding(post: Post, date: dt.date) -> list[Holder]:
    return [h for h in post.holders if h.start <= date and (h.end is None or date < h.end)]


class OfficeholderRules:
    def __init__(
        self, calendar: CalendarFile, sources: dict[str, Source], confusables: Confusables | None = None
    ) -> None:
        self.cal = calendar
        self.sources = sources
        self.confusables = confusables
        self.names = frozenset(h.name for p in calendar.posts for h in p.holders)
        self._titles: dict[str, list[tuple[Post, bool]]] = {}  # title -> (post, written before the name)
        for post in calendar.posts:
            for t in post.titles:
                self._titles.setdefault(t, []).append((post, True))
            for t in post.short_titles:
                self._titles.setdefault(t, []).append((post, False))
        self._after_titles = sorted({t for p in calendar.posts for t in p.short_titles if len(t) >= 3})
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str]]] = {}
        for name in self.names:
            keys.setdefault(name, []).append(("name", name))
        for title in self._titles:
            keys.setdefault(title, []).append(("title", title))
        for key, payload in keys.items():
            self._automaton.add_word(key, (key, tuple(payload)))
        self._automaton.make_automaton()

    def find(self, ctx: DocContext) -> Iterator[Hit]:
        text = ctx.text
        names: list[tuple[int, int, str]] = []
        titles: list[tuple[int, int, str]] = []
        for end_idx, (key, payload) in self._automaton.iter(text):
            start, end = end_idx - len(key) + 1, end_idx + 1
            for kind, _ in payload:
                (names if kind == "name" else titles).append((start, end, key))
        titles = _longest(titles)
        yield from self._slips(ctx, names, titles)
        if self.cal.known_from <= ctx.doc.doc_date <= self.cal.known_until:
            yield from self._tenure(ctx, names, titles)

    # -- miswritten names and titles ---------------------------------------------------------------

    def _slips(
        self, ctx: DocContext, names: list[tuple[int, int, str]], titles: list[tuple[int, int, str]]
    ) -> Iterator[Hit]:
        text = ctx.text
        title_spans = [(s, e) for s, e, _ in titles]  # disjoint and in order (``_longest``)
        title_starts = [s for s, _ in title_spans]
        name_starts = {s for s, _, _ in names}
        name_ends = {e for _, e, _ in names}
        for start, end, title in titles:
            if (end in name_starts) or (start in name_ends):
                continue  # a known name stands right there: no slip to look for
            yield from self._name_slip(ctx, start, end, title, title_spans, title_starts)
        for start, end, name in names:
            for title in self._after_titles:
                written = text[end : end + len(title)]
                i = _one_off(title, written)
                if i is None or i == 0 or not _han(written) or written in self._titles:
                    continue
                post = self._titles[title][0][0]
                yield Hit(
                    start,
                    end + len(title),
                    "leader.title",
                    f"领导职务名称书写有误：“{written}”应为“{title}”",
                    f"{name}{title}",
                    f"“{name}{title}”：职务名称“{title}”（{post.titles[0]}）见 calendar.yaml；"
                    f"来源：{self._cite(post.holders[-1])}",
                )
                break

    def _name_slip(
        self,
        ctx: DocContext,
        start: int,
        end: int,
        title: str,
        title_spans: list[tuple[int, int]],
        title_starts: list[int],
    ) -> Iterator[Hit]:
        text = ctx.text
        for post, before in self._titles[title]:
            for holder in post.holders:
                n = len(holder.name)
                if n < SHORT_NAME or (n < NAME_SLIP_MIN and not before and title not in RARE_SHORT_TITLES):
                    continue
                s, e = (end, end + n) if before else (start - n, start)
                if s < 0 or e > len(text):
                    continue
                written = text[s:e]
                i = _one_off(holder.name, written)
                if i is None or written in self.names or not _han(written):
                    continue
                if n < NAME_SLIP_MIN and not self._short_name_slip(ctx, holder, written, i):
                    continue
                if _overlaps_any(title_spans, title_starts, s, e):
                    continue
                lo, hi = (start, e) if before else (s, end)
                yield Hit(
                    lo,
                    hi,
                    "leader.name",
                    f"领导人姓名书写有误：“{written}”应为“{holder.name}”",
                    text[lo:hi].replace(written, holder.name, 1),
                    f"{post.titles[0]}{holder.name}（{_tenure(holder)}）；来源：{self._cite(holder)}",
                )
                return

    def _short_name_slip(self, ctx: DocContext, holder: Holder, written: str, i: int) -> bool:
        """A two-character name one off: the given name's character swapped for a look- or sound-alike, for a
        person who held the post by the document's date."""
        if i == 0 or self.confusables is None or ctx.doc.doc_date < holder.start:
            return False
        return self.confusables.kind(holder.name[i], written[i]) is not None

    # -- officeholders by date ---------------------------------------------------------------------

    def _tenure(
        self, ctx: DocContext, names: list[tuple[int, int, str]], titles: list[tuple[int, int, str]]
    ) -> Iterator[Hit]:
        text = ctx.text
        date = ctx.doc.doc_date
        by_start = {s: (e, t) for s, e, t in titles}
        by_end = {e: (s, t) for s, e, t in titles}
        for start, end, name in names:
            pairs: list[tuple[int, int, str, bool]] = []
            if start in by_end:
                s, t = by_end[start]
                pairs.append((s, end, t, True))
            if end in by_start:
                e, t = by_start[end]
                pairs.append((start, e, t, False))
            for s, e, title, before in pairs:
                if before and text[max(0, s - 1) : s] == "副":
                    continue  # 国家副主席 is another title (its own post)
                posts = [p for p, b in self._titles[title] if b == before]
                if not posts or any(any(h.name == name for h in _holding(p, date)) for p in posts):
                    continue
                ever = [h for p in posts for h in p.holders if h.name == name]
                if not ever or self._looks_back(ctx, s, ever):
                    continue
                current = [h.name for p in posts for h in _holding(p, date)]
                post = next(p for p in posts if any(h.name == name for h in p.holders))
                suggestion = (
                    (f"{title}{current[0]}" if before else f"{current[0]}{title}") if len(current) == 1 else None
                )
                now = "、".join(current) if current else "（无）"
                yield Hit(
                    s,
                    e,
                    "leader.tenure",
                    f"文稿日期 {date.isoformat()} 时{post.titles[0]}为{now}，“{text[s:e]}”是以现职称呼不在任者",
                    suggestion,
                    f"{name}任{post.titles[0]}：{'；'.join(_tenure(h) for h in ever)}；回顾往事请写“时任”或“原”；"
                    f"来源：{self._cite(ever[0])}",
                )

    def _looks_back(self, ctx: DocContext, at: int, held: list[Holder]) -> bool:
        if any(ctx.text.endswith(p, 0, at) for p in self.cal.historical_prefixes):
            return True  # 原国务院总理, 前总理
        sentence = ctx.sentence_text(at)
        if any(w in sentence for w in self.cal.historical_markers):
            return True
        years = ctx.years_near(at)
        return any(h.start.year <= y <= (h.end or ctx.doc.doc_date).year for y in years for h in held)

    def _cite(self, holder: Holder) -> str:
        return self.sources[holder.source].cite()


def _tenure(holder: Holder) -> str:
    end = holder.end.isoformat() if holder.end else "今"
    return f"{holder.start.isoformat()}至{end}"


def _han(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


def _longest(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Longest first, dropping any span that overlaps a kept one; kept spans mark the offsets they cover,
    so each test reads only the span's own offsets."""
    kept: list[tuple[int, int, str]] = []
    covered: set[int] = set()
    for span in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        offsets = range(span[0], span[1])
        if covered.isdisjoint(offsets):
            kept.append(span)
            covered.update(offsets)
    return sorted(kept)


def _overlaps_any(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    """Whether [s, e) overlaps one of ``spans`` (disjoint, in order; ``starts`` their starts): only the last
    span opening before ``e`` can."""
    i = bisect_left(starts, e) - 1
    return i >= 0 and s < spans[i][1]
