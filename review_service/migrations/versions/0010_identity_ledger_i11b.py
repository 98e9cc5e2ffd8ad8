"""drafts.created_by (CMS drafts on behalf of a person) and signed audit checkpoints

Revision ID: 0010_i11b
Revises: 0009_i14
Create Date: 2026-12-04

Drafts created before keep their author: ``created_by`` is set to the author, as it was.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_i11b"
down_revision = "0009_i14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (no constraint): a batch copy of drafts would cascade-delete its versions on SQLite
    op.add_column("drafts", sa.Column("created_by_id", sa.Integer, nullable=True))
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot add a constraint to an existing table
        op.create_foreign_key("fk_drafts_created_by", "drafts", "users", ["created_by_id"], ["id"])
    op.execute("UPDATE drafts SET created_by_id = author_id")
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_row_id", sa.Integer, nullable=False, index=True),
        sa.Column("head", sa.String(64), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoints")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_drafts_created_by", "drafts", type_="foreignkey")
    op.drop_column("drafts", "created_by_id")
