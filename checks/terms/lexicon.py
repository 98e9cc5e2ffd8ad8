"""Load every term dictionary once, check the references between files, and hand out typed rules.

Layout (see dictionaries/terms/SOURCES.md): ``sources.yaml`` (shared sources), the special files
``allow.yaml``, ``dated.yaml``, ``sovereignty.yaml``, ``confusables.yaml``, every other ``*.yaml`` in
``dictionaries/terms/`` is a term file, and every ``*.yaml`` in ``dictionaries/terms/org/`` (and in any
extra directory the engine is given) is an organisation's own sensitive-word list in the same format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from checks.finding import Severity
from checks.terms.schema import (
    AllowFile,
    CalendarFile,
    CollocatesFile,
    CollocationsFile,
    ConfusablesFile,
    DatedFile,
    FormulationCollocates,
    OutdatedEntry,
    ProtectedEntry,
    Source,
    SourceFile,
    SovereigntyFile,
    TermFile,
    WordingEntry,
)
from checks.terms.yamlfile import DictionaryError, YamlLines, load_model, where

TERMS_DIR = "terms"
ORG_DIR = "org"
SOURCES_FILE = "sources.yaml"
ALLOW_FILE = "allow.yaml"
DATED_FILE = "dated.yaml"
SOVEREIGNTY_FILE = "sovereignty.yaml"
CONFUSABLES_FILE = "confusables.yaml"
COLLOCATIONS_FILE = "collocations.yaml"
CALENDAR_FILE = "calendar.yaml"
COLLOCATES_FILE = "collocates.jsonl"  # generated JSON Lines: read fast at every start (YAML took 0.3 s)
ATTESTED_FILE = "attested.txt"
SPECIAL_FILES = frozenset(
    {
        SOURCES_FILE,
        ALLOW_FILE,
        DATED_FILE,
        SOVEREIGNTY_FILE,
        CONFUSABLES_FILE,
        COLLOCATIONS_FILE,
        CALENDAR_FILE,
    }
)
E = TypeVar("E", ProtectedEntry, WordingEntry, OutdatedEntry)


@dataclass(frozen=True, slots=True)
class Rule(Generic[E]):
    """An enabled entry with everything a finding needs resolved: category, severity, source, file."""

    entry: E
    category: str
    severity: Severity
    source: Source
    file: str  # file name shown in explanations (org lists: "org/<name>")
    list_name: str | None = None

    @property
    def rule_id(self) -> str:
        return f"{self.category}.{self.entry.id}"

    def origin(self) -> str:
        listed = f"“{self.list_name}”" if self.list_name else ""
        return f"词表{listed} {self.file} 条目 {self.entry.id}；来源：{self.source.cite()}"


@dataclass
class TermLexicon:
    protected: list[Rule[ProtectedEntry]] = field(default_factory=list)
    wording: list[Rule[WordingEntry]] = field(default_factory=list)
    outdated: list[Rule[OutdatedEntry]] = field(default_factory=list)
    disabled: int = 0
    historical_markers: tuple[str, ...] = ()
    historical_prefixes: tuple[str, ...] = ()
    not_slips: str = ""
    allow: tuple[str, ...] = ()
    dated: DatedFile | None = None
    sovereignty: SovereigntyFile | None = None
    confusables: ConfusablesFile | None = None
    collocations: CollocationsFile | None = None
    calendar: CalendarFile | None = None
    collocates: CollocatesFile | None = None  # generated: each formulation's neighbouring words in official prose
    attested: dict[str, tuple[str, ...]] = field(default_factory=dict)  # variant -> canonicals, in formal prose
    sources: dict[str, Source] = field(default_factory=dict)


def terms_dir(dictionaries_dir: Path) -> Path:
    return dictionaries_dir / TERMS_DIR


def load_lexicon(dictionaries_dir: Path, org_dirs: Sequence[Path] = (), *, collocates: bool = True) -> TermLexicon:
    """Everything under ``dictionaries_dir/terms`` plus the org lists of ``terms/org`` and ``org_dirs``.
    ``collocates=False`` leaves out the generated collocates.jsonl (its build script reads the rest)."""
    base = terms_dir(dictionaries_dir)
    if not base.is_dir():
        raise DictionaryError(f"{base}: term dictionary folder not found")
    shared, _ = load_model(base / SOURCES_FILE, SourceFile)
    lexicon = TermLexicon(sources=dict(shared.sources))
    seen_ids: dict[str, str] = {}
    term_files = [p for p in sorted(base.glob("*.yaml")) if p.name not in SPECIAL_FILES]
    org_files = [p for d in (base / ORG_DIR, *org_dirs) if d.is_dir() for p in sorted(d.glob("*.yaml"))]
    for path in term_files:
        _add_term_file(lexicon, path, path.name, shared.sources, seen_ids, org=False)
    for path in org_files:
        _add_term_file(lexicon, path, f"{ORG_DIR}/{path.name}", shared.sources, seen_ids, org=True)
    allow, root = load_model(base / ALLOW_FILE, AllowFile)
    for i, name in enumerate(allow.names):
        _resolve(name.source, allow.sources, shared.sources, base / ALLOW_FILE, root, ("names", i, "source"))
    lexicon.allow = tuple(n.text for n in allow.names)
    dated, root = load_model(base / DATED_FILE, DatedFile)
    _check_dated(dated, shared.sources, base / DATED_FILE, root)
    lexicon.dated = dated
    sovereignty, root = load_model(base / SOVEREIGNTY_FILE, SovereigntyFile)
    _resolve(sovereignty.source, sovereignty.sources, shared.sources, base / SOVEREIGNTY_FILE, root, ("source",))
    lexicon.sovereignty = sovereignty
    lexicon.confusables, _ = load_model(base / CONFUSABLES_FILE, ConfusablesFile)
    collocations, root = load_model(base / COLLOCATIONS_FILE, CollocationsFile)
    refs = [(f.source, ("families", i, "source")) for i, f in enumerate(collocations.families)]
    refs += [(q.source, ("sequences", i, "source")) for i, q in enumerate(collocations.sequences)]
    refs += [(c.source, ("confusable_sets", i, "source")) for i, c in enumerate(collocations.confusable_sets)]
    for ref, loc in refs:
        _resolve(ref, collocations.sources, shared.sources, base / COLLOCATIONS_FILE, root, loc)
    lexicon.collocations = collocations
    calendar, root = load_model(base / CALENDAR_FILE, CalendarFile)
    _check_calendar(calendar, shared.sources, base / CALENDAR_FILE, root)
    lexicon.calendar = calendar
    lexicon.attested = load_attested(base / ATTESTED_FILE)
    if collocates and (base / COLLOCATES_FILE).is_file():
        lexicon.collocates = load_collocates(base / COLLOCATES_FILE)
    for scope in (allow.sources, dated.sources, sovereignty.sources, collocations.sources, calendar.sources):
        lexicon.sources.update(scope)
    return lexicon


def load_collocates(path: Path) -> CollocatesFile:
    """collocates.jsonl: a header object (version, characters, about), then one formulation per line; a bad line
    raises DictionaryError naming it."""
    formulations = []
    header: dict = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
                if lineno == 1:
                    header = {k: row[k] for k in ("version", "characters")}
                else:
                    formulations.append(FormulationCollocates.model_validate(row))
            except (ValueError, KeyError, TypeError) as exc:
                raise DictionaryError(f"{path}:{lineno}: {exc}") from exc
    try:
        return CollocatesFile.model_validate({**header, "formulations": formulations})
    except ValueError as exc:
        raise DictionaryError(f"{path}:1: {exc}") from exc


def load_attested(path: Path) -> dict[str, tuple[str, ...]]:
    """``variant<TAB>canonical<TAB>count`` lines after a ``#`` header; a missing file means nothing is attested."""
    out: dict[str, tuple[str, ...]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        row = line.split("\t")
        if len(row) >= 2 and not row[0].startswith("#"):
            out[row[0]] = (*out.get(row[0], ()), row[1])
    return out


def _check_calendar(calendar: CalendarFile, shared: dict[str, Source], path: Path, root: YamlLines) -> None:
    refs: list[tuple[str, tuple]] = []
    for name in ("plenums", "npc_sessions", "cppcc_sessions"):
        refs += [(row.source, (name, i, "source")) for i, row in enumerate(getattr(calendar, name))]
    for i, post in enumerate(calendar.posts):
        refs += [(h.source, ("posts", i, "holders", j, "source")) for j, h in enumerate(post.holders)]
    for ref, loc in refs:
        source = _resolve(ref, calendar.sources, shared, path, root, loc)
        if not source.verified:
            raise DictionaryError(f"{where(path, root, loc)}: calendar rows need a verified source, {ref!r} is not")


def _resolve(
    ref: str, local: dict[str, Source], shared: dict[str, Source], path: Path, root: YamlLines, loc: tuple
) -> Source:
    source = local.get(ref) or shared.get(ref)
    if source is None:
        raise DictionaryError(f"{where(path, root, loc)}: unknown source {ref!r}")
    return source


def _add_term_file(
    lexicon: TermLexicon, path: Path, label: str, shared: dict[str, Source], seen: dict[str, str], *, org: bool
) -> None:
    data, root = load_model(path, TermFile)
    clash = set(data.sources) & set(shared)
    if clash:
        raise DictionaryError(
            f"{where(path, root, ('sources',))}: source ids already in {SOURCES_FILE}: {sorted(clash)}"
        )
    if org and not data.list_name:
        raise DictionaryError(f"{path}: an organisation list needs list_name")
    lexicon.historical_markers = tuple(dict.fromkeys((*lexicon.historical_markers, *data.historical_markers)))
    lexicon.historical_prefixes = tuple(dict.fromkeys((*lexicon.historical_prefixes, *data.historical_prefixes)))
    lexicon.not_slips = "".join(dict.fromkeys(lexicon.not_slips + data.not_slips))
    lexicon.sources.update(data.sources)
    for section, entries in (("protected", data.protected), ("wording", data.wording), ("outdated", data.outdated)):
        for i, entry in enumerate(entries):
            loc = (section, i)
            if entry.id in seen:
                raise DictionaryError(
                    f"{where(path, root, (*loc, 'id'))}: duplicate id {entry.id!r} (also in {seen[entry.id]})"
                )
            seen[entry.id] = label
            source = _resolve(entry.source, data.sources, shared, path, root, (*loc, "source"))
            if entry.enabled and not source.verified:
                raise DictionaryError(
                    f"{where(path, root, (*loc, 'enabled'))}: entry {entry.id!r} cites the unverified source "
                    f"{entry.source!r}: ship it with enabled: false"
                )
            _check_entry(entry, path, root, loc)
            if not entry.enabled:
                lexicon.disabled += 1
                continue
            category = getattr(entry, "category", None) or data.category
            severity = Severity(entry.severity or data.severity)
            rule = Rule(entry, category, severity, source, label, data.list_name)
            getattr(lexicon, section).append(rule)


def _check_entry(entry: object, path: Path, root: YamlLines, loc: tuple) -> None:
    if isinstance(entry, ProtectedEntry) and entry.text in entry.variants_ok:
        raise DictionaryError(f"{where(path, root, (*loc, 'variants_ok'))}: a variant equals the text")
    if isinstance(entry, WordingEntry) and entry.suggestion == entry.text:
        raise DictionaryError(f"{where(path, root, (*loc, 'suggestion'))}: suggestion equals the text")
    if isinstance(entry, OutdatedEntry) and entry.current == entry.text:
        raise DictionaryError(f"{where(path, root, (*loc, 'current'))}: current name equals the old one")


def _check_dated(dated: DatedFile, shared: dict[str, Source], path: Path, root: YamlLines) -> None:
    refs: Iterable[tuple[str, tuple]] = [
        *((a.source, ("anniversaries", i, "source")) for i, a in enumerate(dated.anniversaries)),
        *((c.source, ("congresses", i, "source")) for i, c in enumerate(dated.congresses)),
        *((p.source, ("plans", i, "source")) for i, p in enumerate(dated.plans)),
    ]
    for ref, loc in refs:
        source = _resolve(ref, dated.sources, shared, path, root, loc)
        if not source.verified:
            raise DictionaryError(f"{where(path, root, loc)}: dated rules need a verified source, {ref!r} is not")
