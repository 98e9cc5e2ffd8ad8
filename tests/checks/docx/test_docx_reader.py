"""The .docx reader: visible text, hidden-content findings, and refusal of broken or hostile files."""

from __future__ import annotations

import io
import random
import re
import zipfile
from typing import Any

import pytest
from docx import Document

from checks.docx_reader import (
    ENCRYPTED_PACKAGE,
    OLE2_MAGIC,
    QUOTE_LIMIT,
    DocxContent,
    DocxError,
    read_docx,
)
from checks.finding import Severity
from tests.docx_factory import (
    based_on_style,
    content_control,
    deletion,
    field,
    format_change,
    hidden_character_style,
    hyperlink,
    insertion,
    make_docx,
    mark_encrypted,
    move_from,
    move_to,
    para,
    read_parts,
    run,
    spec_vanish_run,
    tab_and_break,
    table,
    text_box,
    with_part,
    zip_parts,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        pytest.param([para("第一段"), para("第二段")], {}, "第一段\n第二段", id="paragraphs"),
        pytest.param([para("甲", insertion("乙"), "丙")], {}, "甲乙丙", id="insertion-included"),
        pytest.param([para("甲", deletion("拟提拔张三"), "丙")], {}, "甲丙", id="deletion-excluded"),
        pytest.param([para("甲", deletion("旧文", tag="t"))], {}, "甲", id="deletion-with-plain-t-excluded"),
        pytest.param([para("前", move_from("挪"))], {}, "前", id="moved-away-excluded"),
        pytest.param([para("后", move_to("挪"))], {}, "后挪", id="moved-here-included"),
        pytest.param([para("公开", run("内部掌握", hidden=True))], {}, "公开", id="hidden-run-excluded"),
        pytest.param(
            [para("一"), para(run("整段隐藏", hidden=True)), para("二")], {}, "一\n二", id="hidden-paragraph-vanishes"
        ),
        pytest.param([para("甲", spec_vanish_run("乙"))], {}, "甲", id="spec-vanish-excluded"),
        pytest.param([para(run("可见", vanish="0"))], {}, "可见", id="vanish-off-included"),
        pytest.param(
            [para("甲", run("乙", style="Secret"))],
            {"styles_extra": hidden_character_style("Secret")},
            "甲",
            id="hidden-by-style",
        ),
        pytest.param(
            [para("甲", run("乙", style="Child"))],
            {"styles_extra": hidden_character_style("Secret") + based_on_style("Child", "Secret")},
            "甲",
            id="hidden-by-inherited-style",
        ),
        pytest.param(
            [para("表前"), table([["姓名", "电话"], ["张三", "123"]]), para("表后")],
            {},
            "表前\n姓名\n电话\n张三\n123\n表后",
            id="table-row-by-row",
        ),
        pytest.param([table([["留下"], ["删除行"]], deleted_rows=[1])], {}, "留下", id="deleted-row-excluded"),
        pytest.param([para("前", text_box("框内"), "后")], {}, "前后\n框内", id="text-box-once"),
        pytest.param([para("详见", field('HYPERLINK "http://x.gov.cn"', "链接"))], {}, "详见链接", id="field-result"),
        pytest.param([para(hyperlink("网址"))], {}, "网址", id="hyperlink"),
        pytest.param([para(tab_and_break("A", "B", "C"))], {}, "A\tB\nC", id="tab-and-break"),
        pytest.param([content_control(para("控件内"))], {}, "控件内", id="content-control"),
        pytest.param([para("面积", "<m:oMath><m:r><m:t>x²</m:t></m:r></m:oMath>")], {}, "面积x²", id="math-equation"),
        pytest.param(
            [para("正文")],
            {"header": [para("页眉")], "footer": [para("页脚")], "footnotes": ["脚注"]},
            "正文\n脚注\n页眉\n页脚",
            id="notes-headers-footers-after-body",
        ),
        pytest.param(
            [para("正文")],
            {"header": [para("页眉", run("页眉隐藏", hidden=True))]},
            "正文\n页眉",
            id="hidden-in-header",
        ),
    ],
)
def test_visible_text(body: list[str], options: dict[str, Any], expected: str) -> None:
    assert read_docx(make_docx(body, **options)).text == expected


