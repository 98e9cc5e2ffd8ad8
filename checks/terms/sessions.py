"""Party congresses, Central Committee plenums and NPC/CPPCC sessions: named right and held by the date.

Four mistakes, all 严重表述错误 (block): a plenum counted by the congress instead of the Central Committee
(党的二十大四中全会 for 二十届四中全会); the CPC congress called a people's congress (中国共产党第二十次全国人民
代表大会) or the NPC or CPPCC given a plenum (全国人大三中全会); a plenum or session that had not been held on the
document's date (学习贯彻二十届五中全会精神 in a 2025 text), or never existed (十九届八中全会, 十四届全国人大
六次会议). The dated table (calendar.yaml) says how far it reaches; after ``known_until`` the date rules stay
silent rather than guess. A sentence that looks ahead (即将召开, 迎接) may name a meeting not yet held.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from checks.hits import Hit
from checks.terms.anchored import AnchoredPattern
from checks.terms.context import DocContext
from checks.terms.numerals import parse_number, to_chinese, years_in
from checks.terms.schema import CalendarFile, Congress, Session, Source

_N = "[一二三四五六七八九十]{1,3}"
_K = "[一二三四五六七八九]"
PAST_AFTER = ("精神", "闭幕", "审议通过", "通过的", "以来", "提出", "强调", "指出", "作出", "部署")
PAST_WINDOW = 16  # characters after the meeting's name, in its clause, that may say it is over
SESSIONS_PER_TERM = 5  # an NPC or CPPCC term holds one session a year for five years
PLENUMS_MAX = 9  # no Central Committee has held more than nine plenums
# A past NPC or CPPCC term told as sitting now: a word in the sentence that makes it current (本届, 近日) ...
PRESENT_MARKERS = (
    "本届",
    "现任",
    "现为",
    "本次",
    "这次",
    "正在",
    "目前",
    "当前",
    "近日",
    "日前",
    "今天",
    "今日",
    "本月",
)
# ... unless the sentence also looks back at it (or a year inside the term dates it); precision first
TERM_PAST_MARKERS = (
    "时任", "曾", "前任", "期间", "任内", "当时", "此前", "过去", "以往", "历届", "上届", "往届",
    "年来", "以来", "回顾", "去年", "前年", "上年", "周年", "连任", "卸任", "届满", "已故", "生前",
)  # fmt: skip
HISTORICAL_PREFIXES = ("原", "前", "上届", "时任")  # right before the name: 原十三届全国人大代表
_MONTH_NO_YEAR = re.compile(r"(?<![0-9０-９年])(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})月")
TERM_PAST_AFTER = ("上", "期间", "通过", "审议通过", "选举", "以来", "闭幕后", "时")


def _cn(n: int) -> str:
    return to_chinese(n)


class SessionRules:
    """The naming and date rules over one calendar; regexes compiled once."""

    def __init__(self, calendar: CalendarFile, congresses: list[Congress], sources: dict[str, Source]) -> None:
        self.cal = calendar
        self.congresses = congresses
        self.sources = sources
        self._plenums = {(p.term, p.number): p for p in calendar.plenums}
        self._npc = {(s.term, s.number): s for s in calendar.npc_sessions}
        self._cppcc = {(s.term, s.number): s for s in calendar.cppcc_sessions}
        self._congress_plenum = AnchoredPattern(
            re.compile(rf"(?P<party>党的|中共)?(?P<n>{_N})大(?P<k>{_K})中全会"), "中全会", 10
        )
        self._cpc_as_npc = re.compile(rf"(?:中国共产党|中共)第(?P<n>{_N})次全国人民代表大会")
        self._npc_plenum = AnchoredPattern(
            re.compile(rf"(?:(?P<n>{_N})届)?全国(?P<body>人大|政协)(?P<k>{_K})中全会"), "中全会", 12
        )
        self._plenum = AnchoredPattern(
            re.compile(rf"(?<![一二三四五六七八九十])(?P<n>{_N})届(?P<k>{_K})中全会"), "中全会", 8
        )
        self._session = AnchoredPattern(
            re.compile(
                rf"(?:第?(?P<n>{_N})届全国(?P<body>人大|人民代表大会|政协)第?(?P<k>{_K})次(?:全体)?会议"
                rf"|全国(?P<body2>政协)(?P<n2>{_N})届(?P<k2>{_K})次会议)"
            ),
            "会议",
            20,
        )
        self._congress = re.compile(rf"(?:党的|中共|中国共产党第)(?P<n>{_N})(?:大|次全国代表大会)")
        self._term = AnchoredPattern(
            re.compile(
                rf"(?<![一二三四五六七八九十])第?(?P<n>{_N})届全国(?P<body>人大|人民代表大会|政协)"
                rf"(?P<tail>常委会|常务委员会|委员会|代表|委员)?"
                rf"(?:第?(?P<k>{_K})次(?:全体)?会议)?"
            ),
            "届全国",
            25,
        )

    def find(self, ctx: DocContext) -> Iterator[Hit]:
        yield from self._naming(ctx)
        in_range = self.cal.known_from <= ctx.doc.doc_date <= self.cal.known_until
        yield from self._dates(ctx, in_range)
        if in_range:
            yield from self._past_terms(ctx)

    # -- names ------------------------------------------------------------------------------------

    def _naming(self, ctx: DocContext) -> Iterator[Hit]:
        source = self.sources["cpc_plenums"].cite()
        for m in self._congress_plenum.finditer(ctx.text):
            right = f"{m.group('party') or ''}{m.group('n')}届{m.group('k')}中全会"
            yield Hit(
                m.start(),
                m.end(),
                "session.plenum_by_congress",
                f"中央全会应按届次称“{right}”，不称“{m.group(0)}”",
                right,
                f"中央委员会全体会议按中央委员会的届次编号（第{m.group('n')}届中央委员会第{m.group('k')}次全体会议），"
                f"“{m.group('n')}大”是全国代表大会；来源：{source}",
            )
        for m in self._cpc_as_npc.finditer(ctx.text):
            right = m.group(0).replace("全国人民代表大会", "全国代表大会")
            yield Hit(
                m.start(),
                m.end(),
                "session.cpc_congress_as_npc",
                f"党的代表大会是“全国代表大会”，“全国人民代表大会”是国家权力机关：应为“{right}”",
                right,
                f"中国共产党全国代表大会与全国人民代表大会是不同的会议；来源：{source}",
            )
        for m in self._npc_plenum.finditer(ctx.text):
            body = m.group("body")
            term = f"{m.group('n')}届" if m.group("n") else ""
            right = f"{term}全国{body}{m.group('k')}次会议"
            yield Hit(
                m.start(),
                m.end(),
                "session.npc_plenum",
                f"全国{body}开的是“第几次会议”，没有“中全会”：应为“{right}”",
                right,
                f"“中全会”是党的中央委员会全体会议；全国{body}每届每年举行一次会议；"
                f"来源：{self.sources['npc_sessions'].cite()}",
            )

    # -- dates ------------------------------------------------------------------------------------

    def _ahead(self, ctx: DocContext, at: int) -> bool:
        return ctx.has_any(at, self.cal.future_markers)

    def _told_as_past(self, ctx: DocContext, end: int) -> bool:
        """The next meeting is named freely while it is prepared; only a text that treats it as over is wrong."""
        tail = re.split(r"[，。；！？\n]", ctx.text[end : end + PAST_WINDOW], maxsplit=1)[0]
        return any(w in tail for w in PAST_AFTER)

    @staticmethod
    def _next_key(held: list[tuple[int, int]], per_term: int) -> tuple[int, int] | None:
        if not held:
            return None
        term, number = max(held)
        return (term + 1, 1) if number >= per_term else (term, number + 1)

    def _current_cc(self, ctx: DocContext) -> int | None:
        held = [c.number for c in self.congresses if c.opened <= ctx.doc.doc_date]
        return held[-1] if held else None

    def _dates(self, ctx: DocContext, in_range: bool) -> Iterator[Hit]:
        """Meetings by date; only a session numbered past the fifth is judged outside the calendar's range."""
        date = ctx.doc.doc_date
        current = self._current_cc(ctx)
        cite = self.sources["cpc_plenums"].cite()
        for m in self._plenum.finditer(ctx.text) if in_range else ():
            n, k = parse_number(m.group("n")), parse_number(m.group("k"))
            if n is None or k is None or current is None or n < 18 or self._ahead(ctx, m.start()):
                continue
            plenum = self._plenums.get((n, k))
            later_term = n < current
            if plenum is not None and plenum.opened <= date:
                continue
            held_keys = [key for key, p in self._plenums.items() if p.opened <= date]
            is_next = held_keys and (n, k) in {(max(held_keys)[0], max(held_keys)[1] + 1), (current + 1, 1)}
            if (plenum is not None or is_next) and not self._told_as_past(ctx, m.end()):
                continue  # the coming plenum, named while it is prepared
            if later_term and plenum is None:
                what, rule = f"第{_cn(n)}届中央委员会没有举行过第{_cn(k)}次全体会议", "session.plenum_never_held"
            elif plenum is None and n == current and k > PLENUMS_MAX:
                what, rule = f"没有“{m.group(0)}”", "session.plenum_never_held"
            else:
                held = f"（{plenum.opened.isoformat()}召开）" if plenum else ""
                what, rule = f"文稿日期 {date.isoformat()} 时“{m.group(0)}”尚未召开{held}", "session.plenum_not_held"
            yield Hit(
                m.start(),
                m.end(),
                rule,
                what,
                None,
                f"历次中央全会召开日期见 calendar.yaml（匹配：“{m.group(0)}”）；来源：{cite}",
            )
        for m in self._session.finditer(ctx.text):
            body = m.group("body") or m.group("body2")
            n = parse_number(m.group("n") or m.group("n2"))
            k = parse_number(m.group("k") or m.group("k2"))
            if n is None or k is None or self._ahead(ctx, m.start()):
                continue
            table = self._cppcc if body == "政协" else self._npc
            session = table.get((n, k))
            if session is not None and session.opened <= date:
                continue
            if k > SESSIONS_PER_TERM:
                yield Hit(
                    m.start(),
                    m.end(),
                    "session.session_never_held",
                    f"每届只举行五次会议，没有“{m.group(0)}”",
                    None,
                    f"全国人大、全国政协每届每年举行一次会议，共五次（匹配：“{m.group(0)}”）；"
                    f"来源：{self.sources['npc_sessions'].cite()}",
                )
                continue
            if not in_range or not table or n < min(t for t, _ in table):
                continue  # outside the calendar: silent
            held_keys = [key for key, row in table.items() if row.opened <= date]
            upcoming = session is not None or (n, k) == self._next_key(held_keys, SESSIONS_PER_TERM)
            if upcoming and k <= SESSIONS_PER_TERM and not self._told_as_past(ctx, m.end()):
                continue  # the coming session, named while it is prepared
            if k > SESSIONS_PER_TERM:
                what, rule = f"每届只举行五次会议，没有“{m.group(0)}”", "session.session_never_held"
            else:
                held = f"（{session.opened.isoformat()}开幕）" if session else ""
                what, rule = f"文稿日期 {date.isoformat()} 时“{m.group(0)}”尚未召开{held}", "session.session_not_held"
            yield Hit(
                m.start(),
                m.end(),
                rule,
                what,
                None,
                f"全国人大、全国政协历次会议日期见 calendar.yaml（匹配：“{m.group(0)}”）；"
                f"来源：{self.sources['npc_sessions'].cite()}",
            )
        latest = self._current_cc(ctx)
        for m in self._congress.finditer(ctx.text) if in_range else ():
            n = parse_number(m.group("n"))
            if n is None or latest is None or n <= latest or self._ahead(ctx, m.start()):
                continue
            if n == latest + 1 and not self._told_as_past(ctx, m.end()):
                continue
            yield Hit(
                m.start(),
                m.end(),
                "session.congress_not_held",
                f"文稿日期 {date.isoformat()} 时党的第{_cn(n)}次全国代表大会尚未召开（最近一次是党的{_cn(latest)}大）",
                None,
                f"历次党的全国代表大会召开日期见 dated.yaml（匹配：“{m.group(0)}”）；来源：{cite}",
            )

    # -- a past NPC or CPPCC term told as the sitting one -----------------------------------------

    @staticmethod
    def _current_term(table: dict[tuple[int, int], Session], date: dt.date) -> int | None:
        terms = [term for (term, number), row in table.items() if number == 1 and row.opened <= date]
        return max(terms) if terms else None

    @staticmethod
    def _term_years(table: dict[tuple[int, int], Session], n: int) -> tuple[int, int] | None:
        years = [row.opened.year for (term, _), row in table.items() if term == n]
        return (min(years), max(years)) if years else None

    @staticmethod
    def _this_year(sentence: str) -> bool:
        """今年, or a month with no year anywhere in the sentence (3月4日，出席…会议): the document's year."""
        if years_in(sentence):
            return False
        return "今年" in sentence or bool(_MONTH_NO_YEAR.search(sentence))

    def _past_terms(self, ctx: DocContext) -> Iterator[Hit]:
        """十三届全国人大常委会 acting “近日” or 本届 in a 2025 text: the term ended when the next one met.

        Judged only where the sentence makes the term current: 今年 (or a month without a year) after the
        year the next term first met — a plain contradiction of dates — or 本届, 现任, 近日 … with nothing
        after the name that says the meeting is over. Any sign that the sentence looks back (时任, 原, 期间,
        在…会议上, a year inside that term) keeps it silent."""
        date = ctx.doc.doc_date
        text = ctx.text
        for m in self._term.finditer(text):
            body = "政协" if m.group("body") == "政协" else "人大"
            table = self._cppcc if body == "政协" else self._npc
            n = parse_number(m.group("n"))
            current = self._current_term(table, date)
            if n is None or current is None or n >= current:
                continue
            sentence = ctx.sentence_text(m.start())
            if any(w in sentence for w in TERM_PAST_MARKERS) or self._ahead(ctx, m.start()):
                continue
            if text.endswith(HISTORICAL_PREFIXES, 0, m.start()) or ctx.in_quotes(m.start(), m.end()):
                continue
            successor = table.get((n + 1, 1))  # a term before the table's first ended before the table begins
            ended = successor.opened.year if successor else min(row.opened.year for row in table.values())
            if self._this_year(sentence) and date.year > ended:
                pass  # 今年 in a year after the term had ended: wrong whatever the verb
            elif any(w in sentence for w in PRESENT_MARKERS):
                span = self._term_years(table, n)
                if span is None or any(y <= span[1] + 1 for y in ctx.years_near(m.start())):
                    continue  # a year within (or just after) the term dates the sentence
                clause = re.split(r"[，。；！？\n]", text[m.end() : m.end() + PAST_WINDOW], maxsplit=1)[0]
                if clause.startswith(TERM_PAST_AFTER) or any(w in clause for w in PAST_AFTER):
                    continue  # 目前施行的…由十三届全国人大常委会审议通过: the meeting is over
            else:
                continue
            start_row = table[(current, 1)]
            whole = "全国政协" if body == "政协" else "全国人大"
            yield Hit(
                m.start(),
                m.end(),
                "session.term_not_current",
                f"文稿日期 {date.isoformat()} 时{whole}已是第{_cn(current)}届，“{m.group(0)}”不是本届，"
                f"文中把它当作现任（如指往届，请加“时任”“原”或年份）",
                None,
                f"第{_cn(current)}届{whole}自{start_row.opened.isoformat()}第一次会议起履职（匹配：“{m.group(0)}”）；"
                f"来源：{self.sources['npc_sessions'].cite()}",
            )
