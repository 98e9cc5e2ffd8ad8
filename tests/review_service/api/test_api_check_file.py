"""POST /api/v1/check/file: type from the bytes, findings with their place in the file, bad files refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from review_service.api.main import create_app
from tests import attachment_factory as af
from tests.api_helpers import make_settings, mint_token
from tests.docx_factory import make_docx, para, run, with_part
from tests.factories import resident_id

ID = resident_id("44152119900101123")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ROWS = [
    ["序号", "户主姓名", "身份证号", "联系电话"],
    [1, "王秀英", ID, "13800138000"],
    [2, "李建国", "（已核实）", "无"],
]


@pytest.fixture(scope="module")
def client_and_auth(tmp_path_factory):
    settings = make_settings(
        tmp_path_factory.mktemp("file"),
        attachment_max_bytes=300_000,
        attachment_max_cells=2_000,
        attachment_max_uncompressed_bytes=5_000_000,
    )
    token = mint_token(settings)
    with TestClient(create_app(settings)) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def upload(client, auth, data: bytes, name: str = "附件.xlsx", content_type: str = "application/octet-stream", **form):
    return client.post("/api/v1/check/file", files={"file": (name, data, content_type)}, data=form, headers=auth)


def by_category(body, category):
    return [f for f in body["findings"] if f["category"] == category]


def test_spreadsheet_findings_name_their_cells(client_and_auth):
    client, auth = client_and_auth
    r = upload(client, auth, af.xlsx({"补贴名单": ROWS}), content_type="text/plain")  # content type is ignored
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["file"] == {"name": "附件.xlsx", "type": "xlsx", "sheets": ["补贴名单"], "pages": None}
    assert body["verdict"] == "block"
    id_card = by_category(body, "pii.id_card")[0]
    assert id_card["location"] == {"file": "附件.xlsx", "sheet": "补贴名单", "cell": "C2"}
    assert body["text"][id_card["start"] : id_card["end"]] == ID
    assert id_card["field"] == "attachment"
    names = {f["location"]["cell"]: body["text"][f["start"] : f["end"]] for f in by_category(body, "pii.person_name")}
    assert names == {"B2": "王秀英", "B3": "李建国"}


def test_hidden_sheets_rows_columns_and_comments_are_checked_and_said_hidden(client_and_auth):
    client, auth = client_and_auth
    data = af.xlsx(
        {"公示": [["项目", "金额"], ["道路硬化", 5000], ["户主手机", "13912345678"]], "底稿": [["身份证号"], [ID]]},
        hidden_sheets=["底稿"],
        hidden_rows={"公示": [3]},
        comments={"公示": {"B2": "经办人手机13700137000"}},
    )
    body = upload(client, auth, data, name="公示.xlsx").json()
    hidden = {f["location"]["cell"]: f["location"].get("hidden") for f in body["findings"]}
    assert hidden == {"B3": "row", "A2": "sheet", "B2": "comment"}
    assert all("隐藏" in f["message"] or "批注" in f["message"] for f in body["findings"])


def test_xls_and_gb18030_csv(client_and_auth):
    client, auth = client_and_auth
    for name, data, kind in [
        ("名单.xls", af.xls(ROWS), "xls"),
        ("名单.csv", af.csv_bytes(ROWS, "gb18030"), "csv"),
        ("名单.txt", af.csv_bytes(ROWS, "utf-8"), "csv"),
    ]:
        body = upload(client, auth, data, name=name).json()
        assert body["file"]["type"] == kind
        assert [f["location"]["cell"] for f in by_category(body, "pii.id_card")] == ["C2"]


def test_pdf_text_layer_pages_and_lines(client_and_auth):
    client, auth = client_and_auth
    data = af.text_pdf([["关于发放补贴的通知", "申请人：王秀英"], ["内部资料", "身份证号" + ID]])
    body = upload(client, auth, data, name="通知.pdf").json()
    assert body["file"]["type"] == "pdf" and body["file"]["pages"] == 2
    assert by_category(body, "pii.id_card")[0]["location"] == {"file": "通知.pdf", "page": 2, "line": 2}
    assert by_category(body, "secret.marking")[0]["location"]["page"] == 2


def test_docx_through_the_file_endpoint_has_lines_and_hidden_findings(client_and_auth):
    client, auth = client_and_auth
    data = make_docx([para(run("会议纪要")), para(run("联系电话：13800138000。"))], comments=[("王", "删掉")])
    body = upload(client, auth, data, name="纪要.docx").json()
    assert by_category(body, "pii.phone")[0]["location"] == {"file": "纪要.docx", "line": 2}
    assert by_category(body, "secret.docx_comments")[0]["field"] == "attachment"


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600, "旧.doc", "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600, "旧.wps", "wps"),
        (b"\x00\x01\x02binary\xff\xfe", "x.bin", "unknown"),
        (_plain_zip(), "资料.zip", "zip"),  # a readable archive of a type we do not open
    ],
)
def test_unsupported_types_give_one_warning_not_silence(client_and_auth, data, name, kind):
    client, auth = client_and_auth
    r = upload(client, auth, data, name=name)
    assert r.status_code == 200
    body = r.json()
    assert body["file"]["type"] == kind
    assert [(f["category"], f["severity"]) for f in body["findings"]] == [("attachment.unsupported", "warn")]
    assert body["verdict"] == "warn"


def test_ofd_is_unsupported(client_and_auth):
    client, auth = client_and_auth
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd/>")
    body = upload(client, auth, buffer.getvalue(), name="公文.ofd").json()
    assert body["file"]["type"] == "ofd"
    assert body["findings"][0]["category"] == "attachment.unsupported"


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 4_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"", "空.xlsx", 422, "file_empty"),
        (b"PK\x03\x04" + b"\0" * 100, "坏.xlsx", 422, "file_invalid"),  # a zip whose directory is unreadable
        (b"PK\x03\x04" + b"\0" * 100, "x.bin", 422, "file_invalid"),  # damaged whatever the name says
        (b"\x00\x01\x02binary\xff\xfe", "名单.xlsx", 422, "file_invalid"),  # claims a type we read, is none
        (b"\x00\x01\x02binary\xff\xfe", "照片.jpg", 422, "file_invalid"),
        (_plain_zip(), "名单.xlsx", 422, "file_invalid"),  # a zip, but no workbook inside
        (af.xlsx({"名单": [["姓名"], ["王秀英"]]})[:-40], "截断.xlsx", 422, "file_invalid"),  # cut short
        (_bomb(), "炸弹.xlsx", 413, "file_bomb"),
        # 4 MB of zeros in one part of a .docx: under every size limit, refused by its compression ratio
        (with_part(make_docx([para("正文")]), "word/media/a.png", b"\0" * 4_000_000), "炸弹.docx", 413, "file_bomb"),
        (make_docx([para("正文")])[:-30], "截断.docx", 422, "file_invalid"),
        (b"%PDF-1.7\n" + b"garbage" * 50, "坏.pdf", 422, "file_invalid"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "坏.png", 422, "file_invalid"),
        (b"a" * 300_001, "大.csv", 413, "file_too_large"),
        (af.csv_bytes([[str(i)] * 10 for i in range(300)]), "多.csv", 413, "file_too_large"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "密.xlsx",
            422,
            "file_encrypted",
        ),
    ],
)
def test_bad_files_get_stable_codes(client_and_auth, data, name, status, code):
    client, auth = client_and_auth
    r = upload(client, auth, data, name=name)
    assert r.status_code == status, r.text
    if code:
        assert r.json()["code"] == code
        assert r.json()["message"]["zh"] and r.json()["message"]["en"]
    else:
        assert r.json()["findings"][0]["category"] == "attachment.unsupported"


def test_missing_file_and_bad_date_are_validation_errors(client_and_auth):
    client, auth = client_and_auth
    r = client.post("/api/v1/check/file", data={"channel": "website"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_file")
    r = upload(client, auth, af.csv_bytes(ROWS), name="a.csv", doc_date="2024-13-40")
    assert (r.status_code, r.json()["code"]) == (422, "invalid_doc_date")


def test_path_in_the_file_name_is_dropped(client_and_auth):
    client, auth = client_and_auth
    body = upload(client, auth, af.csv_bytes(ROWS), name="../../etc/名单.csv").json()
    assert body["file"]["name"] == "名单.csv"


def test_needs_a_token(client_and_auth):
    client, _ = client_and_auth
    assert upload(client, {}, af.csv_bytes(ROWS)).status_code == 401
