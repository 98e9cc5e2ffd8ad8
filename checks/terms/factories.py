"""Factories of the term checks (political, banned, outdated), by check name.

Each factory loads the term dictionaries once, when the engine is built, and injects the automata
into its check. Organisation lists are read from ``dictionaries/terms/org/`` and from the directories
in ``EngineConfig.term_list_dirs`` when the engine config has that field (see SOURCES.md).
"""

from __future__ import annotations

from pathlib import Path

from checks.check import Check
from checks.finding import Severity
from checks.resources import CheckFactory, EngineConfig, Resources
from checks.segmenter import Segmenter
from checks.terms.align import FormulationAligner
from checks.terms.checks import BannedCheck, FormulationRules, OutdatedCheck, PoliticalCheck
from checks.terms.collocates import AttestedCollocates
from checks.terms.collocation import CollocationRules
from checks.terms.confusables import Confusables, load_confusables
from checks.terms.context import IsWord
from checks.terms.dated import DatedRules
from checks.terms.exact import ExactMatcher
from checks.terms.fuzzy import FuzzyMatcher
from checks.terms.lexicon import TermLexicon, load_lexicon, terms_dir
from checks.terms.officeholders import OfficeholderRules
from checks.terms.sessions import SessionRules
from checks.terms.shield import Shield
from checks.terms.sovereignty import SovereigntyRule


def org_list_dirs(config: EngineConfig) -> tuple[Path, ...]:
    """Extra directories of organisation lists (``term_list_dirs``), if this engine config has them."""
    return tuple(Path(p) for p in getattr(config, "term_list_dirs", ()) or ())


_LEXICONS: dict[tuple, TermLexicon] = {}


def _fingerprint(dictionaries_dir: Path, org_dirs: tuple[Path, ...]) -> tuple:
    """The term files and their change times: a changed or added file (an organisation list) reloads."""
    files = [p for d in (terms_dir(dictionaries_dir), *org_dirs) if d.is_dir() for p in sorted(d.rglob("*"))]
    return (dictionaries_dir, org_dirs, tuple((str(p), p.stat().st_mtime_ns) for p in files if p.is_file()))


def load_for(resources: Resources) -> TermLexicon:
    """The lexicon, read once per process for the three term checks (and again only when a file changed)."""
    org_dirs = org_list_dirs(resources.config)
    key = _fingerprint(resources.config.dictionaries_dir, org_dirs)
    if key not in _LEXICONS:
        _LEXICONS.clear()
        _LEXICONS[key] = load_lexicon(resources.config.dictionaries_dir, org_dirs)
    return _LEXICONS[key]


WORD_MIN_FREQ = 20  # two characters with at least this jieba frequency are a word (信封, 补偿)


def word_test(segmenter: Segmenter) -> IsWord:
    return lambda pair: segmenter.dictionary_tag(pair, WORD_MIN_FREQ) is not None


def shield_of(lexicon: TermLexicon) -> Shield:
    return Shield((r.entry.text for r in lexicon.protected), lexicon.allow)


def known_texts(lexicon: TermLexicon) -> set[str]:
    texts = {r.entry.text for r in (*lexicon.protected, *lexicon.wording, *lexicon.outdated)}
    for rule in lexicon.protected:
        texts.update(rule.entry.variants_ok)
    return texts | set(lexicon.allow)


def foreign_names(lexicon: TermLexicon) -> set[str]:
    own = {"中国", "中华人民共和国"}
    return {r.entry.text for r in lexicon.protected if r.entry.kind == "country" and r.entry.text not in own}


