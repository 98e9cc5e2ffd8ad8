"""check-run bookkeeping for Celery tasks; published archive and its re-check runs

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("check_runs") as batch:
        batch.add_column(sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("error", sa.Text, nullable=True))
        batch.add_column(sa.Column("worker", sa.String(120), nullable=True))
        batch.create_index("ix_check_runs_state", ["state"])
    op.create_table(
        "dictionary_snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("shipped", sa.String(64), nullable=False),
        sa.Column("entries", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "archive_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(1000), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("body_format", sa.String(10), nullable=False, server_default="text"),
        sa.Column("published_at", sa.Date, nullable=False, index=True),
        sa.Column("department", sa.String(120), nullable=True, index=True),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_hash", sa.String(80), nullable=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("dictionary_snapshots.id"), nullable=True),
        sa.Column("verdict", sa.String(10), nullable=True),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("correction_draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_table(
        "recheck_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("since", sa.Date, nullable=True),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("dictionary_snapshots.id"), nullable=False),
        sa.Column("in_scope", sa.Integer, nullable=False, server_default="0"),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("batches", sa.Integer, nullable=False, server_default="0"),
        sa.Column("batches_done", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "recheck_batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("recheck_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("document_ids", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text, nullable=True),
        sa.Index("ix_recheck_batches_run_state", "run_id", "state"),
    )
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("archive_document_id", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("archive_document_id")
    op.drop_table("recheck_batches")
    op.drop_table("recheck_runs")
    op.drop_table("archive_documents")
    op.drop_table("dictionary_snapshots")
    with op.batch_alter_table("check_runs") as batch:
        batch.drop_index("ix_check_runs_state")
        for name in ("worker", "error", "attempts", "finished_at", "started_at", "enqueued_at"):
            batch.drop_column(name)
