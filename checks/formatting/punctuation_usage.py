"""format.punctuation, marks beyond pairing and width (GB/T 15834—2011), and text that will look broken when
published:

- ranges: a range of values uses the 浪纹线 (3-5个工作日 → 3～5个工作日), a range of years the 一字线
  (2023-2025年 → 2023—2025年); the short hyphen joins the parts of one number (dates, codes, phone numbers);
- a title inside a title takes single 书名号: 《关于《民法典》的解读》 → 《关于〈民法典〉的解读》, and a doubled
  《《民法典》》 is one title;
- markup left in plain text (<p>, </p>, &nbsp;) would be published literally: the tag goes, the entity becomes
  the character it names;
- (the two rules above apply to texts dated from GB/T 15834—2011's entry into force, 2012-06-01)
- mojibake (锟斤拷, replacement characters �, UTF-8 read as GBK or Latin-1) cannot be repaired by a rule; it is
  located so that the editor pastes the text again from its source.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding
from checks.formatting.textspans import DIGIT_RUN, finditer_at, inside, verbatim_spans
from checks.hits import Hit

CATEGORY = "format.punctuation"
MARKS = "GB/T 15834—2011《标点符号用法》"
# An HTML body and the comment and attribute texts located in it: their source is markup by design.
HTML_FIELDS = frozenset(("body", "comment", "attribute"))
GBT_15834_2011 = dt.date(2012, 6, 1)
_RANGE = re.compile(
    r"(?<![\d.\-－~～/:：A-Za-z])(?P<a>\d{1,4}(?:\.\d+)?)(?P<sep>-|－|~)(?P<b>\d{1,4}(?:\.\d+)?)(?![\d.\-－/])"
    r"(?P<unit>年|个|人|天|周|小时|分钟|岁|万|亿|元|米|公里|千米|吨|平方米|亩|%|％|倍|次|名|家|项|件|张|层|户|所|座)"
)
_NESTED = re.compile(r"《(?P<outer1>[^《》\n]{0,60})《(?P<inner>[^《》\n]{1,60})》(?P<outer2>[^《》\n]{0,60})》")
_TAG = re.compile(
    r"</?(?:p|br|div|span|strong|b|i|u|em|font|table|tbody|tr|td|th|li|ul|ol|h[1-6]|a|img|section|article|sup|sub)"
    r"(?:\s[^<>\n]{0,200})?/?>",
    re.IGNORECASE,
)
_ENTITY = re.compile(
    r"&(?:nbsp|amp|lt|gt|quot|apos|ldquo|rdquo|lsquo|rsquo|mdash|ndash|hellip|middot|emsp|ensp|#\d{2,6}|#x[0-9a-fA-F]{2,5});"
)
_LATIN1_LEAD = "ÃÂÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"  # UTF-8 read as Latin-1
_MOJIBAKE = re.compile(
    r"(?:锟斤拷)+|(?:烫){3,}|(?:屯){3,}|\ufffd+"
    rf"|(?:[{_LATIN1_LEAD}][\u0080-\u00bf¡-¿]){{2,}}"
    r"|鈥[溿濇檚攢︹渶]|锛[屽涚氬]|銆[傚亗]"
)
_MOJIBAKE_FIRST = re.compile(f"[锟烫屯\ufffd{_LATIN1_LEAD}鈥锛銆]")  # where each kind of 乱码 begins


class PunctuationUsageCheck:
    name: ClassVar[str] = "format.punctuation_usage"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"

    def run(self, doc: Document) -> list[Finding]:
        text = doc.text
        skip = verbatim_spans(text)
        hits = list(_mojibake(text))
        if doc.doc_date >= GBT_15834_2011:  # older texts followed the usage of their time
            hits += [*_ranges(text, skip), *_nested_titles(text)]
        findings = [h.to_finding(doc, CATEGORY) for h in hits]
        if not (doc.draft.is_html and doc.field in HTML_FIELDS):
            # Normalization reads markup remnants of plain text as markup (so the other checks see clean prose);
            # they are located in the caller's text, where they would be published.
            findings += [h.in_field(doc.field, CATEGORY) for h in _markup(doc.source)]  # source offsets
        return sorted(findings, key=lambda f: (f.start, f.end))


def _ranges(text: str, skip: list[tuple[int, int]]) -> Iterator[Hit]:
    for m in finditer_at(_RANGE, DIGIT_RUN, text):
        a, b, unit = m.group("a"), m.group("b"), m.group("unit")
        if float(a) >= float(b) or inside(m.start(), skip):
            continue  # 3-1: not a range (a code, a score)
        years = unit == "年" and len(a) == 4 and len(b) == 4 and "." not in a + b
        mark, name = ("—", "一字线") if years else ("～", "浪纹线")
        shown = m.group(0)
        fixed = f"{a}{mark}{b}{unit}"
        what = "年份的起止" if years else "数值范围的起止"
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.range_mark",
            f"{what}应用{name}“{mark}”连接：“{shown}”应为“{fixed}”",
            fixed,
            f"{MARKS} 4.13（连接号）：标示时间、地域等的起止一般用一字线，标示数值范围的起止一般用浪纹线；"
            f"短横线“-”用于连接号码、日期的各部分等（匹配：“{shown}”）",
        )  # fmt: skip


def _nested_titles(text: str) -> Iterator[Hit]:
    for m in _NESTED.finditer(text):
        outer1, inner, outer2 = m.group("outer1"), m.group("inner"), m.group("outer2")
        shown = m.group(0)
        if not outer1 and not outer2:
            fixed = f"《{inner}》"
            message = f"书名号重复：“{shown}”应为“{fixed}”"
        else:
            fixed = f"《{outer1}〈{inner}〉{outer2}》"
            message = f"书名号内还有书名号时，里层用单书名号：“{shown}”应为“{fixed}”"
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.nested_title",
            message,
            fixed,
            f"{MARKS} 4.15（书名号）：书名号里边还要用书名号时，外面一层用双书名号，里边一层用单书名号"
            f"（匹配：“{shown}”）",
        )  # fmt: skip


def _markup(text: str) -> Iterator[Hit]:
    for m in _TAG.finditer(text):
        shown = m.group(0)
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.markup_remnant",
            f"正文中残留网页标记“{shown}”，发布后会原样显示，应删除",
            "",
            f"纯文本正文中出现 HTML 标记“{shown}”（多为从网页或编辑器复制时带入），发布后会作为文字显示",
        )  # fmt: skip
    for m in _ENTITY.finditer(text):
        shown = m.group(0)
        char = html.unescape(shown)
        fixed = " " if char in ("\xa0", "\u2002", "\u2003") else char
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.markup_remnant",
            f"正文中残留网页字符实体“{shown}”，发布后会原样显示，应改为“{fixed}”",
            fixed,
            f"纯文本正文中出现 HTML 字符实体“{shown}”（表示“{fixed}”），发布后会作为文字显示",
        )  # fmt: skip


def _mojibake(text: str) -> Iterator[Hit]:
    for m in finditer_at(_MOJIBAKE, _MOJIBAKE_FIRST, text):
        shown = m.group(0)
        yield Hit(
            m.start(), m.end(), f"{CATEGORY}.mojibake",
            f"疑似乱码“{shown}”：文字编码转换出错，请从原始文件重新复制该段文字",
            None,
            f"“{shown}”是文字按错误编码解读后产生的乱码（如 UTF-8 文本被当作 GBK 或 Latin-1 读出、替换字符“�”），"
            "无法自动还原",
        )  # fmt: skip
