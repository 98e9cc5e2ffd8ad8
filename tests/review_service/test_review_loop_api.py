"""The review loop's API contracts: last_return, confirming publication, notifications (in-app and mail)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.due_reminders import run_due_sweep
from review_service.models import Draft, User
from review_service.notifications import due_end
from review_service.signing import KeyStore
from tests.api_helpers import make_settings
from tests.smtp_server import SmtpServer
from tests.workflow_helpers import make_people

TITLE = "关于开展安全生产大检查的通知"
CLEAN = "各镇人民政府、街道办事处：\n为切实做好安全生产工作，现就有关事项通知如下。\n联系人：县应急管理局办公室。"
STEPS = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass"), ("rev1", "approve"), ("rev2", "approve")]


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def env(tmp_path, smtp):
    settings = make_settings(tmp_path, smtp_url=smtp.url, public_url="https://review.example.gov.cn")
    people = make_people(settings)
    with TestClient(create_app(settings)) as client:
        yield client, people, settings


def call(client, person, path, json=None, status=200, method="post"):
    r = client.request(method, f"/api/v1{path}", json=json, headers=person.headers)
    assert r.status_code == status, r.text
    return r.json()


def create(client, people, body=CLEAN, title=TITLE, **extra):
    payload = {"title": title, "body": body, "channel": "website", **extra}
    return call(client, people["editor"], "/drafts", payload, status=201)


def approve_all(client, people, draft_id):
    call(client, people["editor"], f"/drafts/{draft_id}/submit", {})
    for who, action in [*STEPS, ("rev3", "approve")]:
        out = call(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})
    assert out["status"] == "approved"
    return out


def gate(client, people, body=CLEAN, title=TITLE):
    out = call(client, people["cms"], "/publish-gate", {"channel": "website", "title": title, "body": body})
    assert out["decision"] == "allow", out
    return out


def set_email(settings, username, address, wants=True):
    with unit_of_work(settings) as session:
        user = session.scalar(select(User).where(User.username == username))
        user.email, user.email_notifications = address, wants


# --- last_return --------------------------------------------------------------------------------


def test_last_return_is_null_then_names_stage_person_comment_and_survives_resubmission(env):
    client, people, _ = env
    draft = create(client, people)
    assert call(client, people["editor"], f"/drafts/{draft['id']}", method="get")["last_return"] is None
    call(client, people["editor"], f"/drafts/{draft['id']}/submit", {})
    call(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "pass"})
    call(client, people["proof2"], f"/drafts/{draft['id']}/actions", {"action": "return", "comment": "第二段数字有误"})
    out = call(client, people["editor"], f"/drafts/{draft['id']}", method="get")
    last = out["last_return"]
    assert (last["stage"], last["stage_label"], last["by"], last["comment"]) == (
        "proof2",
        "二校",
        "proof2",
        "第二段数字有误",
    )
    assert last["resubmitted_at"] is None and dt.datetime.fromisoformat(last["at"]).tzinfo is not None

    call(client, people["editor"], f"/drafts/{draft['id']}", {"title": TITLE, "body": CLEAN + "补充。"}, method="put")
    call(client, people["editor"], f"/drafts/{draft['id']}/submit", {})
    again = call(client, people["proof1"], f"/drafts/{draft['id']}", method="get")["last_return"]
    assert again["comment"] == "第二段数字有误" and again["resubmitted_at"] is not None
    assert dt.datetime.fromisoformat(again["resubmitted_at"]) >= dt.datetime.fromisoformat(again["at"])

    call(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "return", "comment": "标题不规范"})
    newest = call(client, people["editor"], f"/drafts/{draft['id']}", method="get")["last_return"]
    assert (newest["stage"], newest["by"], newest["comment"], newest["resubmitted_at"]) == (
        "proof1",
        "proof1",
        "标题不规范",
        None,
    )


# --- POST /drafts/{id}/published ----------------------------------------------------------------


def test_confirm_publication_is_idempotent_and_the_gate_still_allows_the_content(env):
    client, people, _ = env
    draft = create(client, people)
    approve_all(client, people, draft["id"])
    receipt = gate(client, people)["receipt"]
    out = call(client, people["cms"], f"/drafts/{draft['id']}/published", {"receipt": receipt})
    assert out["status"] == "published" and out["published_at"] is not None
    again = call(client, people["cms"], f"/drafts/{draft['id']}/published", {"receipt": receipt})
    assert again["status"] == "published" and again["published_at"] == out["published_at"]
    assert gate(client, people)["draft_id"] == draft["id"]  # a CMS re-saving the same page
    history = call(client, people["editor"], f"/drafts/{draft['id']}/history", method="get")
    assert [h["kind"] for h in history].count("published") == 1


def test_receipt_for_other_content_or_draft_is_a_mismatch_and_changes_nothing(env):
    client, people, _ = env
    first = create(client, people)
    approve_all(client, people, first["id"])
    receipt = gate(client, people)["receipt"]
    other_body = CLEAN + "\n特此通知。"
    second = create(client, people, body=other_body)
    approve_all(client, people, second["id"])

    r = client.post(
        f"/api/v1/drafts/{second['id']}/published", json={"receipt": receipt}, headers=people["cms"].headers
    )
    assert (r.status_code, r.json()["code"]) == (409, "receipt_mismatch")
    # The author changes the approved draft: the old receipt no longer describes its content.
    call(client, people["editor"], f"/drafts/{first['id']}", {"title": TITLE, "body": CLEAN + "改。"}, method="put")
    r = client.post(f"/api/v1/drafts/{first['id']}/published", json={"receipt": receipt}, headers=people["cms"].headers)
    assert (r.status_code, r.json()["code"]) == (409, "receipt_mismatch")
    for draft in (first, second):
        status = call(client, people["editor"], f"/drafts/{draft['id']}", method="get")["status"]
        assert status != "published"


def test_expired_forged_and_foreign_receipts_are_refused(env, tmp_path):
    client, people, settings = env
    draft = create(client, people)
    approve_all(client, people, draft["id"])
    receipt = gate(client, people)["receipt"]
    path = f"/api/v1/drafts/{draft['id']}/published"

    forged = {**receipt, "payload": {**receipt["payload"], "version": 99}}
    r = client.post(path, json={"receipt": forged}, headers=people["cms"].headers)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_receipt")
    r = client.post(path, json={"receipt": {"payload": "x"}}, headers=people["cms"].headers)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_receipt")
    stranger = KeyStore(tmp_path / "other-keys").sign(receipt["payload"])  # signed, but not by this service
    r = client.post(path, json={"receipt": stranger}, headers=people["cms"].headers)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_receipt")

    issued = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    old = {
        **receipt["payload"],
        "issued_at": issued.isoformat(),
        "expires_at": (issued + dt.timedelta(days=7)).isoformat(),
    }
    old.pop("kid"), old.pop("v")
    expired = KeyStore(settings.data_dir / "keys").sign(old)  # genuinely signed by this service, but expired
    r = client.post(path, json={"receipt": expired}, headers=people["cms"].headers)
    assert (r.status_code, r.json()["code"]) == (409, "receipt_expired")

    r = client.post(path, json={"receipt": receipt}, headers=people["rev3"].headers)  # a person: no publish scope
    assert (r.status_code, r.json()["code"]) == (403, "insufficient_scope")
    r = client.post("/api/v1/drafts/999999/published", json={"receipt": receipt}, headers=people["cms"].headers)
    assert (r.status_code, r.json()["code"]) == (404, "draft_not_found")
    assert call(client, people["editor"], f"/drafts/{draft['id']}", method="get")["status"] == "approved"


def test_only_the_service_account_the_gate_answered_may_confirm(env):
    client, people, settings = env
    from review_service.tokens import issue_token
    from review_service.users import create_user

    with unit_of_work(settings) as session:
        other, _ = create_user(session, username="other-cms", role="cms")
        token = issue_token(session, user=other, name="o", scopes=["publish"], ttl=dt.timedelta(days=1)).token
    draft = create(client, people)
    approve_all(client, people, draft["id"])
    receipt = gate(client, people)["receipt"]
    r = client.post(
        f"/api/v1/drafts/{draft['id']}/published",
        json={"receipt": receipt},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (r.status_code, r.json()["code"]) == (403, "not_receipt_holder")


# --- notifications ------------------------------------------------------------------------------


def test_stage_waiting_reaches_everyone_who_may_act_and_returned_reaches_the_author(env):
    client, people, _ = env
    draft = create(client, people)
    call(client, people["editor"], f"/drafts/{draft['id']}/submit", {})
    for who in ("proof1", "proof2", "proof3"):
        notes = call(client, people[who], "/notifications", method="get")
        assert notes["unread"] == 1
        (item,) = notes["items"]
        assert (item["kind"], item["draft_id"], item["title"], item["read"]) == (
            "stage_waiting",
            draft["id"],
            TITLE,
            False,
        )
        assert "一校" in item["message"]
    for who in ("rev1", "rev2", "rev3", "outsider", "editor"):  # other stages, another department, the author
        assert call(client, people[who], "/notifications", method="get")["items"] == []

    call(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "pass"})
    # proof1 now holds 一校 and may not take 二校: only proof2 and proof3 are told
    assert call(client, people["proof1"], "/notifications", method="get")["unread"] == 1
    assert call(client, people["proof2"], "/notifications", method="get")["unread"] == 2
    call(client, people["proof2"], f"/drafts/{draft['id']}/actions", {"action": "return", "comment": "请核实数字"})
    (returned,) = call(client, people["editor"], "/notifications", method="get")["items"]
    assert returned["kind"] == "returned" and "二校" in returned["message"] and "请核实数字" in returned["message"]


def test_list_is_newest_first_pages_filters_and_marks_read(env):
    client, people, _ = env
    for n in range(3):
        draft = create(client, people, title=f"{TITLE}{n}")
        call(client, people["editor"], f"/drafts/{draft['id']}/submit", {})
    notes = call(client, people["proof1"], "/notifications?limit=2", method="get")
    assert [i["title"] for i in notes["items"]] == [f"{TITLE}2", f"{TITLE}1"] and notes["unread"] == 3
    rest = call(client, people["proof1"], "/notifications?limit=2&offset=2", method="get")["items"]
    assert [i["title"] for i in rest] == [f"{TITLE}0"]
    marked = call(client, people["proof1"], f"/notifications/{rest[0]['id']}/read", {})
    assert marked["read"] is True
    unread = call(client, people["proof1"], "/notifications?unread=true", method="get")
    assert unread["unread"] == 2 and len(unread["items"]) == 2 and all(not i["read"] for i in unread["items"])
    read = call(client, people["proof1"], "/notifications?unread=false", method="get")["items"]
    assert [i["id"] for i in read] == [rest[0]["id"]]
    # someone else's message is indistinguishable from none, and stays unread for its owner
    r = client.post(f"/api/v1/notifications/{notes['items'][0]['id']}/read", headers=people["proof2"].headers)
    assert (r.status_code, r.json()["code"]) == (404, "notification_not_found")
    assert call(client, people["proof1"], "/notifications", method="get")["unread"] == 2
    r = client.get("/api/v1/notifications?limit=0", headers=people["proof1"].headers)
    assert r.status_code == 422
    assert client.get("/api/v1/notifications").status_code == 401


def test_mail_goes_to_people_with_an_address_who_want_it(env, smtp):
    client, people, settings = env
    set_email(settings, "proof1", "proof1@example.gov.cn")
    set_email(settings, "proof2", "proof2@example.gov.cn", wants=False)  # turned mail off
    set_email(settings, "editor", "editor@example.gov.cn")
    draft = create(client, people)
    call(client, people["editor"], f"/drafts/{draft['id']}/submit", {})
    (mail,) = smtp.wait_for(1)
    assert mail["To"] == "proof1@example.gov.cn"
    assert "待您处理" in mail["Subject"] and TITLE in mail["Subject"]
    assert f"https://review.example.gov.cn/drafts/{draft['id']}" in mail.get_content()
    call(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "return", "comment": "格式不对"})
    messages = smtp.wait_for(2)
    assert len(messages) == 2 and messages[1]["To"] == "editor@example.gov.cn"
    assert "格式不对" in messages[1].get_content()
    # proof2 and proof3 still got the in-app message, without mail
    assert call(client, people["proof2"], "/notifications", method="get")["unread"] == 1


def test_approved_and_published_reach_the_author(env):
    client, people, _ = env
    draft = create(client, people)
    approve_all(client, people, draft["id"])
    receipt = gate(client, people)["receipt"]
    call(client, people["cms"], f"/drafts/{draft['id']}/published", {"receipt": receipt})
    kinds = [i["kind"] for i in call(client, people["editor"], "/notifications", method="get")["items"]]
    assert kinds == ["published", "approved"]


def test_countersign_requested_goes_to_the_departments_reviewers(tmp_path, smtp):
    settings = make_settings(tmp_path, smtp_url=smtp.url)
    extra = {
        "edu-rev": ("reviewer3", "教育局"),
        "fin-rev": ("reviewer2", "财政局"),
        "edu-proof": ("proofreader", "教育局"),
    }
    people = make_people(settings, extra)
    with unit_of_work(settings) as session:  # sees every department, so it may open the draft it signs
        session.scalar(select(User).where(User.username == "edu-rev")).spans_departments = True
    with TestClient(create_app(settings)) as client:
        draft = call(
            client,
            people["editor"],
            "/drafts",
            {"title": TITLE, "body": CLEAN, "channel": "website", "countersign": ["教育局"]},
            status=201,
        )
        call(client, people["editor"], f"/drafts/{draft['id']}/submit", {})
        for who, action in STEPS:
            call(client, people[who], f"/drafts/{draft['id']}/actions", {"action": action})
        kinds = lambda who: [i["kind"] for i in call(client, people[who], "/notifications", method="get")["items"]]  # noqa: E731
        assert kinds("edu-rev") == ["countersign_requested"]
        # not asked (财政局), not a reviewer (edu-proof), or unable to open another department's draft (outsider)
        assert kinds("fin-rev") == [] and kinds("edu-proof") == [] and kinds("outsider") == []
        queue = lambda who: [d["id"] for d in call(client, people[who], "/queue", method="get")]  # noqa: E731
        assert queue("edu-rev") == [draft["id"]] and queue("fin-rev") == [] and queue("rev3") == []


def test_due_soon_then_overdue_once_each_to_whoever_holds_the_draft(env, smtp):
    client, people, settings = env
    set_email(settings, "proof1", "proof1@example.gov.cn")
    due = dt.date(2030, 6, 10)
    waiting = create(client, people, due_date=due.isoformat())
    call(client, people["editor"], f"/drafts/{waiting['id']}/submit", {})
    unsent = create(client, people, title="未提交的稿件", due_date=due.isoformat())
    end = due_end(due)
    assert end.isoformat() == "2030-06-11T00:00:00+08:00"

    early = run_due_sweep(settings, now=end - dt.timedelta(hours=25))
    assert (early.due_soon, early.overdue) == (0, 0)
    soon = run_due_sweep(settings, now=end - dt.timedelta(hours=23))
    assert (soon.due_soon, soon.overdue) == (4, 0)  # three proofreaders, and the author of the unsent one
    assert run_due_sweep(settings, now=end - dt.timedelta(hours=1)).due_soon == 0  # once per due date
    late = run_due_sweep(settings, now=end + dt.timedelta(minutes=1))
    assert (late.due_soon, late.overdue) == (0, 4)
    assert run_due_sweep(settings, now=end + dt.timedelta(days=1)).overdue == 0

    kinds = [i["kind"] for i in call(client, people["proof1"], "/notifications", method="get")["items"]]
    assert kinds == ["overdue", "due_soon", "stage_waiting"]
    editor = call(client, people["editor"], "/notifications", method="get")["items"]
    assert {(i["kind"], i["draft_id"]) for i in editor} == {("due_soon", unsent["id"]), ("overdue", unsent["id"])}
    subjects = [m["Subject"] for m in smtp.wait_for(3)]
    assert any("即将到期" in s for s in subjects) and any("已超期" in s for s in subjects)

    # an approved draft is no longer anyone's to hurry
    with unit_of_work(settings) as session:
        for draft_id in (waiting["id"], unsent["id"]):  # a new due date is a new reminder
            session.get(Draft, draft_id).due_date = due + dt.timedelta(days=30)
    approve_all_from_proof1(client, people, waiting["id"])
    assert run_due_sweep(settings, now=due_end(due + dt.timedelta(days=30))).overdue == 1  # only the unsent one


def approve_all_from_proof1(client, people, draft_id):
    for who, action in [*STEPS, ("rev3", "approve")]:
        call(client, people[who], f"/drafts/{draft_id}/actions", {"action": action})


def test_mail_server_down_never_loses_the_decision(tmp_path):
    from tests.smtp_server import SmtpServer as Probe

    dead = Probe()  # a port nobody listens on
    settings = make_settings(tmp_path, smtp_url=dead.url)
    people = make_people(settings)
    with unit_of_work(settings) as session:
        session.scalar(select(User).where(User.username == "proof1")).email = "p@example.gov.cn"
    with TestClient(create_app(settings)) as client:
        draft = create(client, people)
        out = call(client, people["editor"], f"/drafts/{draft['id']}/submit", {})
        assert out["status"] == "in_review"
        assert call(client, people["proof1"], "/notifications", method="get")["unread"] == 1
