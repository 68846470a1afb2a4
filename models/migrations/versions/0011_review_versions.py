"""review_versions: the version each goal, item and goal link was last changed at, so a reviewer's
save made from a form opened before someone else's is refused instead of silently replacing it.

One row per (target, anchor) (a link's anchor is `FROM -> TO`): `version` is the id of the last
audit row of an accepted change to a goal or item, and counts a link's decisions, with who made
the change and when. Every review write takes
this row first (its UPDATE locks it on PostgreSQL and takes SQLite's write lock), compares the
version the form was opened at, and only then changes anything.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_versions",
        sa.Column("target", sa.String(8), primary_key=True),
        sa.Column("anchor", sa.String(330), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("review_versions")