def build_political(lexicon: TermLexicon, is_word: IsWord) -> PoliticalCheck:
    chars = {c for r in lexicon.protected for c in r.entry.text}
    if lexicon.calendar is not None:
        chars |= {c for post in lexicon.calendar.posts for h in post.holders for c in h.name}
    confusables = load_confusables(chars, lexicon.confusables)
    known = known_texts(lexicon)
    fuzzy = FuzzyMatcher(lexicon.protected, confusables, known, lexicon.not_slips)
    foreign = foreign_names(lexicon)
    political: list = [r for r in lexicon.wording if r.category == "term.political"]
    political += [r for r in lexicon.outdated if r.category == "term.political"]  # superseded formulations
    exact = ExactMatcher(political, lexicon.historical_markers, lexicon.historical_prefixes, foreign)
    sovereignty = None
    severity = Severity.BLOCK
    if lexicon.sovereignty is not None:
        data = lexicon.sovereignty
        countries = [r.entry.text for r in lexicon.protected if r.entry.kind == "country"]
        sovereignty = SovereigntyRule(data, countries, lexicon.sources[data.source])
        severity = Severity(data.severity)
    rules = formulation_rules(lexicon, known, confusables)
    return PoliticalCheck(fuzzy, exact, sovereignty, shield_of(lexicon), is_word, severity, rules)


def formulation_rules(
    lexicon: TermLexicon, known: set[str], confusables: Confusables | None = None
) -> FormulationRules:
    aligner = FormulationAligner(lexicon.protected, lexicon.attested, known, lexicon.not_slips)
    collocations = CollocationRules(lexicon.collocations, lexicon.sources) if lexicon.collocations else None
    sessions = leaders = None
    if lexicon.calendar is not None and lexicon.dated is not None:
        sessions = SessionRules(lexicon.calendar, list(lexicon.dated.congresses), lexicon.sources)
        leaders = OfficeholderRules(lexicon.calendar, lexicon.sources, confusables)
    severity = Severity(lexicon.collocations.severity) if lexicon.collocations else Severity.BLOCK
    collocates = None
    if lexicon.collocates is not None and lexicon.collocations is not None:
        entry_sources = {r.entry.id: r.source for r in lexicon.protected if r.entry.kind == "formulation"}
        collocates = AttestedCollocates(lexicon.collocates, lexicon.collocations, lexicon.sources, entry_sources)
    return FormulationRules(aligner, collocations, sessions, leaders, severity, collocates)


def build_banned(lexicon: TermLexicon, is_word: IsWord) -> BannedCheck:
    rules = [r for r in lexicon.wording if r.category == "term.banned"]
    return BannedCheck(ExactMatcher(rules, foreign_names=foreign_names(lexicon)), shield_of(lexicon), is_word)


def build_outdated(lexicon: TermLexicon, is_word: IsWord) -> OutdatedCheck:
    foreign = foreign_names(lexicon)
    outdated = [r for r in lexicon.outdated if r.category == "term.outdated"]
    exact = ExactMatcher(outdated, lexicon.historical_markers, lexicon.historical_prefixes, foreign)
    dated = None
    if lexicon.dated is not None:
        sessions = source = until = None
        if lexicon.calendar is not None:
            cal = lexicon.calendar
            sessions = {"人大": list(cal.npc_sessions), "政协": list(cal.cppcc_sessions)}
            source, until = lexicon.sources.get("npc_sessions"), cal.known_until
        dated = DatedRules(lexicon.dated, lexicon.sources, foreign, sessions, source, until)
    severity = Severity(lexicon.dated.severity) if lexicon.dated is not None else Severity.WARN
    return OutdatedCheck(exact, dated, shield_of(lexicon), is_word, severity)


def term_political(resources: Resources) -> Check:
    return build_political(load_for(resources), word_test(resources.segmenter))


def term_banned(resources: Resources) -> Check:
    return build_banned(load_for(resources), word_test(resources.segmenter))


def term_outdated(resources: Resources) -> Check:
    return build_outdated(load_for(resources), word_test(resources.segmenter))


FACTORIES: dict[str, CheckFactory] = {
    PoliticalCheck.name: term_political,
    BannedCheck.name: term_banned,
    OutdatedCheck.name: term_outdated,
}
