"""secret.marking and secret.disclosure: marks must be caught, prose about secrecy must not be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checks.check import Check
from checks.document import DraftInput, build_document
from checks.engine import DEFAULT_DICTIONARIES, CheckEngine, EngineConfig, build_engine
from checks.finding import Finding, Severity
from checks.metadata import Channel, Metadata
from checks.normalize import fold_char
from checks.secret.disclosure import DisclosureCheck
from checks.secret.factories import FACTORIES
from checks.secret.markers import FILE_NAME, load_markers
from checks.secret.marking import SecretMarkingCheck


@pytest.fixture(scope="module")
def engine(engine_of) -> CheckEngine:
    return engine_of(*FACTORIES)


@pytest.fixture(scope="module")
def marking() -> SecretMarkingCheck:
    return SecretMarkingCheck(load_markers(DEFAULT_DICTIONARIES / FILE_NAME))


def run_check(engine: CheckEngine, check: Check, text: str, **draft: Any) -> list[Finding]:
    doc = build_document("body", text, DraftInput(body=text, **draft), engine.segmenter)
    return check.run(doc)


def spans(findings: list[Finding], source: str) -> list[tuple[str, str]]:
    return [(source[f.start : f.end], f.rule) for f in findings]


# --- secret.marking: positives -------------------------------------------------------------

MARKS = [
    ("机密★1年\n关于加强安全生产工作的通知", "机密★1年", "secret.marking.level_star"),
    ("绝密★长期\n正文", "绝密★长期", "secret.marking.level_star"),
    ("秘密★\n正文", "秘密★", "secret.marking.level_star"),
    ("秘密▲10年\n正文", "秘密▲10年", "secret.marking.level_star"),
    ("000123\n机密★5年\n特急", "机密★5年", "secret.marking.level_star"),
    ("机密 10年\n关于某事的报告", "机密 10年", "secret.marking.level_period"),
    ("秘密长期\n正文", "秘密长期", "secret.marking.level_period"),
    ("密级：秘密\n保密期限：一年", "密级：秘密", "secret.marking.level_field"),
    ("密级: 机密★5年\n正文", "密级: 机密★5年", "secret.marking.level_field"),
    ("【秘密】关于某事的通知", "【秘密】", "secret.marking.level_bracket"),
    ("秘密\n关于某事的通知", "秘密", "secret.marking.level_line"),
    ("  机密 特急\n关于某事的通知", "机密", "secret.marking.level_line"),
    ("内部资料 注意保存", "内部资料", "secret.marking.internal_material"),
    ("本资料仅供内部参考。", "仅供内部参考", "secret.marking.internal_reference_only"),
    ("仅限内部使用", "仅限内部使用", "secret.marking.internal_only_use"),
    ("内部明电\n各区县：", "内部明电", "secret.marking.internal_telegram"),
    ("此件严禁外传。", "严禁外传", "secret.marking.no_outside_2"),
    ("本文件涉及国家秘密，请妥善保管。", "本文件涉及国家秘密", "secret.marking.state_secret"),
    ("此件属工作秘密，阅后收回。", "此件属工作秘密", "secret.marking.work_secret"),
    ("【涉密】会议纪要", "【涉密】", "secret.marking.classified"),
    ("内部文件\n关于某事的通知", "内部文件", "secret.marking.internal_document"),
    ("（内部使用）培训教材", "（内部使用）", "secret.marking.internal_use"),
    ("内部 注意保存\n正文", "内部", "secret.marking.internal_label"),
    # full-width digits and letters are folded for detection; the span is the caller's text
    ("机密★１年\n正文", "机密★１年", "secret.marking.level_star"),
    ("秘密＊３年\n正文", "秘密＊３年", "secret.marking.level_star"),
]


@pytest.mark.parametrize(("text", "span", "rule"), MARKS)
def test_marking_positive(engine: CheckEngine, marking: SecretMarkingCheck, text: str, span: str, rule: str) -> None:
    found = run_check(engine, marking, text)
    assert (span, rule) in spans(found, text)
    finding = next(f for f in found if f.rule == rule)
    assert finding.category == "secret.marking"
    assert finding.severity is Severity.BLOCK
    assert finding.suggestion is None
    assert finding.field == "body"
    assert "".join(fold_char(ch) for ch in span).strip() in finding.message
    assert "依据" in finding.explanation


def test_marking_reports_each_phrase_once(engine: CheckEngine, marking: SecretMarkingCheck) -> None:
    text = "请注意保密，不得外传。"
    assert spans(run_check(engine, marking, text), text) == [
        ("注意保密", "secret.marking.keep_secret"),
        ("不得外传", "secret.marking.no_outside_1"),
    ]


def test_overlapping_marks_give_one_finding(engine: CheckEngine, marking: SecretMarkingCheck) -> None:
    text = "密级：秘密★10年\n正文"
    assert spans(run_check(engine, marking, text), text) == [("密级：秘密★10年", "secret.marking.level_field")]


# --- secret.marking: hard negatives --------------------------------------------------------

NOT_MARKS = [
    "揭开宇宙的秘密",
    "秘密，是人类永恒的话题。",
    "这个秘密10年来无人知晓。",
    "加强商业秘密保护，依法惩治侵犯商业秘密行为。",
    "公民有依法保守国家秘密的义务。",
    "学习贯彻《中华人民共和国保守国家秘密法》。",
    "第十四条 国家秘密的密级分为绝密、机密、秘密三级。",
    "涉密公文应当根据涉密程度分别标注“绝密”“机密”“秘密”和保密期限。",
    "绝密级国家秘密载体应当在符合国家保密标准的设施中保存。",
    "保障数据的机密性、完整性和保密性。",
    "秘书长主持会议。",
    "机密\u3000档案揭秘：一段尘封的历史",
    "加强内部控制和内部审计。",
    "规范内部管理，公开内部事务信息以外的政府信息。",
    "本文所称国家秘密，是指关系国家安全和利益的事项。",
    "本文件不涉及国家秘密。",
    "据美国媒体援引国务院内部文件报道。",
    "支路是供区域内部使用的城市道路。",
    "依照《内部资料性出版物管理办法》办理准印证。",
    "非内部资料，可以公开。",
    "开展涉密人员保密教育培训，严防泄露工作秘密。",
    "非涉密计算机不得处理涉密信息。",
    "签订保密协议，落实保密责任。",
    "《建国以来毛泽东文稿》原为内部发行。",
]


@pytest.mark.parametrize("text", NOT_MARKS)
def test_marking_negative(engine: CheckEngine, marking: SecretMarkingCheck, text: str) -> None:
    assert spans(run_check(engine, marking, text), text) == []


def test_marking_run_over_engine_in_title_and_summary(engine: CheckEngine) -> None:
    result = engine.check(DraftInput(body="正文没有问题。", title="内部资料：年度工作要点", summary="此件严禁外传"))
    got = {(f.field, f.rule) for f in result.findings}
    assert got == {("title", "secret.marking.internal_material"), ("summary", "secret.marking.no_outside_2")}
    assert result.verdict == "block"


HTML_MARKS = [
    ("<p>机密&#9733;1年</p><p>关于某事的通知</p>", "机密&#9733;1年"),
    ("<p>机密&#x2605;１年</p>", "机密&#x2605;１年"),
    ("<div><span>内部</span>资料</div>", "内部</span>资料"),
    ("<p style='x'>密级：<b>秘密</b></p>", "密级：<b>秘密"),
    ("<table><tr><td>密级</td><td>机密</td></tr></table>", "密级</td><td>机密"),
    ("<p>秘密</p><p>关于某事的通知</p>", "秘密"),
]


@pytest.mark.parametrize(("source", "span"), HTML_MARKS)
def test_marking_html_offsets_point_into_source(engine: CheckEngine, source: str, span: str) -> None:
    result = engine.check(DraftInput(body=source, is_html=True))
    marks = [f for f in result.findings if f.category == "secret.marking"]
    assert [source[f.start : f.end] for f in marks] == [span]


def test_marking_ignores_markup_and_scripts_but_not_comments(engine: CheckEngine) -> None:
    # a class name and script code reach no reader; a comment is in the published page source
    source = '<p class="秘密">正文</p><script>var a = "内部资料";</script><!-- 绝密★ -->'
    result = engine.check(DraftInput(body=source, is_html=True))
    marks = [f for f in result.findings if f.category == "secret.marking"]
    assert [(f.field, source[f.start : f.end].strip()) for f in marks] == [("comment", "绝密★")]


@pytest.mark.parametrize(
    ("channel", "severity"),
    [(Channel.WEBSITE, Severity.BLOCK), (Channel.NEW_MEDIA, Severity.BLOCK), (Channel.INTERNAL, Severity.INFO)],
)
def test_marking_severity_by_channel(engine: CheckEngine, channel: Channel, severity: Severity) -> None:
    result = engine.check(DraftInput(body="内部资料\n正文", channel=channel))
    assert [(f.category, f.severity) for f in result.findings] == [("secret.marking", severity)]


# --- the marker dictionary -----------------------------------------------------------------


def test_shipped_dictionary_loads_and_has_a_header() -> None:
    path = DEFAULT_DICTIONARIES / FILE_NAME
    markers = load_markers(path)
    assert set(markers.levels) == {"绝密", "机密", "秘密"}
    assert {"内部资料", "注意保密", "不得外传", "国家秘密"} <= {m.text for m in markers.markers}
    head = path.read_text(encoding="utf-8")[:3000]
    assert "# format:" in head and "# source:" in head and "# date:" in head


VALID = """\
version: 1
levels: [绝密, 机密, 秘密]
markers:
  - {id: internal_material, text: 内部资料, kind: phrase, note: n}
