"""The PII check: Presidio's AnalyzerEngine with Chinese recognizers, turned into Findings."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from checks.document import Document
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.pii import masking
from checks.pii.contact_owner import Owner, is_free_mail, owner_of
from checks.pii.nlp_engine import LANGUAGE, JiebaNlpEngine
from checks.pii.purpose import Purpose, purpose_of


@dataclass(frozen=True)
class EntityKind:
    category: str
    label: str
    mask: Callable[[str], str]
    priority: int  # wins overlaps: an 18-digit ID is not also a bank card


SCORE_THRESHOLD = 0.5
CANDIDATE_THRESHOLD = 0.3
ROW_BOOST = 0.3
ROW_ANCHORS = frozenset(
    ("CN_ID_CARD", "CN_BANK_CARD", "CN_PHONE", "CN_PASSPORT", "EMAIL_ADDRESS", "CN_ADDRESS", "CN_PERSON_NAME")
)

# Kinds of contact that an office publishes on purpose (see contact_owner).
CONTACT_ENTITIES = frozenset(("CN_PHONE", "EMAIL_ADDRESS"))
# Words right before a number that make it something other than personal data.
NOT_PERSONAL_BEFORE = {
    "CN_PHONE": (
        "咨询电话", "监督电话", "举报电话", "投诉电话", "服务热线", "热线", "值班电话", "办公电话", "传真",
        "受理电话", "服务电话", "咨询热线", "举报热线", "报名电话", "联系电话（办公室）", "客服电话", "急救电话",
    ),
    "*": (
        "订单号", "单号", "编号", "流水号", "案号", "信用代码", "登记号", "批准文号", "证书编号", "许可证号",
        "运单号", "工单号", "索引号",
    ),
}  # fmt: skip
_VETOES: dict[str, re.Pattern[str]] = {}
_NEWLINE = re.compile("\n")


def vetoed(entity: str, words: str) -> bool:
    """Whether ``words`` hold one of the NOT_PERSONAL_BEFORE words for ``entity`` (or for every kind)."""
    pattern = _VETOES.get(entity)
    if pattern is None:
        vetoes = NOT_PERSONAL_BEFORE.get(entity, ()) + NOT_PERSONAL_BEFORE["*"]
        pattern = _VETOES[entity] = re.compile("|".join(map(re.escape, sorted(vetoes, key=len, reverse=True))))
    return pattern.search(words) is not None


# Mailboxes of government bodies are published contact points, not a private person's data.
PUBLIC_MAIL_DOMAINS = (".gov.cn", "@gov.cn", ".org.cn", ".edu.cn")
# Role mailboxes (hr@, zsb@ 招生办, bgs@ 办公室) belong to an office, not to a person.
ROLE_MAILBOXES = frozenset(
    "hr info admin office service contact support jobs job zsb zhaosheng bgs xxgk webmaster press news "
    "media recruit career postmaster noreply no-reply feedback complaint jubao tousu".split()
)
_OFFICE_NEAR = re.compile(
    r"(?:政府|局|委员会|委|办公室|办|中心|站|所|院|窗口|大厅|热线|居委会|村委会|社区|大队|支队|中队)[)）(（]?[，,：:\s]*(?:电话|联系电话)?[：:]?\s*$"
)


class PiiCheck:
    name: ClassVar[str] = "pii"
    categories: ClassVar[tuple[str, ...]] = (
        "pii.id_card", "pii.phone", "pii.bank_card", "pii.email",
        "pii.passport", "pii.plate", "pii.person_name", "pii.address",
    )  # fmt: skip
    scope: ClassVar[str] = "text"

    def __init__(
        self,
        analyzer: AnalyzerEngine,
        nlp_engine: JiebaNlpEngine,
        surnames: frozenset[str],
        name_mask_style: masking.NameMaskStyle = masking.NameMaskStyle.KEEP_LAST,
    ) -> None:
        self.analyzer = analyzer
        self.nlp_engine = nlp_engine
        self.surnames = surnames
        self.name_mask_style = name_mask_style
        self.kinds: dict[str, EntityKind] = {
            "CN_ID_CARD": EntityKind("pii.id_card", "居民身份证号码", masking.mask_id_card, 6),
            "CN_BANK_CARD": EntityKind("pii.bank_card", "银行卡号", masking.mask_bank_card, 5),
            "CN_PHONE": EntityKind("pii.phone", "个人电话号码", masking.mask_phone, 4),
            "EMAIL_ADDRESS": EntityKind("pii.email", "个人电子邮箱", masking.mask_email, 4),
            "CN_PASSPORT": EntityKind("pii.passport", "护照号码", masking.mask_passport, 3),
            "CN_PLATE": EntityKind("pii.plate", "机动车号牌", masking.mask_plate, 3),
            "CN_ADDRESS": EntityKind("pii.address", "个人详细住址", masking.mask_address, 2),
            "CN_PERSON_NAME": EntityKind(
                "pii.person_name",
                "个人姓名",
                lambda v: masking.mask_person_name(v, surnames, style=name_mask_style),
                1,
            ),
        }

    def run(self, doc: Document) -> list[Finding]:
        text = doc.text
        results = self.analyzer.analyze(
            text=text,
            language=LANGUAGE,
            nlp_artifacts=self.nlp_engine.artifacts(doc.tokens),
            score_threshold=CANDIDATE_THRESHOLD,
            return_decision_process=True,
        )
        public_names = purpose_of(doc.draft.title, text) is Purpose.PUBLIC
        kept, office_mail = self.decide(text, results, public_names=public_names)
        findings = [self._finding(doc, r) for r in kept]
        findings.extend(self._office_mail_hint(doc, r) for r in office_mail)
        return sorted(findings, key=lambda f: f.start)

    def decide(
        self, text: str, results: list[RecognizerResult], *, public_names: bool
    ) -> tuple[list[RecognizerResult], list[RecognizerResult]]:
        """Candidates (after context) → the personal data kept, and offices' free mailboxes (a hint).

        Shared by the text check and the table-cell check (checks.pii.cells), so both decide alike.
        """
        office_mail: list[RecognizerResult] = []
        personal: list[RecognizerResult] = []
        for result in results:
            if self._not_personal(text, result) or (public_names and result.entity_type == "CN_PERSON_NAME"):
                continue
            if result.entity_type in CONTACT_ENTITIES and owner_of(text, result.start) is Owner.OFFICE:
                if result.entity_type == "EMAIL_ADDRESS" and is_free_mail(text[result.start : result.end]):
                    office_mail.append(result)
                continue
            personal.append(result)
        boosted = boost_by_row(personal, text)
        kept = resolve_overlaps([r for r in boosted if r.score >= SCORE_THRESHOLD], self.kinds)
        return kept, [r for r in office_mail if r.score >= SCORE_THRESHOLD]

    @staticmethod
    def _office_mail_hint(doc: Document, result: RecognizerResult) -> Finding:
        """An office publishing a free personal mailbox: not a leak, but worth a hint."""
        return Hit(
            start=result.start,
            end=result.end,
            severity=Severity.INFO,
            message="单位对外公布的联系邮箱使用了个人免费邮箱，建议改用单位邮箱；不属于个人信息泄露。",
            suggestion=None,
            rule="pii.email:office_free_mailbox",
            explanation="邮箱前有“咨询/监督/异议/联系”等对外联系用语或单位名称，属于单位的联系方式",
        ).to_finding(doc, "pii.email")

    @staticmethod
    def _not_personal(text: str, result: RecognizerResult) -> bool:
        before = text[max(0, result.start - 14) : result.start]
        line_before = before.rsplit("\n", 1)[-1]
        if vetoed(result.entity_type, line_before):
            return True
        if result.entity_type == "EMAIL_ADDRESS":
            address = text[result.start : result.end].lower()
            return address.endswith(PUBLIC_MAIL_DOMAINS) or address.split("@", 1)[0] in ROLE_MAILBOXES
        return result.entity_type == "CN_PHONE" and bool(_OFFICE_NEAR.search(line_before))

    def _finding(self, doc: Document, result: RecognizerResult) -> Finding:
        return self.hit(result, doc.source_text(result.start, result.end)).to_finding(doc, self.category(result))

    def category(self, result: RecognizerResult) -> str:
        return self.kinds[result.entity_type].category

    def hit(self, result: RecognizerResult, source_value: str) -> Hit:
        """What a personal-data finding says about ``result`` (its span is the caller's to map)."""
        kind = self.kinds[result.entity_type]
        exp = result.analysis_explanation
        parts = [
            f"识别器 {exp.recognizer}" if exp else "",
            f"模式 {exp.pattern_name}" if exp and exp.pattern_name else "",
        ]
        if exp and exp.validation_result is not None:
            parts.append(f"校验{'通过' if exp.validation_result else '未通过'}")
        if exp and exp.supportive_context_word:
            parts.append(f"上下文词“{exp.supportive_context_word}”提高了置信度")
        if exp and exp.textual_explanation:
            parts.extend(
                line for line in exp.textual_explanation.splitlines() if line and not line.startswith("Detected by")
            )
        parts.append(f"得分 {result.score:.2f}")
        return Hit(
            start=result.start,
            end=result.end,
            severity=Severity.BLOCK,
            message=f"含有未脱敏的{kind.label}，公开发布前应删除或脱敏。",
            suggestion=kind.mask(source_value),
            rule=f"{kind.category}:{exp.pattern_name if exp and exp.pattern_name else 'default'}",
            explanation="；".join(p for p in parts if p),
        )


def boost_by_row(results: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    """Raise weak candidates that share a line with confident personal data of another kind.

    A 公示 table row "2　林秀英　4415…　0660-8976543" is about one person: the ID number makes the
    name and the landline personal too. Returns new results; the explanation says why.
    """
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    # anchors by the line they sit on entirely (an anchor that spans a line break anchors no row)
    anchors_by_line: dict[int, list[RecognizerResult]] = {}
    for anchor in results:
        if anchor.score >= SCORE_THRESHOLD and anchor.entity_type in ROW_ANCHORS:
            line = bisect_left(newlines, anchor.start)
            if line == bisect_left(newlines, anchor.end):
                anchors_by_line.setdefault(line, []).append(anchor)
    out = []
    for result in results:
        if result.score >= SCORE_THRESHOLD:
            out.append(result)
            continue
        line = bisect_left(newlines, result.start)
        same_line = anchors_by_line.get(line, []) if line == bisect_left(newlines, result.end) else []
        anchor = next((a for a in same_line if a.entity_type != result.entity_type), None)
        if anchor is None:
            out.append(result)
            continue
        boosted = RecognizerResult(
            result.entity_type,
            result.start,
            result.end,
            min(1.0, result.score + ROW_BOOST),
            result.analysis_explanation,
            result.recognition_metadata,
        )
        if boosted.analysis_explanation is not None:
            boosted.analysis_explanation.append_textual_explanation_line(
                f"同一行含有{anchor.entity_type}，属于同一人的个人信息"
            )
        out.append(boosted)
    return out


def resolve_overlaps(results: list[RecognizerResult], kinds: dict[str, EntityKind]) -> list[RecognizerResult]:
    """Keep the highest-priority, then highest-scoring, result among overlapping ones."""
    ordered = sorted(results, key=lambda r: (-kinds[r.entity_type].priority, -r.score, r.start))
    kept: list[RecognizerResult] = []
    taken = bytearray(max((r.end for r in results), default=0))
    for result in ordered:
        if not any(taken[result.start : result.end]):
            kept.append(result)
            taken[result.start : result.end] = b"\x01" * (result.end - result.start)
    return sorted(kept, key=lambda r: r.start)
