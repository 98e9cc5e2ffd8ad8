"""撤回: the author (or the CMS account that created the draft for them) takes a draft in review back.

The rule in the pure engine, the API endpoint with its stable codes, the notice to a reviewer who had
claimed the draft, the audit trail, and the 撤回 button on the draft page (CSRF, shown only when allowed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review_service.api.main import create_app
from review_service.db import unit_of_work
from review_service.models import AuditEntry, Comment, Draft, User
from review_service.tokens import issue_token
from review_service.users import create_user
from tests.api_helpers import make_settings
from tests.web_helpers import login
from tests.workflow_helpers import Person, make_people
from workflows.definition import Action, load_definitions
from workflows.engine import apply, available_actions, confirm_publication, start, waive
from workflows.refusals import Reason, Refusal
from workflows.state import Actor, Facts, FindingRef, Status

NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
WEBSITE = load_definitions()["website"]
AUTHOR = Actor(1, frozenset({"editor"}), "办公室")
P1, P2, P3 = (Actor(i, frozenset({"proofreader"}), "办公室") for i in (11, 12, 13))
R1, R2, R3 = (Actor(20 + i, frozenset({f"reviewer{i}"}), "办公室") for i in (1, 2, 3))
TITLE = "关于开展安全生产检查的通知"
BODY = "各镇人民政府：请于3月5日前报送检查情况。"


def facts(content_hash: str = "h1", findings: tuple[FindingRef, ...] = (), now: dt.datetime = NOW) -> Facts:
    return Facts(content_hash, findings, True, now)


def run(state, actor, action, **kw):  # type: ignore[no-untyped-def]
    return apply(WEBSITE, state, actor, action, facts(state.content_hash), **kw)


def refusal(state, actor, action=Action.WITHDRAW, **kw) -> Refusal:  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as info:
        run(state, actor, action, **kw)
    assert info.value.message_zh and info.value.message_en
    return info.value


def submitted():  # type: ignore[no-untyped-def]
    return run(start(WEBSITE, author=AUTHOR.id, content_hash="h1"), AUTHOR, Action.SUBMIT).state


# --- the pure rule ---------------------------------------------------------------------------------


def test_the_author_withdraws_a_draft_in_review_and_a_claim_ends_with_it():
    state = submitted()
    state = run(state, P1, Action.PASS).state
    state = run(state, P2, Action.PASS).state
    state = run(state, P3, Action.CLAIM).state  # 三校 is 正在审核 by P3: the author is not stuck behind it
    assert Action.WITHDRAW in available_actions(WEBSITE, state, AUTHOR, facts())
    outcome = run(state, AUTHOR, Action.WITHDRAW, comment=" 内容有误，撤回修改 ")
    after = outcome.state
    assert (after.status, after.stage, after.decisions, after.claim) == (Status.DRAFT, None, (), None)
    assert after.revision == state.revision + 1
    assert after.holders == state.holders  # who held a stage still holds it (one person, one stage)
    [event] = outcome.events
    assert (event.kind, event.actor, event.stage, event.comment) == (
        "withdrawn",
        AUTHOR.id,
        "proof3",
        "内容有误，撤回修改",
    )
    assert event.data == {"round": 1, "voided": ["proof1", "proof2"], "claimed_by": P3.id}
    # submitting again starts at the first stage, in a new round; P1 may take 一校 again, not 二校
    again = run(after, AUTHOR, Action.SUBMIT).state
    assert (again.status, again.stage, again.round) == (Status.IN_REVIEW, "proof1", 2)
    assert refusal(again, P2, Action.PASS).reason is Reason.HOLDS_OTHER_STAGE
    assert run(again, P1, Action.PASS).state.stage == "proof2"


def test_no_claim_means_no_claimer_in_the_event():
    outcome = run(submitted(), AUTHOR, Action.WITHDRAW)
    assert outcome.events[0].data == {"round": 1, "voided": []} and outcome.events[0].comment is None


def test_nobody_but_the_author_withdraws():
    state = run(submitted(), P1, Action.PASS).state
    for someone in (P1, P2, R1, R3, Actor(99, frozenset({"admin"}))):
        assert refusal(state, someone).reason is Reason.NOT_AUTHOR
        assert Action.WITHDRAW not in available_actions(WEBSITE, state, someone, facts())


def test_only_a_draft_in_review_can_be_withdrawn():
    fresh = start(WEBSITE, author=AUTHOR.id, content_hash="h1")
    returned = run(run(submitted(), P1, Action.PASS).state, P2, Action.RETURN, comment="请补充").state
    approved = submitted()
    for actor, action in ((P1, Action.PASS), (P2, Action.PASS), (P3, Action.PASS)):
        approved = run(approved, actor, action).state
    for reviewer in (R1, R2, R3):
        approved = run(approved, reviewer, Action.APPROVE).state
    published = confirm_publication(approved, Actor(50, frozenset({"cms"})), "h1").state
    for state, status in ((fresh, "尚未提交"), (returned, "已退回"), (approved, "终审通过"), (published, "已发布")):
        refused = refusal(state, AUTHOR)
        assert refused.reason is Reason.WRONG_STATUS and status in refused.message_zh
        assert Action.WITHDRAW not in available_actions(WEBSITE, state, AUTHOR, facts())


def test_a_stale_withdraw_is_refused():
    state = run(submitted(), P1, Action.PASS).state
    assert refusal(state, AUTHOR, expected_revision=state.revision - 1).reason is Reason.STALE
    assert run(state, AUTHOR, Action.WITHDRAW, expected_revision=state.revision).state.status is Status.DRAFT


def test_waivers_of_the_same_content_survive_a_withdraw():
    block = FindingRef("body:pii.phone:1:12:pii.phone:mobile", "pii.phone", "block")
    state = submitted()
    for actor in (P1, P2, P3):
        state = run(state, actor, Action.PASS).state
    state = run(state, R1, Action.APPROVE).state
    state = waive(WEBSITE, state, R2, block, "已取得本人同意公开", facts("h1", (block,))).state
    withdrawn = run(state, AUTHOR, Action.WITHDRAW).state
    assert [w.finding_key for w in withdrawn.waivers] == [block.key]
    assert dataclasses.replace(withdrawn, revision=0).decisions == ()


# --- the API ---------------------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path)
    people = make_people(settings)
    with unit_of_work(settings) as session:
        for name in ("site-cms", "other-cms"):
            cms = session.scalar(select(User).where(User.username == name))
            if cms is None:
                cms, _ = create_user(session, username=name, role="cms")
            token = issue_token(
                session, user=cms, name=f"{name}-drafts", scopes=["check", "drafts"], ttl=dt.timedelta(days=1)
            )
            people[f"{name}-drafts"] = Person(name, cms.id, {"Authorization": f"Bearer {token.token}"})
    with TestClient(create_app(settings)) as client:
        yield client, people, settings


def call(client, person, path, json=None, status=200):  # type: ignore[no-untyped-def]
    r = client.post(f"/api/v1{path}", json=json if json is not None else {}, headers=person.headers)
    assert r.status_code == status, r.text
    return r.json()


def in_review(client, people, author="editor", **extra):  # type: ignore[no-untyped-def]
    """A draft by ``author`` (or a CMS account's draft for them), submitted: its JSON."""
    creator = people[author]
    draft = call(client, creator, "/drafts", {"title": TITLE, "body": BODY, **extra}, status=201)
    return call(client, creator, f"/drafts/{draft['id']}/submit")


def audit_rows(settings, draft_id):  # type: ignore[no-untyped-def]
    with unit_of_work(settings) as session:
        return [
            (r.kind, r.actor_id, dict(r.data))
            for r in session.scalars(select(AuditEntry).where(AuditEntry.draft_id == draft_id).order_by(AuditEntry.id))
        ]


def test_the_author_withdraws_over_the_api_and_the_claimer_is_told(env):
    client, people, settings = env
    draft = in_review(client, people)
    call(client, people["proof1"], f"/drafts/{draft['id']}/actions", {"action": "pass"})
    call(client, people["proof2"], f"/drafts/{draft['id']}/actions", {"action": "claim"})
    assert "withdraw" in client.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()["actions"]
    out = call(client, people["editor"], f"/drafts/{draft['id']}/withdraw", {"comment": "数据需更新"})
    assert (out["status"], out["stage"], out["claimed_by"]) == ("draft", None, None)
    assert "submit" in out["actions"] and "withdraw" not in out["actions"]
    kind, actor, data = audit_rows(settings, draft["id"])[-1]
    assert (kind, actor, data["stage"], data["comment"]) == (
        "withdrawn",
        people["editor"].user_id,
        "proof2",
        "数据需更新",
    )
    assert data["voided"] == ["proof1"] and data["claimed_by"] == people["proof2"].user_id
    notes = client.get("/api/v1/notifications", headers=people["proof2"].headers).json()["items"]
    withdrawn = [n for n in notes if n["kind"] == "withdrawn"]
    assert len(withdrawn) == 1 and withdrawn[0]["draft_id"] == draft["id"] and "撤回" in withdrawn[0]["message"]
    assert not [n for n in client.get("/api/v1/notifications", headers=people["proof1"].headers).json()["items"]
                if n["kind"] == "withdrawn"]  # fmt: skip
    # it left every queue; the author edits and submits again from 一校
    assert draft["id"] not in [d["id"] for d in client.get("/api/v1/queue", headers=people["proof2"].headers).json()]
    put = client.put(
        f"/api/v1/drafts/{draft['id']}",
        json={"title": TITLE, "body": BODY + "特此通知。"},
        headers=people["editor"].headers,
    )
    assert put.status_code == 200 and put.json()["current_version"] == 2, put.text
    again = call(client, people["editor"], f"/drafts/{draft['id']}/submit")
    assert (again["status"], again["stage"]) == ("in_review", "proof1")
    with unit_of_work(settings) as session:
        assert session.scalar(select(Comment.body).where(Comment.draft_id == draft["id"])) == "数据需更新"


def test_the_cms_that_created_a_draft_withdraws_it_for_the_author(env):
    client, people, settings = env
    cms = people["site-cms-drafts"]
    draft = in_review(client, people, "site-cms-drafts", on_behalf_of="editor")
    assert draft["author"] == "editor" and "withdraw" in draft["actions"]
    # another CMS account does not even see it; a reviewer sees it but may not withdraw it
    other = client.post(f"/api/v1/drafts/{draft['id']}/withdraw", json={}, headers=people["other-cms-drafts"].headers)
    assert other.status_code == 404 and other.json()["code"] == "draft_not_found"
    reviewer = client.post(f"/api/v1/drafts/{draft['id']}/withdraw", json={}, headers=people["proof1"].headers)
    assert reviewer.status_code == 403 and reviewer.json()["code"] == "not_author", reviewer.text
    out = call(client, cms, f"/drafts/{draft['id']}/withdraw", {"comment": "页面已在 CMS 中修改"})
    assert out["status"] == "draft"
    kind, actor, data = audit_rows(settings, draft["id"])[-1]
    assert (kind, actor, data["via"]) == ("withdrawn", people["editor"].user_id, cms.user_id)


def test_refusals_have_stable_codes_and_change_nothing(env):
    client, people, settings = env
    fresh = call(client, people["editor"], "/drafts", {"title": TITLE, "body": BODY}, status=201)
    draft = in_review(client, people)
    path = f"/api/v1/drafts/{draft['id']}/withdraw"
    before = client.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()
    cases = [
        (people["editor"], f"/api/v1/drafts/{fresh['id']}/withdraw", {}, 409, "wrong_status"),
        (people["rev1"], path, {}, 403, "not_author"),
        (people["outsider"], path, {}, 404, "draft_not_found"),  # another department
        (people["editor"], path, {"expected_revision": before["revision"] - 1}, 409, "stale"),
        (people["editor"], path, {"action": "approve"}, 422, None),  # unknown field
        (people["editor"], path, {"comment": "x" * 5001}, 422, None),
        (people["editor"], path, {"expected_revision": "一"}, 422, None),
        (people["editor"], "/api/v1/drafts/999999/withdraw", {}, 404, "draft_not_found"),
        (people["editor"], "/api/v1/drafts/0/withdraw", {}, 422, None),
    ]
    for person, url, body, status, code in cases:
        r = client.post(url, json=body, headers=person.headers)
        assert r.status_code == status, (url, body, r.text)
        if code:
            assert r.json()["code"] == code and r.json()["message"]["zh"] and r.json()["message"]["en"]
    r = client.post(
        path, content=b"{not json", headers={**people["editor"].headers, "Content-Type": "application/json"}
    )
    assert r.status_code == 422
    r = client.post(path, json={})
    assert r.status_code == 401
    after = client.get(f"/api/v1/drafts/{draft['id']}", headers=people["editor"].headers).json()
    assert (after["status"], after["stage"], after["revision"]) == ("in_review", "proof1", before["revision"])
    assert "withdrawn" not in [k for k, _, _ in audit_rows(settings, draft["id"])]


def test_an_approved_draft_is_not_withdrawn_and_the_gate_still_answers_for_it(env):
    client, people, _ = env
    draft = in_review(client, people)
    steps = [("proof1", "pass"), ("proof2", "pass"), ("proof3", "pass")] + [
        (who, "approve") for who in ("rev1", "rev2", "rev3")
    ]
    for who, action in steps:
        call(client, people[who], f"/drafts/{draft['id']}/actions", {"action": action})
    refused = client.post(f"/api/v1/drafts/{draft['id']}/withdraw", json={}, headers=people["editor"].headers)
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_status"
    assert "终审通过" in refused.json()["message"]["zh"]
    gate = call(client, people["cms"], "/publish-gate", {"channel": "website", "title": TITLE, "body": BODY})
    assert gate["decision"] == "allow"


def test_a_withdrawn_draft_does_not_pass_the_gate(env):
    client, people, _ = env
    draft = in_review(client, people)
    call(client, people["editor"], f"/drafts/{draft['id']}/withdraw")
    gate = call(client, people["cms"], "/publish-gate", {"channel": "website", "title": TITLE, "body": BODY})
    assert gate["decision"] == "refuse" and gate["receipt"] is None


# --- the 撤回 button -------------------------------------------------------------------------------


def test_the_withdraw_button_is_shown_to_the_author_only_and_needs_the_csrf_token(env):
    client, people, settings = env
    draft_id = in_review(client, people)["id"]
    app = create_app(settings)
    with TestClient(app) as author, TestClient(app) as reviewer:
        token = login(author, "editor")
        page = author.get(f"/drafts/{draft_id}").text
        assert 'id="btn-withdraw"' in page and f'action="/drafts/{draft_id}/act"' in page
        reviewer_token = login(reviewer, "proof1")
        assert 'id="btn-withdraw"' not in reviewer.get(f"/drafts/{draft_id}").text
        # a forged post: no token, a wrong token, another session's token, or the reviewer's own
        for data in ({}, {"csrf_token": "forged"}, {"csrf_token": reviewer_token}):
            r = author.post(f"/drafts/{draft_id}/act", data={**data, "action": "withdraw"}, follow_redirects=False)
            assert r.status_code in (400, 403), r.status_code
        by_reviewer = reviewer.post(
            f"/drafts/{draft_id}/act", data={"csrf_token": reviewer_token, "action": "withdraw"}
        )
        assert "只有作者" in by_reviewer.text
        with unit_of_work(settings) as session:
            assert session.get(Draft, draft_id).status == "in_review"
        done = author.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "withdraw"})
        assert "已撤回" in done.text and 'id="draft-status">草稿<' in done.text
        assert 'id="btn-withdraw"' not in done.text and 'id="btn-submit"' in done.text
        assert "撤回" in author.get(f"/drafts/{draft_id}").text.split('id="history"')[-1]
        again = author.post(f"/drafts/{draft_id}/act", data={"csrf_token": token, "action": "withdraw"})
        assert "操作未执行" in again.text
    with unit_of_work(settings) as session:
        assert session.get(Draft, draft_id).status == "draft"
        kinds = session.scalars(select(AuditEntry.kind).where(AuditEntry.draft_id == draft_id)).all()
        assert kinds.count("withdrawn") == 1
