"""document_paths.role / publication / item_number: where a stored document came from inside an
ESDH publication (SBSYS, eDoc, Acadre) or a ZIP archive, so bilag stay tied to their item and the
referat and per-item PDFs of an export are that meeting's documents, not new meetings.

Revision ID: 0010
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_paths") as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("publication", sa.String(1024), nullable=True))
        batch_op.add_column(sa.Column("item_number", sa.String(16), nullable=True))
        batch_op.create_index("ix_document_paths_publication", ["publication"])


def downgrade() -> None:
    with op.batch_alter_table("document_paths") as batch_op:
        batch_op.drop_index("ix_document_paths_publication")
        batch_op.drop_column("item_number")
        batch_op.drop_column("publication")
        batch_op.drop_column("role")
