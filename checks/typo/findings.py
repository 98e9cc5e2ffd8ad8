"""Turns curated hits and statistical corrections into Findings that say why (in Chinese, for editors)."""

from __future__ import annotations

from checks.document import Document
from checks.finding import Finding, Severity
from checks.hits import Hit
from checks.typo.corrector import Correction
from checks.typo.idioms import IdiomHit
from checks.typo.misspellings import MisspellingHit
from checks.typo.nonwords import NonWordHit
from checks.typo.pairs import PairHit
from checks.typo.usage import UsageHit
from checks.typo.words import WordLookup

CATEGORY = "typo"


def misspelling_finding(doc: Document, hit: MisspellingHit, severity: Severity) -> Finding:
    entry = hit.entry
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=severity,
        message=f"常见错误写法：“{entry.wrong}”应为“{entry.right}”",
        suggestion=entry.right,
        rule=f"typo.misspelling:{entry.wrong}",
        explanation=f"易错词表条目“{entry.wrong}→{entry.right}”（来源：{entry.source}）",
    ).to_finding(doc, CATEGORY)


def usage_finding(doc: Document, hit: UsageHit, severity: Severity) -> Finding:
    rule = hit.rule
    context = doc.text[max(0, hit.start - 6) : hit.end + 6]
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=severity,
        message=f"用词不当：此处“{rule.wrong}”应为“{rule.right}”",
        suggestion=rule.right,
        rule=f"typo.usage:{rule.id}",
        explanation=f"{rule.why}（依据：{rule.source}；语境：“{context}”）",
    ).to_finding(doc, CATEGORY)


def pair_finding(doc: Document, hit: PairHit, severity: Severity) -> Finding:
    pair = hit.pair
    context = doc.text[max(0, hit.start - 6) : hit.end + 6]
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=severity,
        message=f"用词疑误：此处“{pair.wrong}”可能应为“{pair.right}”",
        suggestion=pair.right,
        rule=f"typo.pair:{pair.wrong}→{pair.right}",
        explanation=(
            f"{pair.why}（依据：{pair.source}）。在规范文本语料的语言模型中，此语境（“{context}”）下"
            f"“{pair.right}”的可能性远高于“{pair.wrong}”（对数概率差 {hit.gain:.1f}）"
        ),
    ).to_finding(doc, CATEGORY)


def idiom_finding(doc: Document, hit: IdiomHit, severity: Severity) -> Finding:
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=severity,
        message=f"成语或固定搭配疑有错字：“{hit.written}”应为“{hit.idiom}”",
        suggestion=hit.idiom,
        rule=f"typo.idiom:{hit.written}→{hit.idiom}",
        explanation=(
            f"“{hit.written}”与成语（固定搭配）“{hit.idiom}”仅差一字，“{hit.written[hit.pos - hit.start]}”"
            f"与“{hit.idiom[hit.pos - hit.start]}”易混；该写法不见于规范文本语料，"
            f"改后语言模型对数概率提高{hit.gain:.1f}"
        ),
    ).to_finding(doc, CATEGORY)


def nonword_finding(doc: Document, hit: NonWordHit, severity: Severity) -> Finding:
    written = doc.text[hit.start : hit.end]
    return Hit(
        start=hit.start,
        end=hit.end,
        severity=severity,
        message=f"疑似错别字：“{written}”应为“{hit.word}”",
        suggestion=hit.word,
        rule=f"typo.nonword:{written}→{hit.word}",
        explanation=(
            f"“{written}”不是词语，且“{hit.wrong}”与相邻字的组合不见于规范文本语料；“{hit.wrong}”与“{hit.right}”易混，"
            f"改后构成常用词“{hit.word}”，语言模型对数概率提高{hit.gain:.1f}"
        ),
    ).to_finding(doc, CATEGORY)


def correction_finding(doc: Document, c: Correction, words: WordLookup, severity: Severity) -> Finding:
    """One wrong character; the explanation names the confusion, the model gain, the word it makes, the score."""
    text = doc.text
    _, word_after = words.best_word(text, c.pos, c.right)
    context = text[max(0, c.pos - 2) : c.pos + 3]
    if c.orig_word == 0 and word_after:
        word_note = f"原文不成词，改后构成词语“{word_after}”"
    elif word_after:
        word_note = f"改后构成更常用的词语“{word_after}”"
    else:
        word_note = "改后上下文更通顺"
    explanation = (
        f"“{c.wrong}”与“{c.right}”{c.confusion.describe()}；"
        f"改为“{c.right}”后，字符5元语言模型在该处的对数概率提高{c.gain:.1f}；{word_note}；"
        f"判定得分{c.score:.2f}（阈值{c.threshold:.2f}，语境：“{context}”）"
    )
    return Hit(
        start=c.pos,
        end=c.pos + 1,
        severity=severity,
        message=f"疑似错别字：“{c.wrong}”可能应为“{c.right}”",
        suggestion=c.right,
        rule=f"typo.char:{c.wrong}→{c.right}",
        explanation=explanation,
    ).to_finding(doc, CATEGORY)
