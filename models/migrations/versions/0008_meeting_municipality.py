"""meetings.municipality_code and meetings.municipality_printed: `municipality` now holds the
official name (`Norddjurs`, also for `Norrdjurs Kommune` or a pre-2007 `Grenaa Kommune`), so goal
series of one municipality meet across years; the code and the name as printed sit beside it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both backends: a batch (copy-and-rename) on SQLite would break the views
# that read `meetings` (SQLite ≥ 3.35 drops a column in place).
def upgrade() -> None:
    op.add_column("meetings", sa.Column("municipality_code", sa.Integer(), nullable=True))
    op.add_column("meetings", sa.Column("municipality_printed", sa.String(length=128), nullable=True))


def downgrade() -> None:
    op.drop_column("meetings", "municipality_printed")
    op.drop_column("meetings", "municipality_code")
