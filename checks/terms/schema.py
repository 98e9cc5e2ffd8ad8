"""The shape of the term dictionaries (dictionaries/terms/*.yaml), validated by pydantic at load.

Every rule is data: a protected formulation, a wording rule, an outdated name, a date-tied figure.
Each entry names its source (title, issuer, date, address), so that a finding can cite it; an entry
whose source could not be verified must ship disabled.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CATEGORIES = ("term.political", "term.banned", "term.outdated")
Category = Literal["term.political", "term.banned", "term.outdated"]
SeverityName = Literal["block", "warn", "info"]
FuzzyOp = Literal["substitute", "transpose", "delete", "insert"]
ProtectedKind = Literal["formulation", "leader", "title", "agency", "country", "party", "congress", "local"]
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
_PADDED = re.compile(r"^\s|\s$")


def _clean(values: list[str], what: str) -> list[str]:
    for value in values:
        if not value or _PADDED.search(value):
            raise ValueError(f"empty or padded {what}: {value!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"duplicate {what}")
    return values


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A public document an entry comes from; ``verified`` says the text was checked against it."""

    title: str = Field(min_length=2)
    issuer: str = Field(min_length=2)
    date: dt.date
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    verified_via: str | None = Field(default=None, min_length=4)
    verified: bool

    @model_validator(mode="after")
    def _verified_has_evidence(self) -> Source:
        if self.verified and not (self.url or self.verified_via):
            raise ValueError("a verified source needs a url or verified_via")
        return self

    def cite(self) -> str:
        return f"《{self.title}》（{self.issuer}，{self.date.isoformat()}）"


class _Entry(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=2, max_length=40)
    source: str = Field(pattern=ID_PATTERN)
    enabled: bool = True
    severity: SeverityName | None = None  # None: the file's default
    note: str | None = None

    @field_validator("text")
    @classmethod
    def _not_padded(cls, value: str) -> str:
        if _PADDED.search(value):
            raise ValueError(f"padded text: {value!r}")
        return value


class ContextRules(_Strict):
    """When a match is legitimate after all: the exceptions are part of the entry, not of the code."""

    boundary: Literal["token", "none"] | None = None  # None: token for texts of up to 3 characters
    except_before: list[str] = Field(default_factory=list)  # the match is preceded by one of these
    except_after: list[str] = Field(default_factory=list)  # the match is followed by one of these
    except_contexts: list[str] = Field(default_factory=list)  # the match lies inside one of these
    except_quoted: bool = False  # inside 《》 or “” (a quoted title or quotation)
    except_foreign: bool = False  # right after a foreign country's name (叙利亚卫生部 is not China's)
    applies_from: dt.date | None = None  # the rule holds for documents dated on or after this day

    @field_validator("except_before", "except_after", "except_contexts")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return _clean(value, "context word")


class ProtectedEntry(_Entry):
    """A canonical formulation or name: exact text is right, a one-edit variant is an error."""

    kind: ProtectedKind
    fuzzy: list[FuzzyOp] | None = None  # None: by length (see checks/terms/fuzzy.py)
    numerals: bool = True  # a numeral written for another numeral is an error (wrong ordinal)
    variants_ok: list[str] = Field(default_factory=list)  # one edit away, yet correct
    valid_from: dt.date | None = None  # the formulation exists from this day on

    @field_validator("variants_ok")
    @classmethod
    def _variants(cls, value: list[str]) -> list[str]:
        return _clean(value, "variant")


class WordingEntry(_Entry, ContextRules):
    """A word that a style guide forbids or cautions against, with what to write instead."""

    category: Literal["term.political", "term.banned"] | None = None  # None: the file's default
    suggestion: str | None = None
    reason: str = Field(min_length=2)


class OutdatedEntry(_Entry, ContextRules):
    """A name, plan or policy replaced on ``since``: wrong in documents dated on or after that day."""

    current: str | None = None  # None: abolished without successor
    since: dt.date  # valid_to: from this day on the old text is wrong
    valid_from: dt.date | None = None  # the old text came into use on this day (silent before: it did not exist)
    reason: str = Field(min_length=2)
    historical: bool = True  # an earlier year or a historical marker in the sentence excuses it
    except_quoted: bool = True
    boundary: Literal["token", "none"] | None = "token"  # 国土资源部门 is not 国土资源部
    except_foreign: bool = True  # 叙利亚卫生部 is Syria's ministry
    except_after: list[str] = Field(default_factory=lambda: ["令第", "门"])  # 劳动和社会保障部令第21号; 国土资源部门


