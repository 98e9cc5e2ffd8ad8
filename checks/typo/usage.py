"""Layer 3, real-word confusions that style guides list (截止/截至, 反映/反应, 的/地/得 …), as data.

Both words of such a pair are correct words, so neither a dictionary nor a character model can tell the slip
from the intended use; what tells them apart is the context the style guide names (截至 before a date, 得 after
a verb before a degree complement). Each rule in ``dictionaries/typo/usage_rules.yaml`` names the written word,
the intended one, the context that must hold (text before and after, part of speech of the neighbouring words),
the contexts that rule it out, and its source; a rule never fires on the word alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick
import yaml

from checks.segmenter import Token
from checks.typo.disjoint import keep_disjoint

LOOK = 24  # characters of context a condition may see on each side
_FIELDS = frozenset(
    {"id", "wrong", "right", "before", "after", "not_before", "not_after", "before_pos", "after_pos", "source", "why"}
)


class UsageRuleError(ValueError):
    pass


@dataclass(frozen=True)
class UsageRule:
    id: str
    wrong: str
    right: str
    source: str
    why: str
    before: re.Pattern[str] | None = None  # must match the text just before (anchored at its end)
    after: re.Pattern[str] | None = None  # must match the text just after (anchored at its start)
    not_before: re.Pattern[str] | None = None
    not_after: re.Pattern[str] | None = None
    before_pos: tuple[str, ...] = ()  # POS tag prefixes of the token ending where the word starts
    after_pos: tuple[str, ...] = ()  # … of the token starting where the word ends

    def holds(self, text: str, start: int, end: int, tokens: TokenIndex) -> bool:
        """Every condition of the rule holds here; the cheap ones are asked first (the neighbours' tags, then the
        conditions anchored where the word ends, then those searched for in the text before it)."""
        if self.before_pos and not _tag_in(tokens.ending_at(start), self.before_pos):
            return False
        if self.after_pos and not _tag_in(tokens.starting_at(end), self.after_pos):
            return False
        right = text[end : end + LOOK]
        if self.after and not self.after.match(right):
            return False
        if self.not_after and self.not_after.match(right):
            return False
        left = text[max(0, start - LOOK) : start]
        if self.before and not self.before.search(left):
            return False
        return not (self.not_before and self.not_before.search(left))


def _tag_in(token: Token | None, prefixes: tuple[str, ...]) -> bool:
    """The token's tag is one of ``prefixes``, or starts with one that ends in ``*``."""
    if token is None:
        return False
    exact, starts = _tag_sets(prefixes)
    return token.pos in exact or token.pos.startswith(starts)


@lru_cache(maxsize=256)
def _tag_sets(prefixes: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(prefixes), tuple(p[:-1] for p in prefixes if p.endswith("*"))


class TokenIndex:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self._by_start = {t.start: t for t in tokens}
        self._by_end = {t.start + len(t.word): t for t in tokens}

    def starting_at(self, offset: int) -> Token | None:
        return self._by_start.get(offset)

    def ending_at(self, offset: int) -> Token | None:
        return self._by_end.get(offset)

    def is_token(self, start: int, end: int) -> bool:
        token = self._by_start.get(start)
        return token is not None and token.end == end


@dataclass(frozen=True, slots=True)
class UsageHit:
    start: int
    end: int
    rule: UsageRule


def _pattern(value: object, rule_id: str, key: str) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageRuleError(f"rule {rule_id}: {key} must be a regular expression string")
    try:
        return re.compile(value + "$" if key in ("before", "not_before") else value)
    except re.error as exc:
        raise UsageRuleError(f"rule {rule_id}: {key} is not a valid regular expression: {exc}") from exc


def parse_rules(data: object) -> list[UsageRule]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise UsageRuleError("usage rules: expected a mapping with a list under 'rules'")
    rules, seen = [], set()
    for raw in data["rules"]:
        if not isinstance(raw, dict):
            raise UsageRuleError("usage rules: every rule is a mapping")
        rule_id = str(raw.get("id", ""))
        unknown = set(raw) - _FIELDS
        missing = {"id", "wrong", "right", "source", "why"} - set(raw)
        if unknown or missing or rule_id in seen:
            raise UsageRuleError(
                f"rule {rule_id or '?'}: unknown {sorted(unknown)}, missing {sorted(missing)}, or a duplicate id"
            )
        if not any(k in raw for k in ("before", "after", "before_pos", "after_pos")):
            raise UsageRuleError(f"rule {rule_id}: a rule needs a context condition, never the word alone")
        seen.add(rule_id)
        rules.append(
            UsageRule(
                rule_id, str(raw["wrong"]), str(raw["right"]), str(raw["source"]), str(raw["why"]),
                _pattern(raw.get("before"), rule_id, "before"), _pattern(raw.get("after"), rule_id, "after"),
                _pattern(raw.get("not_before"), rule_id, "not_before"),
                _pattern(raw.get("not_after"), rule_id, "not_after"),
                tuple(raw.get("before_pos", ())), tuple(raw.get("after_pos", ())),
            )
        )  # fmt: skip
    return rules


class UsageRules:
    def __init__(self, rules: Sequence[UsageRule]) -> None:
        self.rules = tuple(rules)
        self._automaton = ahocorasick.Automaton()
        by_word: dict[str, list[UsageRule]] = {}
        for rule in self.rules:
            by_word.setdefault(rule.wrong, []).append(rule)
        for word, group in by_word.items():
            self._automaton.add_word(word, tuple(group))
        if by_word:
            self._automaton.make_automaton()

    @classmethod
    def load(cls, path: Path) -> UsageRules:
        return cls(parse_rules(yaml.safe_load(path.read_text(encoding="utf-8"))))

    def find(self, text: str, tokens: Sequence[Token]) -> list[UsageHit]:
        """The first rule whose context holds, per occurrence of a listed word; non-overlapping, longest first."""
        if not self.rules:
            return []
        index = TokenIndex(tokens)
        hits = []
        # A rule reads LOOK characters each side and the tags of the two neighbouring tokens: an occurrence in a
        # context met before gets the same answer (repeated lines cost one decision, not one per copy).
        decided: dict[tuple[str, str, str, str | None, str | None], UsageRule | None] = {}
        # The tokens around each occurrence are looked up inline (a text of many 的 has as many occurrences
        # as characters: a method call per lookup was most of this layer's time there).
        by_end, by_start = index._by_end, index._by_start
        for last, group in self._automaton.iter(text):
            end = last + 1
            start = end - len(group[0].wrong)
            before, after = by_end.get(start), by_start.get(end)
            key = (group[0].wrong, text[max(0, start - LOOK) : start], text[end : end + LOOK],
                   None if before is None else before.pos, None if after is None else after.pos)  # fmt: skip
            if key not in decided:
                decided[key] = next((r for r in group if r.holds(text, start, end, index)), None)
            rule = decided[key]
            if rule is not None:
                hits.append(UsageHit(start, end, rule))
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        return sorted(keep_disjoint(hits, lambda h: (h.start, h.end)), key=lambda h: h.start)
