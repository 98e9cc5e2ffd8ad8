"""canonical form 3: each version records the form of its hash; unpublished versions rehashed

Content hashes of versions not yet published are recomputed in canonical form 3 (the browser's
HTML tree); review approvals are voided only where a browser builds another tree than form 2 saw
(see review_service/canonical_migration.py). The counts are logged at upgrade (a warning line
"canonical form 3: N versions rehashed, M published versions kept, K drafts voided").

Revision ID: 0008_form3_i11a
Revises: 0007_i15
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from review_service.canonical_migration import migrate

revision = "0008_form3_i11a"
down_revision = "0007_i15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft_versions") as batch:
        batch.add_column(sa.Column("form_version", sa.Integer, nullable=False, server_default="2"))
    migrate(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("draft_versions") as batch:
        batch.drop_column("form_version")
