"""The review loop in the web pages: returns and blocks up front, readable findings, 消息, 定稿 downloads."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from checks.docx_reader import read_docx
from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import User
from tests.web_helpers import csrf_of, login
from tests.workflow_helpers import Person, make_people

NOISY = "会议要求,各单位要高度重视,认真落实,确保安全,联系电话13912345678。"
CLEAN = "区政府召开常务会议，研究部署安全生产工作。\n会议强调，要压实责任，确保安全。"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]


@pytest.fixture()
def site(tmp_path) -> Iterator[tuple[Settings, dict[str, Person], TestClient]]:
    settings = Settings(data_dir=tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings)) as api:
        yield settings, people, api


def api(client: TestClient, person: Person, path: str, json: dict | None = None, status: int = 200) -> dict:
    r = client.post(f"/api/v1{path}", json=json or {}, headers=person.headers)
    assert r.status_code == status, r.text
    return r.json()


def new_draft(client: TestClient, people: dict[str, Person], body: str, submit: bool = True) -> int:
    draft_id = api(client, people["editor"], "/drafts", {"title": "通知", "body": body}, status=201)["id"]
    if submit:
        api(client, people["editor"], f"/drafts/{draft_id}/submit")
    return draft_id


def browser(settings: Settings, username: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(settings))
    client.__enter__()
    return client, login(client, username)


def test_a_return_is_the_first_thing_on_the_draft_and_edit_pages_and_unchanged_resubmission_asks(site) -> None:
    settings, people, client = site
    draft_id = new_draft(client, people, CLEAN)
    api(client, people["proof1"], f"/drafts/{draft_id}/actions", {"action": "return", "comment": "请补充会议时间"})
    editor, token = browser(settings, "editor")
    page = editor.get(f"/drafts/{draft_id}").text
    main = page.split("<main>", 1)[1]
    assert main.index('id="return-banner"') < main.index('id="draft-title"')  # above everything else
    banner = main.split('id="return-banner"', 1)[1].split("</section>", 1)[0]
    assert "请补充会议时间" in banner and "一校" in banner and "proof1" in banner
    assert "请补充会议时间" in editor.get(f"/drafts/{draft_id}/edit").text.split('id="return-banner"', 1)[1]

    asked = editor.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "submit"})
    assert 'id="confirm-submit"' in asked.text and "没有任何修改" in asked.text
    assert 'id="draft-status">已退回<' in asked.text  # nothing happened yet
    done = editor.post(
        f"/drafts/{draft_id}/act", data={"csrf_token": csrf_of(asked.text), "action": "submit", "confirm": "1"}
    )
    assert 'id="draft-status">审核中<' in done.text
    assert 'id="return-banner"' not in done.text and 'id="return-note"' in done.text  # kept, quieter


def test_changed_resubmission_goes_straight_through(site) -> None:
    settings, people, client = site
    draft_id = new_draft(client, people, CLEAN)
    api(client, people["proof1"], f"/drafts/{draft_id}/actions", {"action": "return", "comment": "补充时间"})
    r = client.put(
        f"/api/v1/drafts/{draft_id}",
        json={"title": "通知", "body": CLEAN + "\n时间：3月1日。"},
        headers=people["editor"].headers,
    )
    assert r.status_code == 200
    editor, token = browser(settings, "editor")
    done = editor.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "submit"})
    assert 'id="confirm-submit"' not in done.text and 'id="draft-status">审核中<' in done.text


def test_blocks_are_shown_with_what_final_review_requires_and_final_review_sees_why(site) -> None:
    settings, people, client = site
    draft_id = new_draft(client, people, NOISY, submit=False)
    editor, _ = browser(settings, "editor")
    page = editor.get(f"/drafts/{draft_id}").text
    banner = page.split('id="block-banner"', 1)[1].split("</section>", 1)[0]
    assert "1 个阻断级问题" in banner and "终审通过前须修改，或由复审、终审豁免" in banner
    assert 'id="submit-blocks"' in page
    api(client, people["editor"], f"/drafts/{draft_id}/submit")
    for who, action in STEPS:
        if who == "rev1":
            rev1, _ = browser(settings, "rev1")
            assert 'id="block-banner"' in rev1.get(f"/drafts/{draft_id}").text  # 初审 is warned too
        api(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})
    rev3, _ = browser(settings, "rev3")
    final = rev3.get(f"/drafts/{draft_id}").text
    assert 'id="btn-approve"' not in final
    assert 'id="final-blocked"' in final and "暂不能终审通过" in final.split('id="final-blocked"', 1)[1]


def test_findings_are_worst_first_with_repeats_folded_and_details_behind_a_toggle(site) -> None:
    settings, people, client = site
    draft_id = new_draft(client, people, NOISY)
    proof, _ = browser(settings, "proof1")
    page = proof.get(f"/drafts/{draft_id}").text
    items = re.findall(r'<li id="f(\d+)" class="finding sev-(\w+)"[^>]*data-count="(\d+)"', page)
    assert items[0][1] == "block" and items[0][0] == "1"
    assert [(sev, count) for _, sev, count in items] == [("block", "1"), ("warn", "4")]
    assert "共 4 处" in page and "其余 3 处" in page
    assert '<details class="detail"><summary>详情</summary>' in page
    # the mark in the text points at the same number as the list: the phone number is finding 1
    assert re.search(r'<a class="mark sev-block" href="#f1" data-finding="1">13912345678<sup>1</sup></a>', page)


def test_workspace_applies_every_repeat_of_one_rule_at_once(site) -> None:
    settings, _, _ = site
    editor, token = browser(settings, "editor")
    checked = editor.post("/workspace", data={"csrf_token": token, "op": "check", "title": "通知", "body": NOISY})
    assert "全部采纳（4 处）" in checked.text
    applied = editor.post(
        "/workspace",
        data={"csrf_token": token, "op": "apply_rule:format.punctuation.halfwidth", "title": "通知", "body": NOISY},
    )
    body = re.search(r'<textarea name="body"[^>]*>([^<]*)</textarea>', applied.text).group(1)
    assert body == NOISY.replace(",", "，") and "已全部采纳 4 处" in applied.text


def test_messages_page_badge_read_and_mail_opt_out(site) -> None:
    settings, people, client = site
    with unit_of_work(settings) as session:
        session.scalar(select(User).where(User.username == "proof1")).email = "p1@example.gov.cn"
    draft_id = new_draft(client, people, CLEAN)
    proof, token = browser(settings, "proof1")
    page = proof.get("/messages").text
    assert 'id="unread-count">1<' in page and "待您处理" in page and "一校" in page
    note = re.search(r'action="/messages/(\d+)/read"', page).group(1)
    opened = proof.post(f"/messages/{note}/read", data={"csrf_token": token})
    assert opened.url.path == f"/drafts/{draft_id}" and 'id="unread-count"' not in opened.text
    proof.post("/messages/email", data={"csrf_token": token, "email_notifications": "0"})
    with unit_of_work(settings) as session:
        assert session.scalar(select(User).where(User.username == "proof1")).email_notifications is False
    assert 'id="btn-mail-on"' in proof.get("/messages").text
    forged = proof.post("/messages/email", data={"email_notifications": "1"})  # no CSRF token
    assert forged.status_code == 403


def test_final_copy_downloads_carry_exactly_the_approved_content(site) -> None:
    settings, people, client = site
    draft_id = new_draft(client, people, CLEAN)
    editor, _ = browser(settings, "editor")
    early = editor.get(f"/drafts/{draft_id}/final.txt")
    assert early.headers["content-type"].startswith("text/html") and "只有终审通过" in early.text
    for who, action in [*STEPS, ("rev3", "approve")]:
        api(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})
    page = editor.get(f"/drafts/{draft_id}").text
    assert 'id="btn-copy-final"' in page and 'id="btn-download-docx"' in page
    txt = editor.get(f"/drafts/{draft_id}/final.txt")
    assert txt.text == "通知\n\n" + CLEAN and "attachment" in txt.headers["content-disposition"]
    docx = editor.get(f"/drafts/{draft_id}/final.docx")
    content = read_docx(docx.content)
    assert content.text.replace("\r", "").strip().endswith(CLEAN.split("\n")[-1])
    assert all(line in content.text for line in CLEAN.split("\n"))
    # after the author changes the approved text, the old 定稿 is no longer offered
    client.put(
        f"/api/v1/drafts/{draft_id}", json={"title": "通知", "body": CLEAN + "改"}, headers=people["editor"].headers
    )
    assert "只有终审通过" in editor.get(f"/drafts/{draft_id}/final.docx").text


def test_docx_of_html_and_odd_text_is_well_formed() -> None:
    import zipfile
    from xml.dom.minidom import parseString

    from review_service.models import DraftVersion
    from review_service.web.final_copy import final_docx, final_text

    version = DraftVersion(
        title="标题<&>",
        summary=None,
        body="<p>第一段<b>加粗</b></p><script>alert(1)</script><ul><li>甲</li><li>乙\x01</li></ul>",
        body_format="html",
    )
    assert final_text(version) == "标题<&>\n\n第一段加粗\n甲\n乙\x01"
    with zipfile.ZipFile(io.BytesIO(final_docx(version))) as package:
        parseString(package.read("word/document.xml"))  # escaped and free of XML-invalid characters


def test_a_past_due_date_is_refused_in_the_workspace(site) -> None:
    settings, _, _ = site
    editor, token = browser(settings, "editor")
    r = editor.post(
        "/workspace",
        data={"csrf_token": token, "op": "save", "title": "通知", "body": CLEAN, "due_date": "2020-01-01"},
    )
    assert r.status_code == 422 and "办结期限不能早于今天" in r.text


def test_admin_sets_an_email_address_and_refuses_a_bad_one(site) -> None:
    settings, _, _ = site
    with unit_of_work(settings) as session:
        from review_service.users import create_user

        create_user(session, username="boss", role="admin", password="pw-boss")
    admin, token = browser(settings, "boss")
    made = admin.post(
        "/admin/users",
        data={"csrf_token": token, "username": "newbie", "role": "editor", "email": "newbie@example.gov.cn"},
    )
    assert made.status_code == 200
    bad = admin.post("/admin/users", data={"csrf_token": token, "username": "x2", "role": "editor", "email": "a b@c"})
    assert bad.status_code == 422 and "电子邮箱格式不正确" in bad.text
    with unit_of_work(settings) as session:
        assert session.scalar(select(User.email).where(User.username == "newbie")) == "newbie@example.gov.cn"
        assert session.scalar(select(User).where(User.username == "x2")) is None


def test_signoff_is_an_office_form_in_beijing_time_naming_waived_findings(site) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from review_service.models import AuditEntry

    settings, people, client = site
    draft_id = new_draft(client, people, NOISY)
    for who, action in STEPS:
        api(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})
    version = client.get(f"/api/v1/drafts/{draft_id}/versions/1", headers=people["rev3"].headers).json()
    key = next(f["key"] for f in version["findings"] if f["category"] == "pii.phone")
    api(client, people["rev3"], f"/drafts/{draft_id}/waivers", {"finding_key": key, "reason": "值班电话，经批准公开"})
    api(client, people["rev3"], f"/drafts/{draft_id}/actions", {"action": "approve", "comment": "同意发布"})
    sheet = client.get(f"/api/v1/drafts/{draft_id}/signoff", headers=people["editor"].headers).text
    assert "@media print" in sheet and "@page" in sheet and sheet.count('<td class="sign">') == 6  # a box per stage
    waivers = sheet.split("<h2>问题豁免</h2>", 1)[1].split("</table>", 1)[0]
    assert "电话号码" in waivers and "“13912345678”" in waivers and "值班电话，经批准公开" in waivers
    for english in ("website", "approved", "in_review", "review3", "gate_"):
        assert english not in sheet.split("</style>", 1)[1]
    assert "政府网站" in sheet and "已通过" in sheet and "同意发布" in sheet
    with unit_of_work(settings) as session:
        at = session.scalar(select(AuditEntry.at).where(AuditEntry.kind == "workflow_approved"))
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    assert at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in sheet


def test_docx_import_fills_title_type_and_written_date_and_leaves_the_heading_out_of_the_body(site) -> None:
    from tests.docx_factory import deletion, make_docx, para, run

    settings, _, _ = site
    editor, token = browser(settings, "editor")
    data = make_docx(
        [
            para(run("关于2024年度临时救助对象的公示")),
            para(run("各村（社区）："), deletion("内部意见：暂缓")),
            para(run("现将救助对象公示如下，公示期七个工作日。")),
            para(run("区民政局")),
            para(run("二〇二四年三月十五日")),
        ]
    )
    page = editor.post(
        "/workspace/docx",
        data={"csrf_token": token},
        files={
            "file": ("notice.docx", data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        },
    ).text
    assert re.search(r'name="title" value="关于2024年度临时救助对象的公示"', page)
    assert re.search(r'<option value="publicity" selected>', page)
    assert 'name="written_date" value="2024-03-15"' in page
    body = re.search(r'<textarea name="body"[^>]*>([^<]*)</textarea>', page).group(1)
    assert body.startswith("各村（社区）：") and "临时救助对象的公示" not in body
    assert 'data-category="secret.docx_revisions"' in page  # the hidden revision is still reported


def test_date_and_type_guesses_refuse_what_is_not_there() -> None:
    from checks.docx_reader import DocxContent
    from review_service.web.docx_import import from_docx, written_date

    one_line = from_docx(DocxContent(text="关于开展安全生产检查的通知", title=None, hidden_findings=()))
    assert one_line.body == "关于开展安全生产检查的通知"  # a lone line is the body, never emptied into a title
    sentence = from_docx(DocxContent(text="会议要求各单位认真落实。\n第二段。", title=None, hidden_findings=()))
    assert sentence.title == "" and sentence.body.startswith("会议要求")
    assert written_date(["2024年13月5日"]) is None and written_date(["于2024年3月5日召开"]) is None
    assert written_date(["二〇二四年十二月三十一日"]) == "2024-12-31"
