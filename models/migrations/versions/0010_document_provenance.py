"""document_paths.role / publication / item_number: where a stored document came from inside an
ESDH publication (SBSYS, eDoc, Acadre) or a ZIP archive, so bilag stay tied to their item and the
referat and per-item PDFs of an export are that meeting's documents, not new meetings.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE, not batch mode: rebuilding document_paths on SQLite would break the views that read it
    op.add_column("document_paths", sa.Column("role", sa.String(16), nullable=True))
    op.add_column("document_paths", sa.Column("publication", sa.String(1024), nullable=True))
    op.add_column("document_paths", sa.Column("item_number", sa.String(16), nullable=True))
    op.create_index("ix_document_paths_publication", "document_paths", ["publication"])


def downgrade() -> None:
    op.drop_index("ix_document_paths_publication", table_name="document_paths")
    for column in ("item_number", "publication", "role"):  # SQLite ≥ 3.35 drops a column in place
        op.drop_column("document_paths", column)
