"""metadata.missing / metadata.invalid: the metadata a 规范性文件 must carry."""

from __future__ import annotations

import dataclasses

import pytest

from checks.document import DraftInput, build_document
from checks.engine import CheckEngine
from checks.finding import Finding, Severity
from checks.formatting.metadata_required import REQUIRED_FOR_NORMATIVE, MetadataRequiredCheck, iso_date
from checks.metadata import METADATA_LABELS, Channel, DocType, Metadata

COMPLETE = Metadata(
    doc_number="陆府规〔2024〕3号",
    issuer="陆丰市人民政府",
    index_number="007123456/2024-00123",
    subject="城乡建设、环境保护",
    written_date="2024-03-05",
    published_date="2024-03-08",
    validity="有效",
    disclosure="主动公开",
)
TITLE = "陆丰市城市道路管理办法"


@pytest.fixture(scope="module")
def engine(engine_of) -> CheckEngine:
    return engine_of("metadata.missing")


def run_check(engine: CheckEngine, draft: DraftInput) -> list[Finding]:
    doc = build_document("body", draft.body, draft, engine.segmenter)
    return MetadataRequiredCheck().run(doc)


def normative(metadata: Metadata = COMPLETE, title: str | None = TITLE) -> DraftInput:
    return DraftInput(
        body="第一条 为了加强城市道路管理，制定本办法。", title=title, doc_type=DocType.NORMATIVE, metadata=metadata
    )


def test_complete_normative_document_passes(engine: CheckEngine) -> None:
    assert run_check(engine, normative()) == []
    assert engine.check(normative()).verdict == "pass"


@pytest.mark.parametrize("name", REQUIRED_FOR_NORMATIVE)
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_each_missing_field_is_one_finding(engine: CheckEngine, name: str, empty: str | None) -> None:
    metadata = COMPLETE if name == "title" else dataclasses.replace(COMPLETE, **{name: empty})
    draft = normative(metadata, title=empty if name == "title" else TITLE)
    found = run_check(engine, draft)
    assert [(f.category, f.rule, f.field, f.start, f.end, f.suggestion) for f in found] == [
        ("metadata.missing", f"metadata.missing.{name}", "metadata", 0, 0, None)
    ]
    assert METADATA_LABELS[name] in found[0].message
    assert found[0].severity is Severity.WARN
    assert "规范性文件" in found[0].explanation


def test_all_fields_missing_gives_eight_findings(engine: CheckEngine) -> None:
    found = run_check(engine, normative(Metadata(), title=None))
    assert [f.rule for f in found] == [f"metadata.missing.{name}" for name in REQUIRED_FOR_NORMATIVE]
    labels = {"名称", "文号", "发布机构", "索引号", "主题分类", "成文日期", "发布日期", "有效性"}
    assert {METADATA_LABELS[name] for name in REQUIRED_FOR_NORMATIVE} == labels


@pytest.mark.parametrize("doc_type", [t for t in DocType if t is not DocType.NORMATIVE])
def test_other_document_types_need_nothing(engine: CheckEngine, doc_type: DocType) -> None:
    draft = DraftInput(body="正文。", doc_type=doc_type, metadata=Metadata(written_date="2024/3/5"))
    assert run_check(engine, draft) == []


INVALID_DATES = [
    ("written_date", "2024/3/5", "2024-03-05"),
    ("written_date", "2024年3月5日", "2024-03-05"),
    ("published_date", "2024-3-5", "2024-03-05"),
    ("published_date", "2024.03.05", "2024-03-05"),
    ("published_date", "２０２４－０３－０５", "2024-03-05"),
    ("written_date", "2024-02-30", None),
    ("written_date", "昨天", None),
    ("published_date", "20240305", None),
]


@pytest.mark.parametrize(("name", "value", "suggestion"), INVALID_DATES)
def test_invalid_dates(engine: CheckEngine, name: str, value: str, suggestion: str | None) -> None:
    found = run_check(engine, normative(dataclasses.replace(COMPLETE, **{name: value})))
    assert [(f.category, f.rule, f.field, f.start, f.end, f.suggestion) for f in found] == [
        ("metadata.invalid", f"metadata.invalid.{name}", "metadata", 0, 0, suggestion)
    ]
    assert value in found[0].message and "YYYY-MM-DD" in found[0].explanation


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024/3/5", "2024-03-05"), (" 2024 年 3 月 5 日 ", "2024-03-05"), ("2024-13-01", None), ("3/5/2024", None)],
)
def test_iso_date(value: str, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_engine_runs_the_check_once_per_draft(engine: CheckEngine) -> None:
    draft = dataclasses.replace(normative(dataclasses.replace(COMPLETE, validity=None)), summary="摘要")
    result = engine.check(draft)
    assert [(f.field, f.rule) for f in result.findings] == [("metadata", "metadata.missing.validity")]
    assert result.verdict == "warn"


@pytest.mark.parametrize(
    ("channel", "severity"),
    [(Channel.WEBSITE, Severity.WARN), (Channel.NEW_MEDIA, Severity.INFO), (Channel.INTERNAL, Severity.INFO)],
)
def test_severity_policy_applies(engine: CheckEngine, channel: Channel, severity: Severity) -> None:
    draft = dataclasses.replace(normative(dataclasses.replace(COMPLETE, issuer=None)), channel=channel)
    assert [f.severity for f in engine.check(draft).findings] == [severity]


def test_engine_keeps_every_missing_field(engine: CheckEngine) -> None:
    """All findings share span 0..0 in field "metadata"; the pipeline must keep them apart by rule."""
    result = engine.check(normative(Metadata(), title=None))
    assert sorted(f.rule for f in result.findings) == sorted(f"metadata.missing.{n}" for n in REQUIRED_FOR_NORMATIVE)
