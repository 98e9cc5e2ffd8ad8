"""draft attachments: bytes in the database, findings, SHA-256 for the canonical content and the gate

Revision ID: 0009_i14
Revises: 0008_form3_i11a
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_i14"
down_revision = "0008_form3_i11a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("text_chars", sa.Integer, nullable=False, server_default="0"),
        sa.Column("masked_from", sa.String(64), nullable=True),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("draft_id", "name"),
    )
    op.create_index("ix_draft_attachments_draft_id", "draft_attachments", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_draft_attachments_draft_id", table_name="draft_attachments")
    op.drop_table("draft_attachments")