class TermFile(_Strict):
    """One data file: a default category and severity, local sources and entries of one kind."""

    version: int = Field(ge=1)
    category: Category
    severity: SeverityName
    list_name: str | None = None  # org lists: the list's name, shown in findings
    sources: dict[str, Source] = Field(default_factory=dict)
    historical_markers: list[str] = Field(default_factory=list)  # anywhere in the sentence
    historical_prefixes: list[str] = Field(default_factory=list)  # shortly before the match (原国土资源部)
    not_slips: str = ""  # characters whose insertion or deletion is other wording, not a slip (的, 副)
    protected: list[ProtectedEntry] = Field(default_factory=list)
    wording: list[WordingEntry] = Field(default_factory=list)
    outdated: list[OutdatedEntry] = Field(default_factory=list)

    @field_validator("historical_markers", "historical_prefixes")
    @classmethod
    def _markers(cls, value: list[str]) -> list[str]:
        return _clean(value, "marker")

    @model_validator(mode="after")
    def _consistent(self) -> TermFile:
        if self.protected and self.category != "term.political":
            raise ValueError("protected entries belong to category term.political")
        if self.outdated and self.category == "term.banned":
            raise ValueError("outdated entries belong to term.outdated (names) or term.political (formulations)")
        if self.wording and self.category == "term.outdated":
            raise ValueError("wording entries belong to term.political or term.banned")
        return self

    def entries(self) -> list[ProtectedEntry | WordingEntry | OutdatedEntry]:
        return [*self.protected, *self.wording, *self.outdated]


class SourceFile(_Strict):
    """dictionaries/terms/sources.yaml: sources shared by every file."""

    version: int = Field(ge=1)
    sources: dict[str, Source]


class AllowName(_Strict):
    text: str = Field(min_length=2, max_length=30)
    kind: Literal["place", "organisation", "name"]
    source: str = Field(pattern=ID_PATTERN)


class AllowFile(_Strict):
    """dictionaries/terms/allow.yaml: local names that no term check may ever "correct"."""

    version: int = Field(ge=1)
    sources: dict[str, Source] = Field(default_factory=dict)
    names: list[AllowName] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> AllowFile:
        _clean([n.text for n in self.names], "allowed name")
        return self


