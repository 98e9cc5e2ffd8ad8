"""The term dictionaries are data: every file validates, every entry cites a source, bad entries fail loudly."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
import yaml

from checks.engine import DEFAULT_DICTIONARIES
from checks.terms.lexicon import SOURCES_FILE, SPECIAL_FILES, load_lexicon, terms_dir
from checks.terms.schema import SourceFile, TermFile
from checks.terms.yamlfile import DictionaryError, load_model

TERMS = terms_dir(DEFAULT_DICTIONARIES)
TERM_FILES = sorted(p for p in TERMS.glob("*.yaml") if p.name not in SPECIAL_FILES)
ORG_FILES = sorted((TERMS / "org").glob("*.yaml"))


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(DEFAULT_DICTIONARIES)


def test_every_shipped_dictionary_loads(lexicon) -> None:
    assert lexicon.protected and lexicon.wording and lexicon.outdated
    assert lexicon.dated is not None and lexicon.sovereignty is not None and lexicon.allow


def test_at_least_300_enabled_entries_and_some_disabled(lexicon) -> None:
    enabled = len(lexicon.protected) + len(lexicon.wording) + len(lexicon.outdated)
    assert enabled >= 300
    assert lexicon.disabled > 0


@pytest.mark.parametrize("path", [*TERM_FILES, *ORG_FILES], ids=lambda p: p.name)
def test_every_file_has_a_header_saying_format_source_and_date(path: Path) -> None:
    header = path.read_text(encoding="utf-8").split("\nversion:")[0]
    for word in ("format:", "source", "date:"):
        assert word in header, f"{path.name}: header lacks {word!r}"


@pytest.mark.parametrize("path", TERM_FILES, ids=lambda p: p.name)
def test_entries_cite_sources_and_unverified_ones_are_disabled(path: Path) -> None:
    shared, _ = load_model(TERMS / SOURCES_FILE, SourceFile)
    data, _ = load_model(path, TermFile)
    sources = {**shared.sources, **data.sources}
    for entry in data.entries():
        source = sources[entry.source]
        assert source.title and source.issuer and source.date
        if not source.verified:
            assert not entry.enabled, f"{entry.id} cites an unverified source but is enabled"


def test_verified_sources_name_their_evidence() -> None:
    shared, _ = load_model(TERMS / SOURCES_FILE, SourceFile)
    for key, source in shared.sources.items():
        if source.verified:
            assert source.url or source.verified_via, key


def test_outdated_entries_have_a_change_date_and_a_reason(lexicon) -> None:
    for rule in lexicon.outdated:
        assert rule.entry.since.year >= 1949
        assert rule.entry.reason


def test_dated_rules_are_ordered_and_consistent(lexicon) -> None:
    plans = lexicon.dated.plans
    assert all(b.start == a.end + 1 for a, b in itertools.pairwise(plans))
    assert lexicon.dated.congresses[-1].number == 20


# --- a bad entry fails loudly, naming the file and the line ---------------------------------------


@pytest.fixture
def dict_copy(tmp_path: Path) -> Path:
    target = tmp_path / "dictionaries"
    shutil.copytree(DEFAULT_DICTIONARIES / "terms", target / "terms")
    return target


def _append(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, text]) + "\n", encoding="utf-8")
    return len(lines) + 1


BAD_ENTRIES = [
    ("  - {id: Bad-Id, text: 村长制, suggestion: 村委会, source: xinhua_2016, reason: 示例}", "id"),
    ("  - {id: no_source, text: 村长制, suggestion: 村委会, source: nowhere, reason: 示例}", "unknown source"),
    ("  - {id: unverified_on, text: 村长制, suggestion: 村委会, source: unverified, reason: 示例}", "enabled: false"),
    ("  - {id: crippled, text: 村长制, suggestion: 村委会, source: xinhua_2016, reason: 示例}", "duplicate id"),
    (
        "  - {id: bad_date, text: 村长制, suggestion: 村委会, source: xinhua_2016, reason: 示例, "
        "applies_from: 2024-13-01}",
        "applies_from",
    ),
    ("  - {id: same_text, text: 村长制, suggestion: 村长制, source: xinhua_2016, reason: 示例}", "suggestion equals"),
    ("  - {id: no_reason, text: 村长制, suggestion: 村委会, source: xinhua_2016}", "reason"),
]


@pytest.mark.parametrize(("line", "message"), BAD_ENTRIES, ids=[m for _, m in BAD_ENTRIES])
def test_a_bad_wording_entry_names_file_and_line(dict_copy: Path, line: str, message: str) -> None:
    path = dict_copy / "terms" / "wording.yaml"
    lineno = _append(path, line)
    with pytest.raises(DictionaryError) as err:
        load_lexicon(dict_copy)
    assert f"wording.yaml:{lineno}" in str(err.value)
    assert message in str(err.value)


def test_a_bad_outdated_date_names_file_and_line(dict_copy: Path) -> None:
    path = dict_copy / "terms" / "outdated.yaml"
    lineno = _append(
        path, "  - {id: x_bad, text: 某某局, current: 某某厅, since: 2018-02-30, source: reform_2018, reason: 示例}"
    )
    with pytest.raises(DictionaryError, match=rf"outdated.yaml:{lineno}: .*since"):
        load_lexicon(dict_copy)


def test_invalid_yaml_names_the_file(dict_copy: Path) -> None:
    (dict_copy / "terms" / "wording.yaml").write_text("version: 1\nwording: [\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"wording\.yaml: invalid YAML"):
        load_lexicon(dict_copy)


def test_an_org_list_needs_a_name(dict_copy: Path) -> None:
    path = dict_copy / "terms" / "org" / "no_name.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "category": "term.banned", "severity": "warn"}), encoding="utf-8")
    with pytest.raises(DictionaryError, match="list_name"):
        load_lexicon(dict_copy)


def test_disabled_entries_are_not_loaded(lexicon) -> None:
    ids = {r.entry.id for r in (*lexicon.protected, *lexicon.wording, *lexicon.outdated)}
    assert "hk_sovereignty_transfer" not in ids
    assert "org_example_lufeng_county" not in ids
