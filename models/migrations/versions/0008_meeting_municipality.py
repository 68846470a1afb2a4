"""meetings.municipality_code and meetings.municipality_printed: `municipality` now holds the
official name (`Norddjurs`, also for `Norrdjurs Kommune` or a pre-2007 `Grenaa Kommune`), so goal
series of one municipality meet across years; the code and the name as printed sit beside it.

Revision ID: 0008
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.add_column(sa.Column("municipality_code", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("municipality_printed", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.drop_column("municipality_printed")
        batch_op.drop_column("municipality_code")
