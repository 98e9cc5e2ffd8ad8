"""indexes for the 待办 count and the paged queue; findings about a version's source file

Revision ID: 0011_i15p
Revises: 0010_i11b
Create Date: 2026-12-04

``draft_versions.file_findings``: what the uploaded .docx hid (revisions, comments, hidden text),
found when the file was read and kept with the version so every stage sees it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_i15p"
down_revision = "0010_i11b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_drafts_status_stage", "drafts", ["status", "stage"])
    op.create_index("ix_drafts_author_status", "drafts", ["author_id", "status"])
    op.create_index("ix_audit_log_draft_kind", "audit_log", ["draft_id", "kind"])
    op.add_column("draft_versions", sa.Column("file_findings", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("draft_versions", "file_findings")
    op.drop_index("ix_audit_log_draft_kind", table_name="audit_log")
    op.drop_index("ix_drafts_author_status", table_name="drafts")
    op.drop_index("ix_drafts_status_stage", table_name="drafts")
