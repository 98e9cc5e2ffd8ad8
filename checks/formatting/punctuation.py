"""format.punctuation: the GB/T 15834—2011 basics that editors get wrong most often.

Chinese prose takes full-width marks; a half-width comma or colon usually slips in from an
English keyboard. ASCII punctuation inside numbers (1,000), times (10:30), URLs, e-mail
addresses and English text is left alone: a mark is only reported when Chinese sits next to it.
Doubled marks and marks left unpaired within a paragraph (《》 “” （）) are reported too; an
unpaired mark has no automatic fix because only the editor knows where its partner belongs.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.formatting.doc_number import doc_number_spans
from checks.formatting.textspans import HanIndex, SpanSet, inside, is_chinese, is_han, verbatim_spans
from checks.hits import Hit

CATEGORY = "format.punctuation"
_STANDARD = "GB/T 15834—2011《标点符号用法》"
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
_HALF_MARK = re.compile(r"[,;:?!]")
_LONE_PERIOD = re.compile(r"(?<!\.)\.(?!\.)")
_ELLIPSIS = re.compile(r"\.{3,}|。{3,}|…+")
_DOUBLED = re.compile(r"([，、；：！？。])\1+")
_HALF_QUOTES = re.compile(r'"([^"\n]{1,80})"')
# A half-width bracket pair is rewritten as a whole when what it encloses is short and has no marks of its own.
_PAIR_MAX = 30
_HALF_INSIDE = re.compile(r'[\n,;:?!()"]')
_PAIRS = {"（": "）", "(": ")", "《": "》", "“": "”"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_KIND = {
    "（": "paren",
    "(": "paren",
    "）": "paren",
    ")": "paren",
    "《": "book",
    "》": "book",
    "“": "quote",
    "”": "quote",
}
_PAIR_MARK = re.compile(f"[{re.escape(''.join(_KIND))}]")  # one scan finds them, not a test per character


def _halfwidth_hit(start: int, end: int, mark: str, context: str) -> Hit:
    full = FULL_WIDTH[mark]
    return Hit(
        start,
        end,
        f"{CATEGORY}.halfwidth",
        f"中文行文中应使用全角标点“{full}”，不用半角“{mark}”",
        full,
        f"{_STANDARD}：中文文本使用全角标点；半角“{mark}”紧邻汉字（上下文：“{context}”）",
    )


class PunctuationCheck:
    """Half-width marks in Chinese prose, doubled marks, and unpaired 《》 “” （） in a paragraph."""

    name: ClassVar[str] = "format.punctuation"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"
    severity: ClassVar[Severity] = Severity.WARN

    def run(self, doc: Document) -> list[Finding]:
        text = doc.text
        skip = SpanSet(verbatim_spans(text) + doc_number_spans(text))
        hits = [
            *self._half_marks(text, skip),
            *self._periods(text, skip),
            *self._ellipses(text, skip),
            *self._doubled(text),
            *self._half_quotes(text, skip),
            *self._pairs(text, skip),
        ]
        overlapped = _overlapped(hits)
        hits = [p for h, o in zip(hits, overlapped, strict=True) for p in ((h,) if _keep_whole(doc, h, o) else h.parts)]
        seen: set[tuple[int, int]] = set()
        out: list[Finding] = []
        for hit in sorted(hits, key=lambda h: (h.start, h.end)):
            if (hit.start, hit.end) in seen:
                continue
            seen.add((hit.start, hit.end))
            out.append(hit.to_finding(doc, CATEGORY))
        return out

    @staticmethod
    def _half_marks(text: str, skip: SpanSet) -> Iterator[Hit]:
        for match in _HALF_MARK.finditer(text):
            i = match.start()
            if inside(i, skip):
                continue
            prev = text[i - 1] if i else ""
            j = i + 1
            while j < len(text) and text[j] == " ":
                j += 1
            nxt = text[j] if j < len(text) else ""
            if prev.isascii() and prev.isdigit() and nxt.isascii() and nxt.isdigit():
                continue  # 1,000 / 10:30 / 3:2
            if not (is_chinese(prev) or is_han(nxt)):
                continue  # English text, code
            end = j if nxt and nxt != "\n" else i + 1  # the full-width mark carries its own spacing
            yield _halfwidth_hit(i, end, match.group(0), text[max(0, i - 6) : i + 7])

    @staticmethod
    def _periods(text: str, skip: SpanSet) -> Iterator[Hit]:
        for match in _LONE_PERIOD.finditer(text):
            i = match.start()
            nxt = text[i + 1 : i + 2]
            if inside(i, skip) or not is_han(text[i - 1 : i]):
                continue
            if nxt in ("", "\n", " ") or is_han(nxt):
                yield _halfwidth_hit(i, i + 1, ".", text[max(0, i - 6) : i + 7])

    @staticmethod
    def _ellipses(text: str, skip: SpanSet) -> Iterator[Hit]:
        for match in _ELLIPSIS.finditer(text):
            run = match.group(0)
            if run in ("……", "…………") or inside(match.start(), skip):
                continue
            prev = text[match.start() - 1 : match.start()]
            nxt = text[match.end() : match.end() + 1]
            if run[0] == "." and not (is_chinese(prev) or is_chinese(nxt)):
                continue
            yield Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.ellipsis",
                f"省略号应写作“……”，不写作“{run}”",
                "……",
                f"{_STANDARD}：省略号为两个“…”（占两个字的位置；省略段落时可连用两个省略号），"
                f"不用句点或单个“…”代替（匹配：“{run}”）",
            )

    @staticmethod
    def _doubled(text: str) -> Iterator[Hit]:
        for match in _DOUBLED.finditer(text):
            run, mark = match.group(0), match.group(1)
            if mark == "。" and len(run) >= 3:
                continue  # 。。。 is a mistyped ellipsis, reported as such
            yield Hit(
                match.start(),
                match.end(),
                f"{CATEGORY}.doubled",
                f"标点“{run}”重复，应只用一个“{mark}”",
                mark,
                f"{_STANDARD}：同一标点不连用（政务文稿也不叠用问号、叹号；“！？”“……”不在此列）（匹配：“{run}”）",
            )

    @staticmethod
    def _half_quotes(text: str, skip: SpanSet) -> Iterator[Hit]:
        for match in _HALF_QUOTES.finditer(text):
            if inside(match.start(), skip) or not any(is_han(ch) for ch in match.group(1)):
                continue
            for pos, full in ((match.start(), "“"), (match.end() - 1, "”")):
                yield Hit(
                    pos,
                    pos + 1,
                    f"{CATEGORY}.halfwidth_quote",
                    f'中文行文中应使用全角引号“{full}”，不用半角“"”',
                    full,
                    f"{_STANDARD}：中文文本的引号为“”；半角引号内是中文（匹配：“{match.group(0)}”）",
                )

    @staticmethod
    def _pairs(text: str, skip: SpanSet) -> Iterator[Hit]:
        """Pair marks within each paragraph first; a full-width mark left over may pair across
        paragraphs (a quoted article of an amendment, a title wrapped by <br>), in document order."""
        leftovers: list[tuple[int, str]] = []
        han = HanIndex(text)
        for start, end in _paragraphs(text):
            stacks: dict[str, list[tuple[int, str]]] = {"paren": [], "book": [], "quote": []}
            for mark in _PAIR_MARK.finditer(text, start, end):
                i, ch = mark.start(), mark.group(0)
                kind = _KIND[ch]
                if inside(i, skip):
                    continue
                if ch == "“" and stacks[kind]:
                    stacks[kind].pop()  # “…“: quotes do not nest (inner quotes are ‘’), so this one closes
                    yield _wrong_way_quote(text, i)
                elif ch in _PAIRS:
                    stacks[kind].append((i, ch))
                elif stacks[kind]:
                    o, oc = stacks[kind].pop()
                    if kind == "paren":
                        yield from _paren_pair(text, o, oc, i, ch, han)
                else:
                    leftovers.append((i, ch))
            leftovers.extend(mark for stack in stacks.values() for mark in stack)
        open_marks: dict[str, list[int]] = {"paren": [], "book": [], "quote": []}
        for i, ch in sorted(leftovers):
            if ch in "()":
                if is_chinese(text[i - 1 : i]) or is_han(text[i + 1 : i + 2]):
                    yield _halfwidth_hit(i, i + 1, ch, text[max(0, i - 6) : i + 7])
            elif ch in _PAIRS:
                open_marks[_KIND[ch]].append(i)
            elif open_marks[_KIND[ch]]:
                open_marks[_KIND[ch]].pop()
            else:
                yield _unpaired(i, ch, _CLOSERS[ch], closing=True)
        for stack in open_marks.values():
            for i in stack:
                ch = text[i]
                following = _next_paragraph_start(text, i)
                if ch == "“" and following is not None and text[following] == "“":
                    continue  # a quotation over several paragraphs opens each of them and closes in the last
                yield _unpaired(i, ch, _PAIRS[ch], closing=False)


def _next_paragraph_start(text: str, pos: int) -> int | None:
    for start, _ in _paragraphs(text):
        if start > pos and text.rfind("\n", pos, start) >= 0:
            return start
    return None


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Non-blank lines, as (start, end) spans without their leading spaces."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if stripped.strip():
            yield pos + len(line) - len(stripped), pos + len(line)
        pos += len(line) + 1


def _paren_pair(text: str, o: int, oc: str, c: int, cc: str, han: HanIndex) -> Iterator[Hit]:
    """A matched pair of parentheses: mixed widths, or half-width around Chinese."""
    if oc == "（" and cc == "）":
        return
    if oc == "（" or cc == "）":
        pos, mark = (c, cc) if cc == ")" else (o, oc)
        yield Hit(
            pos,
            pos + 1,
            f"{CATEGORY}.mixed_paren",
            f"括号全角半角混用，应使用“{FULL_WIDTH[mark]}”",
            FULL_WIDTH[mark],
            f"{_STANDARD}：中文文本的括号为全角“（）”，一对括号不能一半全角一半半角（匹配：“{text[o : c + 1]}”）",
        )
        return
    chinese = han.any_between(o + 1, c)
    if chinese or is_chinese(text[o - 1 : o]) or is_han(text[c + 1 : c + 2]):
        context = text[max(0, o - 3) : c + 4]
        parts = tuple(_halfwidth_hit(pos, pos + 1, mark, context) for pos, mark in ((o, oc), (c, cc)))
        inner = text[o + 1 : c]
        if len(inner) > _PAIR_MAX or _HALF_INSIDE.search(inner):
            yield from parts
            return
        # One bracket pair is one error: “(一)” → “（一）”, “(以下简称委员会)” → “（以下简称委员会）”.
        yield Hit(
            o,
            c + 1,
            f"{CATEGORY}.halfwidth",
            "中文行文中应使用全角括号“（）”，不用半角“()”",
            f"（{inner}）",
            f"{_STANDARD}：中文文本的括号为全角“（）”；半角括号紧邻或括住汉字（上下文：“{context}”）",
            parts=parts,
        )


def _keep_whole(doc: Document, hit: Hit, overlapped: bool) -> bool:
    """A span-rewriting hit stays whole unless markup or another finding sits inside its span."""
    if not hit.parts:
        return True
    if overlapped:
        return False
    return _same_source_run(doc, hit.start, hit.end)


def _overlapped(hits: list[Hit]) -> list[bool]:
    """For each span-rewriting hit (one with parts), whether another hit overlaps it; False for the rest.

    One sort and a bisect per such hit, where asking every other hit took time quadratic in the
    number of hits (a text of many “(一)” has as many pairs as marks).
    """
    order = sorted(range(len(hits)), key=lambda k: hits[k].start)
    starts = [hits[k].start for k in order]
    ends_max: list[int] = []  # the furthest end among the hits up to each place in ``order``
    for k in order:
        ends_max.append(max(ends_max[-1], hits[k].end) if ends_max else hits[k].end)
    out = [False] * len(hits)
    for k, hit in enumerate(hits):
        if not hit.parts:
            continue
        before = bisect_left(starts, hit.start)  # hits starting earlier overlap when they reach past its start
        if before and ends_max[before - 1] > hit.start:
            out[k] = True
            continue
        j = before
        while j < len(order) and starts[j] < hit.end:  # hits starting inside it (or with it)
            o = hits[order[j]]
            if o is not hit and hit.start < o.end:
                out[k] = True
                break
            j += 1
    return out


def _same_source_run(doc: Document, start: int, end: int) -> bool:
    """True when the span comes from one stretch of the caller's text, with no markup dropped inside."""
    norm = doc.normalized
    return all(norm.source_ends[k] == norm.source_starts[k + 1] for k in range(start, end - 1))


def _wrong_way_quote(text: str, pos: int) -> Hit:
    return Hit(
        pos,
        pos + 1,
        f"{CATEGORY}.quote_direction",
        "引号方向错误：此处应为后引号“””",
        "”",
        f"{_STANDARD}：双引号成对使用，引号内再用引号时用单引号‘’；前一个“尚未闭合，"
        f"此处的“应为”（上下文：“{text[max(0, pos - 8) : pos + 4]}”）",
    )


def _unpaired(pos: int, mark: str, partner: str, *, closing: bool) -> Hit:
    where = "前面" if closing else "后面"
    return Hit(
        pos,
        pos + 1,
        f"{CATEGORY}.unpaired",
        f"“{mark}”在本段中没有与之配对的“{partner}”，请补全或删除",
        None,
        f"{_STANDARD}：引号、书名号、括号应成对使用；本段{where}找不到对应的“{partner}”。"
        "无法自动修改：需由编辑确定配对标点的位置",
    )