class Anniversary(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    foreign_ok: bool = False  # skip when the sentence names a foreign country (朝鲜建国75周年)
    subjects: list[str] = Field(min_length=1)  # what precedes "N周年"
    event: str = Field(min_length=2)
    base: dt.date
    source: str = Field(pattern=ID_PATTERN)
    enabled: bool = True


class Congress(_Strict):
    number: int = Field(ge=1, le=40)
    opened: dt.date
    source: str = Field(pattern=ID_PATTERN)


class PlanPeriod(_Strict):
    number: int = Field(ge=1, le=30)
    start: int = Field(ge=1953, le=2100)
    end: int = Field(ge=1953, le=2100)
    source: str = Field(pattern=ID_PATTERN)

    @model_validator(mode="after")
    def _five_years(self) -> PlanPeriod:
        if self.end - self.start != 4:
            raise ValueError("a five-year plan spans five calendar years")
        return self


class DatedFile(_Strict):
    """dictionaries/terms/dated.yaml: figures that depend on the document's date."""

    version: int = Field(ge=1)
    severity: SeverityName = "warn"
    sources: dict[str, Source] = Field(default_factory=dict)
    past_markers: dict[str, int] = Field(default_factory=dict)  # word -> years back (去年: 1)
    future_markers: list[str] = Field(default_factory=list)
    review_markers: list[str] = Field(default_factory=list)  # 隆重庆祝: last year's, before this year's date
    congress_grace_days: int = Field(default=0, ge=0)  # after a congress, texts may still review the last one
    historical_markers: list[str] = Field(default_factory=list)
    anniversaries: list[Anniversary] = Field(default_factory=list)
    congresses: list[Congress] = Field(default_factory=list)
    congress_source: str | None = None
    plans: list[PlanPeriod] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> DatedFile:
        numbers = [c.number for c in self.congresses]
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            raise ValueError("congresses must be listed once each, in order")
        dates = [c.opened for c in self.congresses]
        if dates != sorted(dates):
            raise ValueError("congress dates must increase with their number")
        return self


class SovereigntyFile(_Strict):
    """dictionaries/terms/sovereignty.yaml: 台港澳 listed among 国家 without 国家和地区."""

    version: int = Field(ge=1)
    sources: dict[str, Source] = Field(default_factory=dict)
    source: str = Field(pattern=ID_PATTERN)
    severity: SeverityName
    regions: list[str] = Field(min_length=1)
    nouns: list[str] = Field(min_length=1)
    correct_forms: list[str] = Field(min_length=1)
    compounds: list[str] = Field(min_length=1)  # 国家安全, 国家级…: the noun is part of another word
    separators: str = Field(min_length=1)


class ConfusableGroup(_Strict):
    chars: str = Field(min_length=2, max_length=12)
    kind: Literal["sound", "shape"]
    note: str | None = None


class ConfusablesFile(_Strict):
    """dictionaries/terms/confusables.yaml: look-alike characters pycorrector's tables lack."""

    version: int = Field(ge=1)
    groups: list[ConfusableGroup] = Field(default_factory=list)


# --- formulation knowledge: collocations, enumeration order, the dated calendar -------------------


class CollocationMember(_Strict):
    object: str = Field(min_length=2, max_length=20)  # the formulation (四个意识)
    words: list[str] = Field(min_length=1)  # the verbs or head nouns that belong to it (增强, 树立)

    @field_validator("words")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return _clean(value, "collocate")


class CollocationFamily(_Strict):
    """Formulations that share a kind of collocate: each takes its own (增强四个意识, 坚定四个自信)."""

    id: str = Field(pattern=ID_PATTERN)
    slot: Literal["before", "after"]  # the collocate stands right before (a verb) or right after (a head noun)
    source: str = Field(pattern=ID_PATTERN)
    members: list[CollocationMember] = Field(min_length=2)
    enabled: bool = True


class Enumeration(_Strict):
    """An enumeration whose order is fixed (创新、协调、绿色、开放、共享)."""

    id: str = Field(pattern=ID_PATTERN)
    items: list[str] = Field(min_length=2)
    name: str | None = None  # what the enumeration is (新发展理念)
    before: list[str] = Field(default_factory=list)  # generic items: one of these must stand right before
    after: list[str] = Field(default_factory=list)  # ... or right after the run (贯彻新发展理念)
    source: str = Field(pattern=ID_PATTERN)
    enabled: bool = True

    @field_validator("items")
    @classmethod
    def _items(cls, value: list[str]) -> list[str]:
        return _clean(value, "item")


class ConfusableSet(_Strict):
    """Verbs (or head nouns) that writers put in each other's place next to a formulation (增强/坚定/做到/领悟):
    one of them next to a formulation whose attested words of the set exclude it is reported."""

    id: str = Field(pattern=ID_PATTERN)
    slot: Literal["before", "after"]
    words: list[str] = Field(min_length=2)
    why: str = Field(min_length=4)  # what the set is, shown in explanations
    heads: list[str] = Field(default_factory=list)  # judge only formulations ending in one of these (战略)
    source: str = Field(pattern=ID_PATTERN)
    enabled: bool = True

    @field_validator("words", "heads")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return _clean(value, "confusable word")


class CollocationsFile(_Strict):
    """dictionaries/terms/collocations.yaml: fixed verbs and head nouns, fixed enumeration order."""

    version: int = Field(ge=1)
    severity: SeverityName = "block"
    sources: dict[str, Source] = Field(default_factory=dict)
    families: list[CollocationFamily] = Field(default_factory=list)
    sequences: list[Enumeration] = Field(default_factory=list)
    confusable_sets: list[ConfusableSet] = Field(default_factory=list)


class SlotCounts(_Strict):
    """The words seen in one slot of a formulation in the build corpora (scripts/build_term_collocates.py)."""

    use: Literal["fixed", "free", "rare", "none"]
    n: int = Field(ge=0)
    words: dict[str, int] = Field(default_factory=dict)
    other: int = Field(default=0, ge=0)
    edge: int = Field(default=0, ge=0)


class ObjectCounts(_Strict):
    text: str = Field(min_length=2)
    n: int = Field(ge=0)
    before: SlotCounts


class SwapCounts(_Strict):
    text: str = Field(min_length=3)  # the formulation with its two parts swapped
    n: int = Field(ge=0)  # occurrences of that form
    pair: str = Field(min_length=3)  # the two parts as the formulation has them (发展和安全)
    pair_n: int = Field(ge=0)  # occurrences of the pair anywhere (also outside the formulation)
    swapped_n: int = Field(ge=0)  # occurrences of the pair in the other order (安全和发展)


class FamilyWords(_Strict):
    id: str = Field(pattern=ID_PATTERN)  # the family of collocations.yaml
    slot: Literal["before", "after"]
    words: list[str] = Field(min_length=1)


class FormulationCollocates(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=2)
    n: int = Field(ge=0)
    family: list[FamilyWords] = Field(default_factory=list)  # curated, verified against the official texts
    docs: dict[str, int] = Field(default_factory=dict)
    before: SlotCounts | None = None
    after: SlotCounts | None = None
    verb: str | None = None
    object: ObjectCounts | None = None
    swap: SwapCounts | None = None


class CollocatesFile(_Strict):
    """dictionaries/terms/collocates.jsonl (generated): each formulation's neighbouring words in official prose."""

    version: int = Field(ge=1)
    characters: int = Field(ge=0)
    formulations: list[FormulationCollocates] = Field(default_factory=list)


class Plenum(_Strict):
    term: int = Field(ge=1, le=40)  # the Central Committee (二十届)
    number: int = Field(ge=1, le=9)  # 四中全会
    opened: dt.date
    source: str = Field(pattern=ID_PATTERN)


class Session(_Strict):
    term: int = Field(ge=1, le=40)  # 十四届全国人大
    number: int = Field(ge=1, le=9)  # 三次会议
    opened: dt.date
    source: str = Field(pattern=ID_PATTERN)


class Holder(_Strict):
    name: str = Field(min_length=2, max_length=4)
    start: dt.date
    end: dt.date | None = None  # None: in office at the table's last known date
    source: str = Field(pattern=ID_PATTERN)


class Post(_Strict):
    """A post that appears in government texts, its titles and who held it when."""

    id: str = Field(pattern=ID_PATTERN)
    titles: list[str] = Field(min_length=1)  # written before the name (国务院总理李强)
    short_titles: list[str] = Field(default_factory=list)  # written after the name (李强总理)
    holders: list[Holder] = Field(min_length=1)


class CalendarFile(_Strict):
    """dictionaries/terms/calendar.yaml: congresses, plenums, NPC/CPPCC sessions and officeholders by date."""

    version: int = Field(ge=1)
    known_from: dt.date  # the tables are complete from this day ...
    known_until: dt.date  # ... to this day; outside it the date rules stay silent
    sources: dict[str, Source] = Field(default_factory=dict)
    future_markers: list[str] = Field(default_factory=list)  # the sentence looks ahead (即将召开)
    historical_markers: list[str] = Field(default_factory=list)  # the sentence looks back (时任)
    historical_prefixes: list[str] = Field(default_factory=list)  # right before the title or name (原国务院总理)
    plenums: list[Plenum] = Field(default_factory=list)
    npc_sessions: list[Session] = Field(default_factory=list)
    cppcc_sessions: list[Session] = Field(default_factory=list)
    posts: list[Post] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> CalendarFile:
        if self.known_until < self.known_from:
            raise ValueError("known_until precedes known_from")
        for rows in (self.plenums, self.npc_sessions, self.cppcc_sessions):
            keys = [(r.term, r.number) for r in rows]
            if keys != sorted(keys) or len(set(keys)) != len(keys):
                raise ValueError("plenums and sessions must be listed once each, in order")
            dates = [r.opened for r in rows]
            if dates != sorted(dates):
                raise ValueError("plenum and session dates must increase with their number")
        return self
