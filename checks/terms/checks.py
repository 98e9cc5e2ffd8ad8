"""The three term checks: term.political, term.banned, term.outdated.

Each is built once by its factory with its automata and rules injected, reads one Document and turns
the matchers' hits into findings that cite the dictionary entry and its source.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from checks.check import Scope
from checks.document import Document
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.terms.align import AlignHit, FormulationAligner
from checks.terms.collocates import AttestedCollocates
from checks.terms.collocation import CollocationRules
from checks.terms.context import DocContext, IsWord
from checks.terms.dated import DatedRules
from checks.terms.exact import ExactHit, ExactMatcher, _inside_longer
from checks.terms.fuzzy import FuzzyHit, FuzzyMatcher
from checks.terms.officeholders import OfficeholderRules
from checks.terms.schema import OutdatedEntry, WordingEntry
from checks.terms.sessions import SessionRules
from checks.terms.shield import Shield
from checks.terms.sovereignty import SovereigntyRule

KIND_LABELS = {
    "formulation": "重要表述",
    "leader": "领导人姓名或职务",
    "title": "领导职务名称",
    "agency": "国家机关名称",
    "country": "国家名称",
    "party": "党的组织或会议名称",
    "congress": "会议名称",
    "local": "地方重要部署",
}


def _exact_finding(doc: Document, hit: ExactHit) -> Finding:
    rule, entry = hit.rule, hit.rule.entry
    matched = doc.text[hit.start : hit.end]
    note = f"；说明：{entry.note}" if entry.note else ""
    if isinstance(entry, OutdatedEntry):
        since = f"{entry.since.year}年{entry.since.month}月"
        now = f"应为“{entry.current}”" if entry.current else "已撤销或废止"
        message = f"“{matched}”自{since}起已不再使用，{now}"
        why = f"{entry.reason}（文稿日期 {doc.doc_date.isoformat()} 晚于 {entry.since.isoformat()}）"
        suggestion = entry.current
    else:
        assert isinstance(entry, WordingEntry)
        message = entry.reason
        why = f"“{matched}”为不规范或禁用表述" + (f"，应为“{entry.suggestion}”" if entry.suggestion else "")
        suggestion = entry.suggestion
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=rule.severity,
        message=message,
        suggestion=suggestion,
        rule=rule.rule_id,
        explanation=f"{why}（匹配：“{matched}”）；{rule.origin()}{note}",
    ).to_finding(doc, rule.category)


def _fuzzy_finding(doc: Document, hit: FuzzyHit) -> Finding:
    rule, entry = hit.rule, hit.rule.entry
    label = KIND_LABELS[entry.kind]
    change = hit.edit.describe()
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=rule.severity,
        message=f"{label}“{entry.text}”书写有误：{change}",
        suggestion=entry.text,
        rule=rule.rule_id,
        explanation=f"与规范写法“{entry.text}”相差一处（匹配：“{hit.written}”，{change}）；{rule.origin()}",
    ).to_finding(doc, rule.category)


def _align_finding(doc: Document, hit: AlignHit) -> Finding:
    rule, entry = hit.rule, hit.rule.entry
    label = KIND_LABELS[entry.kind]
    what = "不完整" if hit.op == "delete" else "有误"
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=rule.severity,
        message=f"{label}“{entry.text}”{what}：{hit.describe()}",
        suggestion=entry.text,
        rule=rule.rule_id,
        explanation=f"规范表述为“{entry.text}”，文中写作“{hit.written}”（{hit.describe()}）；"
        f"这一写法不见于正式文件（法律法规、党代会报告、政府工作报告语料）；{rule.origin()}",
    ).to_finding(doc, rule.category)


@dataclass(frozen=True)
class FormulationRules:
    """The knowledge-based rules of term.political beyond exact and one-edit matching (issue 12)."""

    aligner: FormulationAligner | None = None
    collocations: CollocationRules | None = None
    sessions: SessionRules | None = None
    leaders: OfficeholderRules | None = None
    severity: Severity = Severity.BLOCK
    collocates: AttestedCollocates | None = None

    def findings(self, doc: Document, ctx: DocContext, shields: list[tuple[int, int, bool]]) -> list[Finding]:
        out: list[Finding] = []
        hits = []
        if self.leaders is not None:
            hits += list(self.leaders.find(ctx))
        if self.sessions is not None:
            hits += list(self.sessions.find(ctx))
        if self.collocations is not None:
            hits += list(self.collocations.find(ctx))
        if self.collocates is not None:
            hits += list(self.collocates.find(ctx))
        for hit in hits:  # the matchers name their rules within term.political; the check sets the severity
            political = replace(hit, rule=f"term.political.{hit.rule}", severity=self.severity)
            out.append(political.to_finding(doc, "term.political"))
        if self.aligner is not None:
            out += [_align_finding(doc, hit) for hit in self.aligner.find(ctx, shields)]
        return out


CORRECTION_MARKERS = ("更正", "勘误", "误为", "误作", "错为", "应为", "纠正为")


def _quoted_in_corrections(doc: Document, ctx: DocContext) -> list[tuple[int, int]]:
    """Source spans of quotations in a correction notice (更正：“乡村复兴战略”应为…): quoting a wrong form is right."""
    spans = []
    for s, e in ctx.quoted:
        if ctx.has_any(s, CORRECTION_MARKERS):
            spans.append(doc.to_source(s, e))
    return spans


def _first_of_overlapping(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text: the earlier rule in the list wins (exact and one-edit rules first)."""
    if any(f.start >= f.end for f in findings):  # an empty span: keep the plain pairwise test
        kept: list[Finding] = []
        for f in findings:
            if all(f.end <= k.start or k.end <= f.start or f.field != k.field for k in kept):
                kept.append(f)
        return kept
    kept = []
    covered: set[tuple[str, int]] = set()  # (field, offset) of kept findings: each test reads its own offsets
    for f in findings:
        offsets = [(f.field, i) for i in range(f.start, f.end)]
        if covered.isdisjoint(offsets):
            kept.append(f)
            covered.update(offsets)
    return kept


