"""Revision 0008_form3_i11a on a database written by the previous revision (raw SQL, form-2 hashes).

Unpublished versions get form-3 hashes and keep their approvals unless a browser builds another
tree than form 2 saw; versions a receipt was issued for keep their form-2 hash and still pass the
gate, by the form-3 hash of their stored source.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from checks import Channel
from checks.canonical import content_hash
from review_service.config import Settings
from review_service.db import alembic_config
from review_service.models import Draft, DraftVersion, User
from review_service.publish_gate import covers, decide
from review_service.services.context import ServiceContext
from review_service.signing import KeyStore

AT = "2026-11-30T08:00:00+00:00"
PREVIOUS = "0007_i15"  # the revision before 0008_form3_i11a
STAGES = ("proof1", "proof2", "proof3", "review1", "review2", "review3")
TRICK = '<p>通知。</p><!--><img src="x" onerror="alert(1)">-->'
DRAFTS = {
    1: ("text", "各单位：请做好安全生产工作。<!-- 备注 -->", False),
    2: ("html", TRICK, False),
    3: ("html", '<p class="lead">A&amp;B<a href="https://www.gov.cn/">政策</a></p>', False),
    4: ("html", '<p class="lead">已发布的页面</p>', True),
    5: ("html", '<p class=" padded ">两侧有空格的属性值</p>', False),
    6: ("html", '<p class=" confirmed ">发布已确认的页面</p>', "confirmed"),
}


def _approved_state(digest: str) -> dict:
    decisions = [
        {
            "stage": stage,
            "actor": 2 + i,
            "action": "pass" if stage.startswith("proof") else "approve",
            "content_hash": digest,
            "at": AT,
            "comment": None,
            "department": None,
        }
        for i, stage in enumerate(STAGES)
    ]
    return {
        "workflow": "website",
        "author": 1,
        "content_hash": digest,
        "status": "approved",
        "stage": None,
        "decisions": decisions,
        "holders": [[d["stage"], d["actor"]] for d in decisions],
        "claim": None,
        "waivers": [],
        "countersign_departments": [],
        "round": 1,
        "revision": 9,
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request, tmp_path, caplog):
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    settings = Settings(data_dir=tmp_path, database_url=url)
    config = alembic_config(settings)
    command.upgrade(config, PREVIOUS)
    engine = sa.create_engine(settings.sqlalchemy_url)
    old_hashes = {}
    with engine.begin() as db:
        for i, role in enumerate(("editor", "proofreader", "proofreader", "proofreader", "reviewer1", "reviewer2")):
            db.execute(
                sa.text("INSERT INTO users (id, username, role) VALUES (:id, :u, :r)"),
                {"id": i + 1, "u": f"u{i + 1}", "r": role},
            )
        db.execute(
            sa.text("INSERT INTO users (id, username, role) VALUES (7, 'reviewer3', 'reviewer3'), (8, 'cms', 'cms')")
        )
        for draft_id, (fmt, body, published) in DRAFTS.items():
            digest = content_hash(title="标题", body=body, body_format=fmt, form_version=2)
            old_hashes[draft_id] = digest
            db.execute(
                sa.text(
                    "INSERT INTO drafts (id, channel, workflow, author_id, status, run_state, revision) "
                    "VALUES (:id, 'website', 'website', 1, 'approved', :state, 9)"
                ),
                {"id": draft_id, "state": json.dumps(_approved_state(digest))},
            )
            db.execute(
                sa.text(
                    "INSERT INTO draft_versions (draft_id, number, title, body, body_format, meta, content_hash, "
                    "author_id) VALUES (:id, 1, '标题', :body, :fmt, '{}', :digest, 1)"
                ),
                {"id": draft_id, "body": body, "fmt": fmt, "digest": digest},
            )
            if published == "confirmed":
                db.execute(sa.text("UPDATE drafts SET published_at = :at WHERE id = :id"), {"at": AT, "id": draft_id})
            elif published:
                db.execute(
                    sa.text(
                        "INSERT INTO audit_log (at, actor_id, kind, draft_id, data, prev_hash, hash) "
                        "VALUES (:at, 8, 'gate_allow', :id, :data, :prev, :hash)"
                    ),
                    {
                        "at": AT,
                        "id": draft_id,
                        "data": json.dumps({"channel": "website", "content_hash": digest}),
                        "prev": "0" * 64,
                        "hash": "1" * 64,
                    },
                )
    caplog.set_level("WARNING")
    command.upgrade(config, "head")
    yield engine, old_hashes, caplog.text, settings
    engine.dispose()


def _draft(db, draft_id):
    row = db.execute(
        sa.text("SELECT run_state, status, stage, revision FROM drafts WHERE id = :id"), {"id": draft_id}
    ).one()
    version = db.execute(
        sa.text("SELECT content_hash, form_version FROM draft_versions WHERE draft_id = :id"), {"id": draft_id}
    ).one()
    state = row.run_state if isinstance(row.run_state, dict) else json.loads(row.run_state)
    return state, row, version


def test_unpublished_versions_get_form_3_hashes_and_the_run_state_follows(migrated):
    engine, old, _, _ = migrated
    with engine.connect() as db:
        for draft_id in (1, 2, 3, 5):
            fmt, body, _ = DRAFTS[draft_id]
            state, _, version = _draft(db, draft_id)
            expected = content_hash(title="标题", body=body, body_format=fmt)
            assert version.form_version == 3
            assert version.content_hash == expected != old[draft_id]
            assert state["content_hash"] == expected
            assert all(d["content_hash"] == expected for d in state["decisions"])


def test_approvals_stay_where_the_tree_is_the_same(migrated):
    engine, _, _, _ = migrated
    with engine.connect() as db:
        for draft_id in (1, 3):
            state, row, _ = _draft(db, draft_id)
            assert row.status == state["status"] == "approved"
            assert [d["action"] for d in state["decisions"]].count("approve") == 3
            assert row.revision == 9


def test_approvals_are_voided_where_a_browser_builds_another_tree(migrated):
    engine, _, log, _ = migrated
    with engine.connect() as db:
        for draft_id in (2, 5):  # an empty comment closed early; an attribute form 2 trimmed
            state, row, _ = _draft(db, draft_id)
            assert row.status == state["status"] == "in_review"
            assert row.stage == state["stage"] == "review1"
            assert [d["action"] for d in state["decisions"]] == ["pass", "pass", "pass"]
            assert row.revision == state["revision"] == 10
    assert "4 versions rehashed, 2 published versions kept, 2 drafts voided: [2, 5]" in log


def test_a_published_version_keeps_its_form_2_hash_and_still_passes_the_gate(migrated, tmp_path):
    engine, old, _, _ = migrated
    with engine.connect() as db:
        for draft_id in (4, 6):  # a receipt was issued; a CMS confirmed the publication
            state, row, version = _draft(db, draft_id)
            assert (version.content_hash, version.form_version) == (old[draft_id], 2)
            assert state["content_hash"] == old[draft_id] and row.status == "approved"
    _, body, _ = DRAFTS[4]
    with Session(engine) as session:
        ctx = ServiceContext(session=session, settings=Settings(data_dir=tmp_path))  # the gate's unit of work
        cms = session.get(User, 8)
        keys = KeyStore(tmp_path / "keys")
        allowed = decide(
            ctx,
            keys=keys,
            caller=cms,
            channel=Channel.WEBSITE,
            title="标题",
            body=body,
            summary=None,
            body_format="html",
        )
        assert allowed.allow and allowed.receipt is not None
        assert allowed.receipt["payload"]["form_version"] == 3
        assert allowed.receipt["payload"]["content_hash"] == content_hash(title="标题", body=body, body_format="html")
        # content that only form 2 confuses with the published page does not pass
        padded = body.replace('class="lead"', 'class=" lead "')
        assert content_hash(title="标题", body=padded, body_format="html", form_version=2) == old[4]
        refused = decide(
            ctx,
            keys=keys,
            caller=cms,
            channel=Channel.WEBSITE,
            title="标题",
            body=padded,
            summary=None,
            body_format="html",
        )
        assert not refused.allow and refused.reason == "not_reviewed"
        # a CMS confirming publication with the new receipt names the same approved content
        draft = session.get(Draft, 4)
        assert covers(draft, allowed.receipt["payload"]["content_hash"])
        assert covers(draft, old[4])  # a receipt issued before form 3
        assert not covers(draft, content_hash(title="标题", body=padded, body_format="html"))
        assert session.query(DraftVersion).count() == len(DRAFTS)
        session.rollback()
    assert dt.datetime.fromisoformat(allowed.receipt["payload"]["issued_at"]).tzinfo is not None
