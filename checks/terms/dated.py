"""Figures that depend on the document's date: anniversaries, the latest congress, the current plan.

A draft copied from last year keeps last year's numbers (建党102周年 in 2024). Each rule compares the
figure with the document's date (Document.doc_date) and accepts what the sentence itself explains: an
explicit year, a word for last year (去年), or a look ahead (迎接, 到……时).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator

from checks.hits import Hit
from checks.terms.context import DocContext
from checks.terms.numerals import NUMBER, parse_number, same_style, to_chinese
from checks.terms.schema import Anniversary, Congress, DatedFile, PlanPeriod, Session, Source

_CN_ORDINAL = "[一二三四五六七八九十]{1,3}"
DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_STUDY = "学习|贯彻|落实|领会|宣传|宣讲|践行"
_CLAUSE = "[^。；！？\n]"
SESSION_GRACE_DAYS = 30  # the weeks after a session, texts still report on the one before


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class DatedRules:
    def __init__(
        self,
        data: DatedFile,
        sources: dict[str, Source],
        foreign_names: Collection[str] = (),
        sessions: dict[str, list[Session]] | None = None,
        session_source: Source | None = None,
        sessions_until: dt.date | None = None,
    ) -> None:
        self.data = data
        self.sessions = sessions or {}
        self.session_source = session_source
        self.sessions_until = sessions_until  # after this day the table may miss a newer session: silent
        self._session = re.compile(
            rf"(?:{_STUDY}){_CLAUSE}{{0,40}}?(?P<span>(?P<n>{_CN_ORDINAL})届全国(?P<body>人大|政协)"
            rf"(?P<k>[一二三四五])次会议)(?=精神)"
        )
        self.sources = sources
        self.foreign = tuple(foreign_names)
        self._anniversaries = [
            (a, re.compile(rf"(?P<subj>{_alternation(a.subjects)})(?P<num>{NUMBER})周年"))
            for a in data.anniversaries
            if a.enabled
        ]
        self._congress = re.compile(
            rf"(?:{_STUDY}){_CLAUSE}{{0,12}}?(?P<span>党的(?P<n>{_CN_ORDINAL})大)(?=(?:{_CLAUSE}{{0,40}}?)精神)"
        )
        self._plenum = re.compile(
            rf"(?:{_STUDY}){_CLAUSE}{{0,40}}?(?P<span>(?P<n>{_CN_ORDINAL})届(?P<k>[一二三四五六七八九])中全会)(?=精神)"
        )
        self._plan = re.compile(
            rf"(?P<when>今年|明年|当前|目前|现在|(?P<year>(?:19|20)\d{{2}})年)"
            rf"(?:是|为|正处于|处于|正值|进入){_CLAUSE}{{0,10}}?[“\"]?(?P<plan>十(?P<n>[一二三四五六七八九])五)[”\"]?"
            rf"(?:规划)?(?:的)?(?P<tail>开局之年|起步之年|收官之年|时期|期间)?"
        )

    def find(self, ctx: DocContext) -> Iterator[Hit]:
        yield from self._find_anniversaries(ctx)
        yield from self._find_congresses(ctx)
        yield from self._find_sessions(ctx)
        yield from self._find_plans(ctx)

    # -- anniversaries -----------------------------------------------------------------------

    def _find_anniversaries(self, ctx: DocContext) -> Iterator[Hit]:
        year = ctx.doc.doc_date.year
        for ann, pattern in self._anniversaries:
            for match in pattern.finditer(ctx.text):
                written = parse_number(match.group("num"))
                expected = year - ann.base.year
                if written is None or expected <= 0 or written == expected:
                    continue
                if self._anniversary_excused(ctx, match.start(), ann, written, expected):
                    continue
                subject, num = match.group("subj"), match.group("num")
                source = self.sources[ann.source]
                yield Hit(
                    match.start(),
                    match.end(),
                    f"anniversary.{ann.id}",
                    f"文稿日期为{year}年，{ann.event}（{ann.base.year}年）应为{expected}周年，文中写作{written}周年",
                    f"{subject}{same_style(num, expected)}周年",
                    f"纪念年份按文稿日期 {ctx.doc.doc_date.isoformat()} 推算：{year}−{ann.base.year}={expected}"
                    f"（匹配：“{match.group(0)}”）；dated.yaml 条目 {ann.id}；来源：{source.cite()}",
                )

    def _anniversary_excused(self, ctx: DocContext, at: int, ann: Anniversary, written: int, expected: int) -> bool:
        if any(y - ann.base.year == written for y in ctx.years_near(at)):
            return True  # the sentence names the year it speaks of
        sentence = ctx.sentence_text(at)
        if ann.foreign_ok and any(name in sentence for name in self.foreign):
            return True  # another country's founding
        if any(word in sentence and expected - written == back for word, back in self.data.past_markers.items()):
            return True
        if written > expected and any(word in sentence for word in self.data.future_markers):
            return True
        day = ann.base.replace(year=ctx.doc.doc_date.year)
        if written == expected - 1 and ctx.doc.doc_date < day and any(w in sentence for w in self.data.review_markers):
            return True  # this year's anniversary is still ahead: a celebration told in the past is last year's
        return any(word in sentence for word in self.data.historical_markers)

    # -- the latest congress -------------------------------------------------------------------

    def _latest(self, ctx: DocContext) -> Congress | None:
        held = [c for c in self.data.congresses if c.opened <= ctx.doc.doc_date]
        return held[-1] if held else None

    def _find_congresses(self, ctx: DocContext) -> Iterator[Hit]:
        latest = self._latest(ctx)
        if latest is None or not self.data.congress_source:
            return
        source = self.sources[self.data.congress_source]
        name = f"党的{to_chinese(latest.number)}大"
        when = latest.opened
        for pattern, what in ((self._congress, "congress"), (self._plenum, "plenum")):
            for match in pattern.finditer(ctx.text):
                n = parse_number(match.group("n"))
                if n is None or n >= latest.number or self._congress_excused(ctx, match.start("span"), n, latest):
                    continue  # a congress not yet held is term.political (checks/terms/sessions.py)
                span = match.group("span")
                today = ctx.doc.doc_date.isoformat()
                if what == "congress":
                    suggestion = name
                    message = (
                        f"文稿日期为{today}，最近一次党代会是{name}（{when.isoformat()}召开），"
                        f"“{span}精神”不宜作为当前学习贯彻的内容"
                    )
                else:
                    suggestion = None
                    message = (
                        f"文稿日期为{today}，“{span}”属第{to_chinese(n)}届中央委员会，"
                        f"当前为第{to_chinese(latest.number)}届（{name}于{when.isoformat()}召开）"
                    )
                yield Hit(
                    match.start("span"),
                    match.end("span"),
                    f"{what}.latest",
                    message,
                    suggestion,
                    f"历届党代会召开日期见 dated.yaml（匹配：“{match.group(0)}”）；来源：{source.cite()}",
                )

    def _congress_excused(self, ctx: DocContext, at: int, n: int, latest: Congress) -> bool:
        if n == latest.number - 1 and (ctx.doc.doc_date - latest.opened).days <= self.data.congress_grace_days:
            return True  # a report reviewing the term that just ended
        following = next((c for c in self.data.congresses if c.number == n + 1), None)
        if following and any(y < following.opened.year for y in ctx.years_near(at)):
            return True
        return ctx.has_any(at, self.data.historical_markers)

    # -- the latest NPC or CPPCC session -------------------------------------------------------

    def _find_sessions(self, ctx: DocContext) -> Iterator[Hit]:
        """学习贯彻十三届全国人大五次会议精神 in 2025: a session that was held, but is no longer the latest."""
        date = ctx.doc.doc_date
        if not self.sessions or self.session_source is None or (self.sessions_until and date > self.sessions_until):
            return
        for match in self._session.finditer(ctx.text):
            rows = self.sessions["政协" if match.group("body") == "政协" else "人大"]
            held = [r for r in rows if r.opened <= date]
            n, k = parse_number(match.group("n")), parse_number(match.group("k"))
            this = next((r for r in held if (r.term, r.number) == (n, k)), None)
            if this is None or this is held[-1]:
                continue  # not held (term.political judges it) or the latest
            latest = held[-1]
            if (date - latest.opened).days <= SESSION_GRACE_DAYS or ctx.has_any(
                match.start("span"), self.data.historical_markers
            ):
                continue
            body = "全国政协" if match.group("body") == "政协" else "全国人大"
            name = f"{to_chinese(latest.term)}届{body}{to_chinese(latest.number)}次会议"
            span = match.group("span")
            yield Hit(
                match.start("span"),
                match.end("span"),
                "session.latest",
                f"文稿日期为{date.isoformat()}，最近一次是{name}（{latest.opened.isoformat()}开幕），"
                f"“{span}精神”不宜作为当前学习贯彻的内容",
                name,
                f"全国人大、全国政协历次会议日期见 calendar.yaml（匹配：“{match.group(0)}”）；"
                f"来源：{self.session_source.cite()}",
            )

    # -- the current five-year plan ------------------------------------------------------------

    def _plan_for(self, year: int) -> PlanPeriod | None:
        return next((p for p in self.data.plans if p.start <= year <= p.end), None)

    def _find_plans(self, ctx: DocContext) -> Iterator[Hit]:
        for match in self._plan.finditer(ctx.text):
            if match.group("year"):
                continue  # an explicit year is the writer's own statement about that year
            plan = next((p for p in self.data.plans if p.number == 10 + DIGIT[match.group("n")]), None)
            if plan is None:
                continue
            year = ctx.doc.doc_date.year + (match.group("when") == "明年")
            tail = match.group("tail") or ""
            expected = {"开局之年": plan.start, "起步之年": plan.start, "收官之年": plan.end}.get(tail)
            if plan.start <= year <= plan.end and expected in (None, year):
                continue
            label = match.group("plan")
            current = self._plan_for(year)
            suggestion = f"十{to_chinese(current.number - 10)}五" if current and current is not plan else None
            facts = f"“{label}”规划期为{plan.start}—{plan.end}年"
            if expected is not None and plan.start <= year <= plan.end:
                facts += f"，其{tail}为{expected}年"
            if suggestion and current:
                facts += f"，{year}年属“{suggestion}”时期（{current.start}—{current.end}年）"
            source = self.sources[plan.source]
            yield Hit(
                match.start("plan"),
                match.end("plan"),
                "plan.current",
                f"文稿日期为{ctx.doc.doc_date.isoformat()}，{facts}，文中把它当作当前规划期",
                suggestion,
                f"五年规划期见 dated.yaml（匹配：“{match.group(0)}”）；来源：{source.cite()}",
            )
