"""secret.marking: classification marks (绝密★…) and internal-use phrases (内部资料, 不得外传).

A public government site must never carry a classified or internal document (保密关). The
difficulty is the opposite error: government prose talks *about* secrecy all the time (保守国家
秘密法, 商业秘密保护, 机密性). So the level words 绝密/机密/秘密 and the labels 国家秘密/工作
秘密/涉密 are reported only where they are used as a mark, never as ordinary words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.secret.markers import MarkerDictionary, MarkerEntry
from checks.spans import Disjoint

CATEGORY = "secret.marking"
_HAN = "\u4e00-\u9fff"
_STARS = "★☆▲△*＊"
# 保密期限: GB/T 9704—2012 7.2.2 wants Arabic digits; older drafts use Chinese numerals or 长期.
_PERIOD = r"(?:\d{1,3}[ ]?(?:年|个月)|[一二三四五六七八九十]{1,3}(?:年|个月)|长期)"
_URGENCY = "特急|加急|平急|特提"
_OPEN = "【\\[（(〔［"
_CLOSE = "】\\]）)〕］"

_BASIS_LEVEL = (
    "《保守国家秘密法》第十四条（密级分为绝密、机密、秘密三级）、第二十二条（国家秘密标志）；GB/T 9704—2012 7.2.2"
)
_BASIS_PHRASE = "《政府信息公开条例》第十四条、第十六条：国家秘密和内部事务信息不予公开"


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so that 仅供内部参考 wins over 内部参考."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    rule: str
    message: str
    explanation: str
    priority: int  # 0 level mark, 1 phrase, 2 label: the more specific reading wins an overlap


class SecretMarkingCheck:
    """Reports classification marks and internal-use wording; every finding blocks publication."""

    name: ClassVar[str] = "secret.marking"
    categories: ClassVar[tuple[str, ...]] = (CATEGORY,)
    scope: ClassVar[Scope] = "text"

    def __init__(self, markers: MarkerDictionary) -> None:
        self.markers = markers
        levels = _alternation(markers.levels)
        mark_tail = rf"(?:[ ]{{0,2}}[{_STARS}][ ]{{0,2}}{_PERIOD}?)?"
        self._level_rules: tuple[tuple[str, re.Pattern[str], str], ...] = (
            (
                "level_star",
                re.compile(rf"(?:{levels})级?[ ]{{0,2}}[{_STARS}][ ]{{0,2}}{_PERIOD}?"),
                "密级后接“★”及保密期限，是公文的密级标志",
            ),
            (
                "level_period",
                re.compile(rf"(?<![{_HAN}])(?:{levels})级?[ ]?{_PERIOD}(?![{_HAN}\d])"),
                "密级后接保密期限，是公文的密级标志",
            ),
            (
                "level_field",
                re.compile(rf"密[ ]?级(?:[ \t]*[：:】\]][ \t]*|[ \t]+|[ \t]*\n\s*)(?:{levels})级?{mark_tail}"),
                "“密级”栏填写了密级",
            ),
            (
                "level_bracket",
                re.compile(rf"[{_OPEN}][ ]?(?:{levels})级?[ ]?[{_CLOSE}]"),
                "括号内单独标注密级",
            ),
            (
                "level_line",
                re.compile(rf"(?m)^[ \t]*(?P<mark>(?:{levels})级?)(?=[ \t]*(?:$|{_URGENCY}))"),
                "密级单独位于行首（公文版头的密级位置）",
            ),
        )
        self._phrases = {e.text: e for e in markers.entries("phrase")}
        self._labels = {e.text: e for e in markers.entries("label")}
        self._phrase_re = re.compile(_alternation(self._phrases)) if self._phrases else None
        # (how it is used as a mark, pattern, whether the span is the whole match or just the label)
        self._label_rules: tuple[tuple[str, re.Pattern[str], bool], ...] = ()
        if self._labels:
            labels = _alternation(self._labels)
            refs = _alternation(markers.self_references)
            self._label_rules = (
                ("括号内作为标注", re.compile(rf"[{_OPEN}][ ]?(?P<label>{labels})[ ]?[{_CLOSE}]"), True),
                (
                    "位于行首作为标注",
                    re.compile(rf"(?m)^[ \t]*(?P<label>{labels})(?=[ \t]*$|[ \t]+\S|[ \t]*[{_STARS}])"),
                    False,
                ),
                (
                    "文稿自述其属性",
                    re.compile(rf"(?:{refs})(?P<mid>[^。！？；;!?\n]{{0,12}}?)(?P<label>{labels})"),
                    True,
                ),
            )
        self._blockers = tuple(markers.self_reference_blockers)
        self._negative_re = re.compile(_alternation(markers.negative_contexts)) if markers.negative_contexts else None

    def run(self, doc: Document) -> list[Finding]:
        text = doc.text
        negatives = Disjoint(m.span() for m in self._negative_re.finditer(text)) if self._negative_re else Disjoint()
        candidates = [
            c
            for c in (*self._level_marks(text), *self._phrase_marks(text), *self._label_marks(text))
            if not negatives.overlaps(c.start, c.end)
        ]
        return [
            Hit(
                start=c.start,
                end=c.end,
                severity=Severity.BLOCK,
                message=c.message,
                suggestion=None,
                rule=c.rule,
                explanation=c.explanation,
            ).to_finding(doc, CATEGORY)
            for c in _without_overlaps(candidates)
        ]

    def _level_marks(self, text: str) -> Iterable[_Candidate]:
        for rule_id, pattern, why in self._level_rules:
            for match in pattern.finditer(text):
                group = "mark" if "mark" in pattern.groupindex else 0
                start, end = match.span(group)
                mark = text[start:end].strip()
                yield _Candidate(
                    start,
                    end,
                    f"{CATEGORY}.{rule_id}",
                    f"文稿带有密级标志“{mark}”，涉密文件不得公开发布，请删除标志并确认文稿可以公开",
                    f"{why}（匹配：“{mark}”）；依据：{_BASIS_LEVEL}。无法自动修改：须由定密机关确认已解密或不涉密",
                    0,
                )

    def _phrase_marks(self, text: str) -> Iterable[_Candidate]:
        if self._phrase_re is None:
            return
        for match in self._phrase_re.finditer(text):
            entry = self._phrases[match.group(0)]
            yield self._entry_candidate(entry, match.start(), match.end(), "内部用语", match.group(0), 1)

    def _label_marks(self, text: str) -> Iterable[_Candidate]:
        for how, pattern, whole in self._label_rules:
            for match in pattern.finditer(text):
                mid = match.groupdict().get("mid")
                if mid is not None and any(b in mid for b in self._blockers):
                    continue  # 本文所称国家秘密 / 本文件不涉密: a definition or a denial, not a mark
                entry = self._labels[match.group("label")]
                start, end = match.span() if whole else match.span("label")
                yield self._entry_candidate(entry, start, end, how, text[start:end], 2)

    @staticmethod
    def _entry_candidate(entry: MarkerEntry, start: int, end: int, how: str, matched: str, priority: int) -> _Candidate:
        return _Candidate(
            start,
            end,
            f"{CATEGORY}.{entry.id}",
            f"文稿含有内部或保密标注“{matched}”，表明其为内部或涉密材料，不得公开发布",
            f"词表 secret_markers.yaml 条目“{entry.text}”（{how}；{entry.note}）；依据：{_BASIS_PHRASE}。"
            "无法自动修改：须确认文稿可以公开后删除该标注",
            priority,
        )


def _without_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """One mark gives one finding: of overlapping candidates keep the most specific, then the longest."""
    kept: list[_Candidate] = []
    taken = Disjoint()  # the kept marks, asked in logarithmic time (thousands of marks stay linear)
    for c in sorted(candidates, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
        if c.start < c.end and not taken.overlaps(c.start, c.end):
            kept.append(c)
            taken.add(c.start, c.end)
    return sorted(kept, key=lambda c: c.start)