class PoliticalCheck:
    """Miswritten protected formulations and names, forbidden political wording, 台港澳 listed as 国家,
    mis-collocated, reordered, incomplete and superseded formulations, meetings and leaders by date."""

    name: ClassVar[str] = "term.political"
    categories: ClassVar[tuple[str, ...]] = ("term.political",)
    scope: ClassVar[Scope] = "text"

    def __init__(
        self,
        fuzzy: FuzzyMatcher,
        exact: ExactMatcher,
        sovereignty: SovereigntyRule | None,
        shield: Shield,
        is_word: IsWord,
        sovereignty_severity: Severity = Severity.BLOCK,
        formulations: FormulationRules | None = None,
    ) -> None:
        self.formulations = formulations or FormulationRules()
        self.is_word = is_word
        self.fuzzy = fuzzy
        self.exact = exact
        self.sovereignty = sovereignty
        self.shield = shield
        self.sovereignty_severity = sovereignty_severity

    def run(self, doc: Document) -> list[Finding]:
        ctx = DocContext(doc, self.is_word)
        shields = self.shield.spans(ctx)
        out = [_exact_finding(doc, hit) for hit in self.exact.find(ctx, _inside_longer(shields))]
        out += [_fuzzy_finding(doc, hit) for hit in self.fuzzy.find(ctx, shields)]
        out += self.formulations.findings(doc, ctx, shields)
        out = _first_of_overlapping(out)
        quoted = _quoted_in_corrections(doc, ctx)
        if quoted:
            out = [f for f in out if not any(s <= f.start and f.end <= e for s, e in quoted)]
        if self.sovereignty is not None:
            source = self.sovereignty.source.cite()
            for hit in self.sovereignty.find(ctx):
                regions = "、".join(hit.regions)
                out.append(
                    Hit(
                        start=hit.start,
                        end=hit.end,
                        severity=self.sovereignty_severity,
                        message=f"将{regions}与国家并列时应称“国家和地区”",
                        suggestion="国家和地区",
                        rule="term.political.sovereignty.country_region_list",
                        explanation=f"列举“{hit.listed}”含{regions}，却统称为“{doc.text[hit.start : hit.end]}”；"
                        f"香港、澳门是中国的特别行政区，台湾是中国的一个省，不得称作国家；"
                        f"词表 sovereignty.yaml；来源：{source}",
                    ).to_finding(doc, "term.political")
                )
        return out


class BannedCheck:
    """Wording that style guides forbid or caution against, and organisations' own sensitive-word lists."""

    name: ClassVar[str] = "term.banned"
    categories: ClassVar[tuple[str, ...]] = ("term.banned",)
    scope: ClassVar[Scope] = "text"

    def __init__(self, exact: ExactMatcher, shield: Shield, is_word: IsWord) -> None:
        self.exact = exact
        self.shield = shield
        self.is_word = is_word

    def run(self, doc: Document) -> list[Finding]:
        ctx = DocContext(doc, self.is_word)
        return [_exact_finding(doc, hit) for hit in self.exact.find(ctx, self.shield.inside_longer(ctx.text))]


class OutdatedCheck:
    """Outdated agency, plan and policy names, and date-tied figures, judged against the document's date."""

    name: ClassVar[str] = "term.outdated"
    categories: ClassVar[tuple[str, ...]] = ("term.outdated",)
    scope: ClassVar[Scope] = "text"

    def __init__(
        self, exact: ExactMatcher, dated: DatedRules | None, shield: Shield, is_word: IsWord, dated_severity: Severity
    ) -> None:
        self.is_word = is_word
        self.exact = exact
        self.dated = dated
        self.shield = shield
        self.dated_severity = dated_severity

    def run(self, doc: Document) -> list[Finding]:
        ctx = DocContext(doc, self.is_word)
        out = [_exact_finding(doc, hit) for hit in self.exact.find(ctx, self.shield.inside_longer(ctx.text))]
        if self.dated is not None:
            for hit in self.dated.find(ctx):
                dated = replace(hit, rule=f"term.outdated.{hit.rule}", severity=self.dated_severity)
                out.append(dated.to_finding(doc, "term.outdated"))
        return out