self_references: [本文件]
"""

DUPLICATE_ID = VALID.replace(
    "self_references", "  - {id: internal_material, text: 内部文件, kind: phrase, note: n}\nself_references"
)

BROKEN = [
    ("levels: [绝密, 机密, 秘密]\n", "version"),
    (VALID.replace("kind: phrase", "kind: word"), ":4:"),
    (VALID.replace("text: 内部资料", "text: internal"), ":4:"),
    (VALID.replace("id: internal_material", "id: Bad Id"), ":4:"),
    (VALID.replace("[绝密, 机密, 秘密]", "[绝密, 公开]"), ":2:"),
    (DUPLICATE_ID, "duplicate"),
    (VALID + "negative_contexts: ['']\n", "negative_contexts"),
    (VALID + "surprise: 1\n", "surprise"),
    ("- just\n- a list\n", "mapping"),
    ("version: [1\n", "invalid YAML"),
]


@pytest.mark.parametrize(("content", "expected"), BROKEN)
def test_bad_dictionary_raises_naming_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / FILE_NAME
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=str(path)) as info:
        load_markers(path)
    assert expected in str(info.value)


def test_valid_minimal_dictionary_loads(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text(VALID, encoding="utf-8")
    assert [m.text for m in load_markers(path).markers] == ["内部资料"]


def test_engine_build_fails_on_a_bad_dictionary(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text(VALID.replace("kind: phrase", "kind: nonsense"), encoding="utf-8")
    with pytest.raises(ValueError, match=FILE_NAME):
        build_engine(EngineConfig(dictionaries_dir=tmp_path, enabled=("secret.marking",)))


def test_missing_dictionary_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        load_markers(tmp_path / FILE_NAME)


def test_dictionary_drives_the_check(engine: CheckEngine, tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text(VALID.replace("内部资料", "阅后即焚"), encoding="utf-8")
    check = SecretMarkingCheck(load_markers(path))
    text = "此件阅后即焚。内部资料"
    assert spans(run_check(engine, check, text), text) == [("阅后即焚", "secret.marking.internal_material")]


# --- secret.disclosure ---------------------------------------------------------------------

METADATA_DISCLOSURE = [
    (Channel.WEBSITE, "不予公开", "secret.disclosure.metadata.withheld"),
    (Channel.WEBSITE, "依申请公开", "secret.disclosure.metadata.on_request"),
    (Channel.NEW_MEDIA, " 不予公开 ", "secret.disclosure.metadata.withheld"),
    (Channel.WEBSITE, "主动公开", None),
    (Channel.WEBSITE, None, None),
    (Channel.INTERNAL, "不予公开", None),
    (Channel.INTERNAL, "依申请公开", None),
]


@pytest.mark.parametrize(("channel", "disclosure", "rule"), METADATA_DISCLOSURE)
def test_disclosure_metadata(engine: CheckEngine, channel: Channel, disclosure: str | None, rule: str | None) -> None:
    found = run_check(engine, DisclosureCheck(), "正文。", channel=channel, metadata=Metadata(disclosure=disclosure))
    if rule is None:
        assert found == []
        return
    assert len(found) == 1
    f = found[0]
    assert (f.category, f.rule, f.field, f.start, f.end) == ("secret.disclosure", rule, "metadata", 0, 0)
    assert f.severity is Severity.BLOCK and f.suggestion is None
    assert disclosure.strip() in f.message and "公开" in f.explanation


TEXT_DISCLOSURE = [
    ("索引号：123\n公开方式：不予公开\n正文", "公开方式：不予公开", "secret.disclosure.text.withheld"),
    ("公开属性: 依申请公开", "公开属性: 依申请公开", "secret.disclosure.text.on_request"),
    ("信息公开选项 不公开", "信息公开选项 不公开", "secret.disclosure.text.withheld"),
]


@pytest.mark.parametrize(("text", "span", "rule"), TEXT_DISCLOSURE)
def test_disclosure_in_body(engine: CheckEngine, text: str, span: str, rule: str) -> None:
    found = run_check(engine, DisclosureCheck(), text)
    assert spans(found, text) == [(span, rule)]
    assert found[0].field == "body" and found[0].severity is Severity.BLOCK


NOTE_DISCLOSURE = [
    # the 附注 of a 公文 about itself (GB/T 9704—2012 7.3.4 shows the form “（此件公开发布）”)
    ("陆丰市人民政府\n2024年8月1日\n（此件不予公开）", "（此件不予公开）", "secret.disclosure.note.withheld"),
    ("正文。\n(此件不公开)", "(此件不公开)", "secret.disclosure.note.withheld"),
    ("正文。\n（ 此件依申请公开 ）\n", "（ 此件依申请公开 ）", "secret.disclosure.note.on_request"),
    ("正文。（本文件不宜公开）", "（本文件不宜公开）", "secret.disclosure.note.withheld"),
    ("正文。\n此件不予公开\n", "此件不予公开", "secret.disclosure.note.withheld"),
    ("正文。\n  此文件依申请公开。", "此文件依申请公开。", "secret.disclosure.note.on_request"),
    # a 公开方式 field that names the document is one finding, reported as the field
    ("公开方式：依申请公开（此件依申请公开）", "公开方式：依申请公开", "secret.disclosure.text.on_request"),
]


@pytest.mark.parametrize(("text", "span", "rule"), NOTE_DISCLOSURE)
def test_disclosure_note_in_body(engine: CheckEngine, text: str, span: str, rule: str) -> None:
    found = run_check(engine, DisclosureCheck(), text)
    assert spans(found, text)[:1] == [(span, rule)]
    assert all(f.severity is Severity.BLOCK and f.suggestion is None for f in found)
    if "note" in rule:
        assert len(found) == 1 and "附注" in found[0].explanation


NOT_DISCLOSURE = [
    "依法确定为国家秘密的政府信息，不予公开。",
    "依申请公开的政府信息公开会损害第三方合法权益的，应当书面征求第三方的意见。",
    "公开方式：主动公开",
    "行政机关公开政府信息，采取主动公开和依申请公开的方式。",
    # notes that allow publication
    "（此件公开发布）",
    "（此件主动公开）",
    # a reply about the information an applicant asked for, not about the reply itself
    "经审查，您申请的信息此件不予公开。",
    "经审查，本件不予公开。",
    "（本件不予公开）",
    "申请人对此件不予公开的决定不服的，可以申请行政复议。",
    "此件不予公开的理由如下：",
]


@pytest.mark.parametrize("text", NOT_DISCLOSURE)
def test_disclosure_negative(engine: CheckEngine, text: str) -> None:
    assert run_check(engine, DisclosureCheck(), text) == []


@pytest.mark.parametrize("channel", [Channel.INTERNAL])
def test_disclosure_note_on_internal_channel(engine: CheckEngine, channel: Channel) -> None:
    assert run_check(engine, DisclosureCheck(), "正文。\n（此件不予公开）", channel=channel) == []


def test_disclosure_note_html(engine: CheckEngine) -> None:
    source = "<p>正文。</p><p>&nbsp;&nbsp;（此件不予公开）</p>"
    result = engine.check(DraftInput(body=source, is_html=True))
    assert [(source[f.start : f.end], f.rule) for f in result.findings] == [
        ("（此件不予公开）", "secret.disclosure.note.withheld")
    ]


def test_disclosure_html_table(engine: CheckEngine) -> None:
    source = "<table><tr><td>公开方式</td><td>依申请公开</td></tr></table>"
    result = engine.check(DraftInput(body=source, is_html=True))
    assert [(source[f.start : f.end], f.rule) for f in result.findings] == [
        ("公开方式</td><td>依申请公开", "secret.disclosure.text.on_request")
    ]


def test_disclosure_through_engine_runs_once_per_draft(engine: CheckEngine) -> None:
    result = engine.check(
        DraftInput(
            body="正文",
            title="标题",
            summary="摘要",
            metadata=Metadata(disclosure="不予公开"),
        )
    )
    assert [(f.field, f.rule) for f in result.findings] == [("metadata", "secret.disclosure.metadata.withheld")]
    assert result.verdict == "block"
    assert result.stats["by_category"] == {"secret.disclosure": 1}