@pytest.mark.parametrize(
    ("options", "category", "severity", "quoted"),
    [
        pytest.param(
            {"body": [para("甲", deletion("拟提拔张三", author="李四"))]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["拟提拔张三", "修订者：李四"],
            id="deletion",
        ),
        pytest.param(
            {"body": [para("甲", deletion("旧文", tag="t"))]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["旧文"],
            id="deletion-with-plain-t",
        ),
        pytest.param(
            {"body": [para(insertion("新增", author="王五"))]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["修订 1 处", "王五"],
            id="insertion",
        ),
        pytest.param(
            {"body": [para(move_from("挪走")), para(move_to("挪走"))]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["修订 2 处"],
            id="move",
        ),
        pytest.param(
            {"body": [para(format_change("加粗"))]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["修订 1 处"],
            id="formatting-change",
        ),
        pytest.param(
            {"body": [table([["a"], ["删除行内容"]], deleted_rows=[1])]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["删除行内容"],
            id="deleted-row",
        ),
        pytest.param(
            {"body": [para("正文")], "header": [para(deletion("页眉旧文"))]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["页眉旧文"],
            id="revision-in-header",
        ),
        pytest.param(
            {"body": [para("正文")], "footnotes": [deletion("脚注旧文")]},
            "secret.docx_revisions",
            Severity.BLOCK,
            ["脚注旧文"],
            id="revision-in-footnote",
        ),
        pytest.param(
            {"body": [para("正文")], "comments": [("李四", "请核实数字"), ("王五", "同意")]},
            "secret.docx_comments",
            Severity.BLOCK,
            ["批注 2 条", "李四：请核实数字", "王五：同意"],
            id="comments",
        ),
        pytest.param(
            {"body": [para("公开", run("内部掌握", hidden=True))]},
            "secret.docx_hidden_text",
            Severity.BLOCK,
            ["内部掌握"],
            id="hidden-run",
        ),
        pytest.param(
            {"body": [para(spec_vanish_run("特殊隐藏"))]},
            "secret.docx_hidden_text",
            Severity.BLOCK,
            ["特殊隐藏"],
            id="spec-vanish",
        ),
        pytest.param(
            {"body": [para(run("样式隐藏", style="Secret"))], "styles_extra": hidden_character_style("Secret")},
            "secret.docx_hidden_text",
            Severity.BLOCK,
            ["样式隐藏"],
            id="hidden-by-style",
        ),
        pytest.param(
            {"body": [para("正文")], "footer": [para(run("页脚隐藏", hidden=True))]},
            "secret.docx_hidden_text",
            Severity.BLOCK,
            ["页脚隐藏"],
            id="hidden-in-footer",
        ),
        pytest.param(
            {"body": [para("正文")], "author": "王五"},
            "metadata.docx_properties",
            Severity.WARN,
            ["作者：王五"],
            id="author",
        ),
        pytest.param(
            {"body": [para("正文")], "last_modified_by": "李四"},
            "metadata.docx_properties",
            Severity.WARN,
            ["最后修改者：李四"],
            id="last-modified-by",
        ),
        pytest.param(
            {"body": [para("正文")], "company": "某某市人民政府办公室", "manager": "赵主任"},
            "metadata.docx_properties",
            Severity.WARN,
            ["单位：某某市人民政府办公室", "经理：赵主任"],
            id="company-and-manager",
        ),
        pytest.param(
            {"body": [para("正文")], "attached_template": "file:///C:/Users/wangwu/内部模板.dotx"},
            "metadata.docx_properties",
            Severity.WARN,
            ["附加模板：file:///C:/Users/wangwu/内部模板.dotx"],
            id="attached-template",
        ),
        pytest.param(
            {"body": [para("正文")], "embeddings": {"Microsoft_Excel_Worksheet.xlsx": b"PK"}},
            "secret.docx_embedded",
            Severity.WARN,
            ["word/embeddings/Microsoft_Excel_Worksheet.xlsx"],
            id="embedded-workbook",
        ),
    ],
)
def test_hidden_content_is_reported(
    options: dict[str, Any], category: str, severity: Severity, quoted: list[str]
) -> None:
    findings = read_docx(make_docx(**options)).hidden_findings
    matching = [f for f in findings if f.category == category]
    assert len(matching) == 1, findings
    finding = matching[0]
    assert finding.severity is severity
    for text in quoted:
        assert text in finding.explanation


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"body": [para("一段干净的正文")]}, id="plain"),
        pytest.param({"body": [para("正文")], "title": "关于做好防汛工作的通知"}, id="title-is-not-identifying"),
        pytest.param(
            {
                "body": [para("正文", run("显式不隐藏", vanish="false")), table([["甲", "乙"]]), para(text_box("框"))],
                "header": [para("页眉")],
                "footer": [para("页脚")],
                "footnotes": ["脚注"],
                "styles_extra": hidden_character_style("Secret"),
            },
            id="rich-but-clean",
        ),
    ],
)
def test_clean_document_has_no_findings(options: dict[str, Any]) -> None:
    """Hard negative: empty author/company, no revisions, comments or hidden runs means no findings at all."""
    assert read_docx(make_docx(**options)).hidden_findings == ()


def test_every_finding_follows_the_docx_contract() -> None:
    data = make_docx(
        [para("甲", deletion("旧文"), run("隐", hidden=True))],
        comments=[("李四", "批注")],
        author="王五",
        embeddings={"oleObject1.bin": b"\0"},
    )
    findings = read_docx(data).hidden_findings
    assert {f.category for f in findings} == {
        "secret.docx_revisions",
        "secret.docx_comments",
        "secret.docx_hidden_text",
        "secret.docx_embedded",
        "metadata.docx_properties",
    }
    for finding in findings:
        assert (finding.field, finding.start, finding.end, finding.suggestion) == ("docx", 0, 0, None)
        assert finding.rule.startswith("docx.")
        assert CJK.search(finding.message)
        assert finding.to_dict()["severity"] in {"block", "warn"}


def test_revisions_are_one_finding_with_a_count() -> None:
    data = make_docx([para(deletion("一", author="甲")), para(deletion("二", author="乙")), para(insertion("三"))])
    (finding,) = read_docx(data).hidden_findings
    assert finding.explanation.startswith("修订 3 处")
    assert "修订者：甲、乙、张三" in finding.explanation


def test_long_quote_is_truncated() -> None:
    secret = "这是一段很长的被删除内容" * 30
    (finding,) = read_docx(make_docx([para(deletion(secret))])).hidden_findings
    quoted = finding.explanation.split("已删除内容：", 1)[1]
    assert len(quoted) <= QUOTE_LIMIT + 2
    assert quoted.endswith("…」")
    assert quoted.startswith("「这是一段很长的被删除内容")


@pytest.mark.parametrize(("title", "expected"), [("关于印发工作方案的通知", "关于印发工作方案的通知"), ("", None)])
def test_title_from_core_properties(title: str, expected: str | None) -> None:
    content = read_docx(make_docx([para("正文")], title=title))
    assert isinstance(content, DocxContent)
    assert content.title == expected


def test_comment_written_by_python_docx_is_found() -> None:
    """Cross-check the factory's hand-made comments part against python-docx's own writer."""
    document = Document()
    paragraph = document.add_paragraph("需要审核的段落")
    document.add_comment(paragraph.runs, text="此处不宜公开", author="赵六", initials="ZL")
    document.core_properties.author = ""
    buffer = io.BytesIO()
    document.save(buffer)
    content = read_docx(buffer.getvalue())
    assert content.text == "需要审核的段落"
    assert [f.category for f in content.hidden_findings] == ["secret.docx_comments"]
    assert "赵六：此处不宜公开" in content.hidden_findings[0].explanation


def test_strict_ooxml_namespace_is_read() -> None:
    data = make_docx([para("严格格式", deletion("删"))])
    document = read_parts(data)["word/document.xml"].replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
    )
    content = read_docx(with_part(data, "word/document.xml", document))
    assert content.text == "严格格式"
    assert [f.category for f in content.hidden_findings] == ["secret.docx_revisions"]


def _clean() -> bytes:
    return make_docx([para("正文")])


def _bomb() -> bytes:
    return with_part(_clean(), "word/media/image1.png", b"\0" * 60_000_000)


def _ratio_bomb() -> bytes:
    """4 MB of zeros in one part: far under the size budget, but it inflates about a thousand times."""
    return with_part(_clean(), "word/media/image1.png", b"\0" * 4_000_000)


def _many_entries() -> bytes:
    """Ten thousand and one tiny parts: each harmless, together a directory bomb."""
    parts = read_parts(_clean())
    parts.update({f"word/media/p{i}.bin": b"" for i in range(10_001)})
    return zip_parts(parts)


def _ole(extra: bytes) -> bytes:
    return OLE2_MAGIC + b"\0" * 504 + extra


@pytest.mark.parametrize(
    ("make", "code"),
    [
        pytest.param(lambda: b"", "docx_invalid", id="empty"),
        pytest.param(lambda: "不是文档".encode(), "docx_invalid", id="not-a-zip"),
        pytest.param(lambda: _clean()[: len(_clean()) // 2], "docx_invalid", id="truncated"),
        pytest.param(lambda: zip_parts({"readme.txt": b"hello"}), "docx_invalid", id="zip-without-document"),
        pytest.param(lambda: with_part(_clean(), "word/document.xml", None), "docx_invalid", id="document-removed"),
        pytest.param(
            lambda: with_part(_clean(), "word/document.xml", b"<w:document><w:body>"),
            "docx_invalid",
            id="broken-xml",
        ),
        pytest.param(
            lambda: with_part(
                _clean(),
                "word/document.xml",
                b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>",
            ),
            "docx_invalid",
            id="dtd-entity",
        ),
        pytest.param(
            lambda: with_part(_clean(), "word/document.xml", b"<workbook/>"), "docx_invalid", id="not-wordprocessingml"
        ),
        pytest.param(lambda: _ole(b""), "docx_invalid", id="legacy-doc"),
        pytest.param(lambda: _ole(ENCRYPTED_PACKAGE), "docx_encrypted", id="password-protected"),
        pytest.param(lambda: mark_encrypted(_clean()), "docx_encrypted", id="zip-encryption"),
        pytest.param(_bomb, "docx_too_large", id="zip-bomb"),
        pytest.param(_ratio_bomb, "docx_too_large", id="ratio-bomb"),
        pytest.param(_many_entries, "docx_too_large", id="entry-count-bomb"),
    ],
)
def test_unreadable_files_raise_docx_error(make: Any, code: str) -> None:
    with pytest.raises(DocxError) as raised:
        read_docx(make())
    assert raised.value.code == code
    assert isinstance(raised.value, ValueError)
    assert CJK.search(raised.value.message)


def test_bomb_compresses_small() -> None:
    """The bomb fixture really is one: small on the wire, over the limit once inflated."""
    data = _bomb()
    assert len(data) < 1_000_000
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(info.file_size for info in archive.infolist()) > 50_000_000


def test_crafted_bombs_are_refused_by_ratio_and_entry_count_not_only_by_size() -> None:
    """Both stay far under the 50 MB budget: only zipsafe's ratio and entry limits refuse them."""
    ratio, many = _ratio_bomb(), _many_entries()
    for data in (ratio, many):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert sum(info.file_size for info in archive.infolist()) < 5_000_000
    with pytest.raises(DocxError, match="inflates"):
        read_docx(ratio)
    with pytest.raises(DocxError, match="entries"):
        read_docx(many)
    # a ratio limit of its own: the same part is read when the caller allows more
    assert read_docx(ratio, max_ratio=10_000).text == "正文"


@pytest.mark.parametrize(("limit", "readable"), [(1_000, False), (10_000_000, True)])
def test_uncompressed_limit_is_configurable(limit: int, readable: bool) -> None:
    data = _clean()
    if readable:
        assert read_docx(data, max_uncompressed=limit).text == "正文"
    else:
        with pytest.raises(DocxError) as raised:
            read_docx(data, max_uncompressed=limit)
        assert raised.value.code == "docx_too_large"


def test_corrupted_bytes_never_escape_as_other_errors() -> None:
    """Bad input must never become a 500: every corruption reads or raises DocxError."""
    base = make_docx([para("正文", insertion("插入"), deletion("删")), table([["a", "b"]])], comments=[("李", "x")])
    rng = random.Random(20240501)
    outcomes = {"read": 0, "refused": 0}
    for _ in range(400):
        data = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            read_docx(bytes(data))
        except DocxError:
            outcomes["refused"] += 1
        else:
            outcomes["read"] += 1
    assert outcomes["refused"] > 0
    assert sum(outcomes.values()) == 400
