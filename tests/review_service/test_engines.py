"""An organisation's dictionary version is the default engine plus its term lists and allow list: the same
findings as a whole engine built for it, without building (and keeping) the rest again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from checks import DraftInput, EngineConfig, build_engine
from checks.catalog import CHECK_FACTORIES
from checks.terms.factories import FACTORIES as TERM_FACTORIES
from review_service import engines

TEXT = "请各村村长按时参加会议，单位一把手亲自抓。联系电话：13800138000。"


def _org_list(directory: Path) -> Path:
    directory.mkdir(parents=True)
    data = {
        "version": 1,
        "list_name": "测试单位错敏词",
        "category": "term.banned",
        "severity": "block",
        "sources": {
            "test_org": {
                "title": "测试单位错敏词表",
                "issuer": "测试单位办公室",
                "date": "2026-01-05",
                "url": "https://example.org/list",
                "verified": True,
            }
        },
        "wording": [
            {
                "id": "org_one",
                "text": "一把手",
                "suggestion": "主要负责同志",
                "source": "test_org",
                "reason": "不称一把手",
            }
        ],
    }
    (directory / "org.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


def test_a_dictionary_version_shares_the_default_engine_and_finds_what_a_whole_build_finds(tmp_path: Path) -> None:
    lists = _org_list(tmp_path / "lists")
    default = engines.engine_for(engines.default_key("keep_last"))
    builds = engines.engine_builds()
    overlay = engines.engine_for(("v-engines-test", lists, ("村长",), "keep_last"))
    assert engines.engine_builds() == builds + 1

    shared = {c.name for c in overlay.registry.checks if any(c is d for d in default.registry.checks)}
    assert shared == set(CHECK_FACTORIES) - set(TERM_FACTORIES)  # only the term checks are new
    assert overlay.segmenter is default.segmenter
    assert [c.name for c in overlay.registry.checks] == [c.name for c in default.registry.checks]

    whole = build_engine(EngineConfig(term_list_dirs=(lists,), allow_terms=("村长",)))
    draft = DraftInput(body=TEXT, doc_date=dt.date(2026, 2, 1))
    found = overlay.check(draft).findings
    assert found == whole.check(draft).findings
    assert "主要负责同志" in {f.suggestion for f in found}  # the organisation's list applies …
    assert not [f for f in found if TEXT[f.start : f.end] == "村长"]  # … and its allow list silences
    assert [f for f in default.check(draft).findings if TEXT[f.start : f.end] == "村长"]  # (the default flags it)
