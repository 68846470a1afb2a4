"""file_outcomes.mtime_ns: a re-ingest skips a file whose (path, size, mtime) is unchanged without
reading it, which is what makes re-runs over a large archive take seconds instead of minutes.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("file_outcomes") as batch_op:
        batch_op.add_column(sa.Column("mtime_ns", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("file_outcomes") as batch_op:
        batch_op.drop_column("mtime_ns")
