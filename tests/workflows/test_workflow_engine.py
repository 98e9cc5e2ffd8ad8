"""三审三校 rules in the pure workflow engine, and a permission matrix of roles × actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workflows.definition import Action, DefinitionError, load_definition, load_definitions
from workflows.engine import active_stages, apply, available_actions, change_content, start, waive
from workflows.refusals import Reason, Refusal
from workflows.state import Actor, CheckStatus, Facts, FindingRef, Status

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
DEFS = load_definitions()
WEBSITE = DEFS["website"]

AUTHOR = Actor(1, frozenset({"editor"}), "办公室")
P1, P2, P3 = (Actor(i, frozenset({"proofreader"}), "办公室") for i in (11, 12, 13))
R1 = Actor(21, frozenset({"reviewer1"}), "办公室")
R2 = Actor(22, frozenset({"reviewer2"}), "办公室")
R3 = Actor(23, frozenset({"reviewer3"}), "办公室")
ALL_ROUNDER = Actor(30, frozenset({"proofreader", "reviewer1", "reviewer2", "reviewer3"}), "办公室")


def facts(content_hash: str = "h1", findings: tuple[FindingRef, ...] = (), public: bool = True, now=NOW) -> Facts:
    return Facts(content_hash, findings, public, now)


def run(state, actor, action, f=None, **kw):
    return apply(WEBSITE, state, actor, action, f or facts(state.content_hash), **kw).state


def through_proofreads(state):
    state = run(state, AUTHOR, Action.SUBMIT)
    for proofreader in (P1, P2, P3):
        state = run(state, proofreader, Action.PASS)
    return state


def test_definitions_order_is_three_proofreads_then_three_reviews():
    for name in ("website", "new_media"):
        labels = [s.label for s in load_definitions()[name].stages if not s.optional]
        assert labels == ["一校", "二校", "三校", "初审", "复审", "终审"]


def test_happy_path_reaches_approved_with_events():
    state = through_proofreads(start(WEBSITE, author=AUTHOR.id, content_hash="h1"))
    assert state.stage == "review1"
    state = run(state, R1, Action.APPROVE)
    state = run(state, R2, Action.APPROVE)
    outcome = apply(WEBSITE, state, R3, Action.APPROVE, facts())
    assert outcome.state.status is Status.APPROVED
    assert [e.kind for e in outcome.events] == ["approved", "workflow_approved"]
    assert {d.actor for d in outcome.state.decisions} == {11, 12, 13, 21, 22, 23}


def refused(reason: Reason, *args, **kwargs):
    with pytest.raises(Refusal) as info:
        apply(*args, **kwargs)
    assert info.value.reason is reason
    assert info.value.message_zh and info.value.message_en


@pytest.mark.parametrize(("check", "reason"), [("checking", Reason.CHECK_PENDING), ("failed", Reason.CHECK_FAILED)])
def test_decisions_wait_for_the_current_contents_check(check, reason):
    """Submit, pass and approve rest on a finished check; return, edit and claim do not."""
    waiting = Facts("h1", (), True, NOW, CheckStatus(check))
    draft = start(WEBSITE, author=AUTHOR.id, content_hash="h1")
    refused(reason, WEBSITE, draft, AUTHOR, Action.SUBMIT, waiting)
    assert Action.SUBMIT not in available_actions(WEBSITE, draft, AUTHOR, waiting)
    at_proofread = run(draft, AUTHOR, Action.SUBMIT)
    refused(reason, WEBSITE, at_proofread, P1, Action.PASS, waiting)
    assert set(available_actions(WEBSITE, at_proofread, P1, waiting)) == {Action.EDIT, Action.RETURN, Action.CLAIM}
    assert set(available_actions(WEBSITE, at_proofread, P1, facts())) >= {Action.PASS, Action.EDIT, Action.RETURN}
    returned = apply(WEBSITE, at_proofread, P1, Action.RETURN, waiting, comment="请补充").state
    assert returned.status is Status.RETURNED
    at_review = through_proofreads(draft)
    refused(reason, WEBSITE, at_review, R1, Action.APPROVE, waiting)
    refused(reason, WEBSITE, at_review, R1, Action.APPROVE, waiting, expected_revision=at_review.revision + 1)
    assert run(at_review, R1, Action.APPROVE).stage == "review2"  # once the check is done


def test_author_never_acts_on_own_draft():
    author_reviewer = Actor(1, frozenset({"editor", "proofreader"}))
    state = run(start(WEBSITE, author=1, content_hash="h1"), author_reviewer, Action.SUBMIT)
    refused(Reason.OWN_DRAFT, WEBSITE, state, author_reviewer, Action.PASS, facts())
    assert Action.PASS not in available_actions(WEBSITE, state, author_reviewer, facts())


def test_one_person_holds_at_most_one_stage_but_may_repeat_it_after_return():
    state = run(start(WEBSITE, author=1, content_hash="h1"), AUTHOR, Action.SUBMIT)
    state = run(state, ALL_ROUNDER, Action.PASS)  # 一校
    refused(Reason.HOLDS_OTHER_STAGE, WEBSITE, state, ALL_ROUNDER, Action.PASS, facts())
    state = run(state, P2, Action.RETURN, comment="请补充附件")
    state = run(state, AUTHOR, Action.SUBMIT)
    assert run(state, ALL_ROUNDER, Action.PASS).stage == "proof2"  # 一校 again is fine


def test_return_needs_a_comment_and_goes_back_to_the_author():
    state = through_proofreads(start(WEBSITE, author=1, content_hash="h1"))
    refused(Reason.COMMENT_REQUIRED, WEBSITE, state, R1, Action.RETURN, facts(), comment="  ")
    returned = run(state, R1, Action.RETURN, comment="数据需核实")
    assert (returned.status, returned.stage, returned.decisions) == (Status.RETURNED, None, ())
    refused(Reason.WRONG_STATUS, WEBSITE, returned, R2, Action.APPROVE, facts())
    assert available_actions(WEBSITE, returned, AUTHOR, facts()) == (Action.SUBMIT,)


def test_proofreaders_pass_edit_return_and_reviewers_approve_return():
    state = run(start(WEBSITE, author=1, content_hash="h1"), AUTHOR, Action.SUBMIT)
    assert set(available_actions(WEBSITE, state, P1, facts())) == {
        Action.PASS,
        Action.EDIT,
        Action.RETURN,
        Action.CLAIM,
    }
    refused(Reason.NOT_YOUR_STAGE, WEBSITE, state, R1, Action.APPROVE, facts())
    state = through_proofreads(start(WEBSITE, author=1, content_hash="h1"))
    refused(Reason.ACTION_NOT_ALLOWED, WEBSITE, state, R1, Action.EDIT, facts(), new_content_hash="h2")
    refused(Reason.ACTION_NOT_ALLOWED, WEBSITE, state, R1, Action.PASS, facts())


def test_edit_is_a_new_version_and_voids_review_approvals():
    state = run(start(WEBSITE, author=1, content_hash="h1"), AUTHOR, Action.SUBMIT)
    refused(Reason.CONTENT_UNCHANGED, WEBSITE, state, P1, Action.EDIT, facts(), new_content_hash="h1")
    edited = run(state, P1, Action.EDIT, new_content_hash="h2")
    assert (edited.content_hash, edited.stage) == ("h2", "proof1")


def test_author_edit_after_approval_voids_reviews_and_returns_to_first_review():
    state = through_proofreads(start(WEBSITE, author=1, content_hash="h1"))
    for reviewer in (R1, R2, R3):
        state = run(state, reviewer, Action.APPROVE)
    assert state.status is Status.APPROVED
    outcome = change_content(WEBSITE, state, AUTHOR, "h2", facts("h2"))
    assert (outcome.state.status, outcome.state.stage) == (Status.IN_REVIEW, "review1")
    assert {d.stage for d in outcome.state.decisions} == {"proof1", "proof2", "proof3"}
    assert outcome.events[-1].data["stages"] == ["review1", "review2", "review3"]
    with pytest.raises(Refusal) as info:
        change_content(WEBSITE, outcome.state, AUTHOR, "h3", facts("h3"))
    assert info.value.reason is Reason.WRONG_STATUS


def test_block_finding_must_be_fixed_or_waived_before_final_approval():
    pii = FindingRef("body:pii.phone:10:21", "pii.phone", "block")
    f = facts(findings=(pii,))
    state = through_proofreads(start(WEBSITE, author=1, content_hash="h1"))
    state = run(state, R1, Action.APPROVE, f)
    with pytest.raises(Refusal) as info:
        waive(WEBSITE, state, R1, pii, "已核实", f)  # wrong stage: review2 waives
    assert info.value.reason is Reason.NOT_YOUR_STAGE
    with pytest.raises(Refusal) as info:
        waive(WEBSITE, state, R2, pii, "  ", f)
    assert info.value.reason is Reason.REASON_REQUIRED
    state = waive(WEBSITE, state, R2, pii, "号码为单位公开电话", f).state
    state = run(state, R2, Action.APPROVE, f)
    assert run(state, R3, Action.APPROVE, f).status is Status.APPROVED


def test_unwaived_block_refuses_final_approval():
    secret = FindingRef("body:secret.marking:0:3", "secret.marking", "block")
    f = facts(findings=(secret,))
    state = through_proofreads(start(WEBSITE, author=1, content_hash="h1"))
    state = run(run(state, R1, Action.APPROVE, f), R2, Action.APPROVE, f)
    refused(Reason.UNRESOLVED_BLOCK, WEBSITE, state, R3, Action.APPROVE, f)
    assert Action.APPROVE not in available_actions(WEBSITE, state, R3, f)
    with pytest.raises(Refusal) as info:
        waive(WEBSITE, state, R3, secret, "理由", f)
    assert info.value.reason is Reason.UNWAIVABLE
    internal = facts(findings=(secret,), public=False)
    state = waive(WEBSITE, state, R3, secret, "内部渠道", internal).state
    assert run(state, R3, Action.APPROVE, internal).status is Status.APPROVED


def test_waiver_covers_one_content_hash():
    pii = FindingRef("k", "pii.phone", "block")
    state = through_proofreads(start(WEBSITE, author=1, content_hash="h1"))
    state = run(state, R1, Action.APPROVE)
    state = waive(WEBSITE, state, R2, pii, "公开电话", facts(findings=(pii,))).state
    state = run(state, R2, Action.APPROVE)
    refused(Reason.UNRESOLVED_BLOCK, WEBSITE, state, R3, Action.APPROVE, facts("h2", (pii,)))


def test_waive_permissions_are_configured_per_stage():
    term = FindingRef("k", "term.political", "block")
    state = through_proofreads(start(WEBSITE, author=1, content_hash="h1"))
    state = run(state, R1, Action.APPROVE)
    with pytest.raises(Refusal) as info:
        waive(WEBSITE, state, R2, term, "引用原文", facts(findings=(term,)))
    assert info.value.reason is Reason.WAIVE_NOT_ALLOWED


def test_stale_revision_is_refused():
    state = run(start(WEBSITE, author=1, content_hash="h1"), AUTHOR, Action.SUBMIT)
    first = apply(WEBSITE, state, P1, Action.PASS, facts(), expected_revision=state.revision)
    assert first.state.revision == state.revision + 1
    refused(Reason.STALE, WEBSITE, first.state, P2, Action.PASS, facts(), expected_revision=state.revision)


def test_claim_blocks_others_until_it_expires():
    state = run(start(WEBSITE, author=1, content_hash="h1"), AUTHOR, Action.SUBMIT)
    state = run(state, P1, Action.CLAIM)
    refused(Reason.CLAIMED, WEBSITE, state, P2, Action.PASS, facts())
    assert available_actions(WEBSITE, state, P2, facts()) == ()
    later = facts(now=NOW + dt.timedelta(minutes=WEBSITE.claim_minutes + 1))
    assert run(state, P2, Action.PASS, later).stage == "proof2"
    assert run(run(state, P1, Action.RELEASE), P2, Action.PASS).stage == "proof2"


def test_countersign_needs_every_named_department_before_final_review():
    state = start(WEBSITE, author=1, content_hash="h1", countersign=("财政局", "司法局"))
    assert [s.key for s in active_stages(WEBSITE, state)][-2:] == ["countersign", "review3"]
    state = through_proofreads(state)
    state = run(run(state, R1, Action.APPROVE), R2, Action.APPROVE)
    assert state.stage == "countersign"
    finance = Actor(40, frozenset({"reviewer1"}), "财政局")
    refused(Reason.NOT_YOUR_STAGE, WEBSITE, state, Actor(44, frozenset({"editor"}), "财政局"), Action.APPROVE, facts())
    outsider = Actor(41, frozenset(), "司法局", external=True)
    other = Actor(42, frozenset({"reviewer3"}), "教育局")
    refused(Reason.NOT_YOUR_STAGE, WEBSITE, state, other, Action.APPROVE, facts())
    state = run(state, finance, Action.APPROVE)
    assert state.stage == "countersign"
    refused(
        Reason.ALREADY_SIGNED, WEBSITE, state, Actor(43, frozenset({"reviewer2"}), "财政局"), Action.APPROVE, facts()
    )
    state = run(state, outsider, Action.APPROVE)
    assert state.stage == "review3"


ROLES = ["editor", "proofreader", "reviewer1", "reviewer2", "reviewer3", "admin", "cms"]
STAGE_ROLE = {"proof1": "proofreader", "review1": "reviewer1", "review2": "reviewer2", "review3": "reviewer3"}


def state_at(stage_key: str):
    state = run(start(WEBSITE, author=1, content_hash="h1"), AUTHOR, Action.SUBMIT)
    order = ["proof1", "proof2", "proof3", "review1", "review2", "review3"]
    actors = {"proof1": P1, "proof2": P2, "proof3": P3, "review1": R1, "review2": R2}
    for key in order[: order.index(stage_key)]:
        state = run(state, actors[key], Action.PASS if key.startswith("proof") else Action.APPROVE)
    return state


@pytest.mark.parametrize("stage_key", list(STAGE_ROLE))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [Action.PASS, Action.EDIT, Action.APPROVE, Action.RETURN])
def test_permission_matrix(stage_key, role, action):
    state = state_at(stage_key)
    actor = Actor(99, frozenset({role}))
    stage = WEBSITE.stage(stage_key)
    allowed = role == STAGE_ROLE[stage_key] and action in stage.actions
    kwargs = {"comment": "意见", "new_content_hash": "h9"}
    if allowed:
        assert apply(WEBSITE, state, actor, action, facts(), **kwargs).state.revision == state.revision + 1
        assert action in available_actions(WEBSITE, state, actor, facts())
    else:
        with pytest.raises(Refusal):
            apply(WEBSITE, state, actor, action, facts(), **kwargs)
        assert action not in available_actions(WEBSITE, state, actor, facts())


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("name: x\nlabel: x\nchannel: website\nstages: []\n", "at least 1"),
        (
            "name: x\nlabel: x\nchannel: website\nstages:\n"
            "  - {key: a, label: a, kind: review, role: r, actions: [edit]}\n",
            "cannot",
        ),
        (
            "name: x\nlabel: x\nchannel: website\nstages:\n"
            "  - {key: a, label: a, kind: review, role: r, actions: [approve]}\n"
            "  - {key: a, label: b, kind: review, role: r, actions: [approve]}\n",
            "duplicate",
        ),
        (
            "name: x\nlabel: x\nchannel: website\nstages:\n"
            "  - {key: a, label: a, kind: proofread, role: r, actions: [pass]}\n",
            "final stage",
        ),
    ],
)
def test_bad_definitions_fail_loudly_naming_the_file(tmp_path: Path, yaml_text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(DefinitionError, match=message) as info:
        load_definition(path)
    assert "bad.yaml" in str(info.value)


def test_organisation_adds_its_own_definition_without_code(tmp_path: Path):
    (tmp_path / "short.yaml").write_text(
        "name: weibo_quick\nlabel: 微博快审\nchannel: new_media\nstages:\n"
        "  - {key: proof, label: 校对, kind: proofread, role: proofreader, actions: [pass, return]}\n"
        "  - {key: final, label: 终审, kind: review, role: reviewer3, actions: [approve, return]}\n",
        encoding="utf-8",
    )
    definitions = load_definitions(tmp_path)
    assert {"website", "new_media", "weibo_quick"} <= set(definitions)
    quick = definitions["weibo_quick"]
    state = apply(quick, start(quick, author=1, content_hash="h"), AUTHOR, Action.SUBMIT, facts("h")).state
    state = apply(quick, state, P1, Action.PASS, facts("h")).state
    assert apply(quick, state, R3, Action.APPROVE, facts("h")).state.status is Status.APPROVED
