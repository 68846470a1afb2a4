"""Goal versions: reprints of one goal are one version with several occurrences, linked as a chain.

Until 0006 every reprint of a goal was linked to every other reprint (pairwise `same_plan` links),
so links grew with the square of the reprints. From here `goal_versions` holds each goal once per
plan year, `goal_series.version`/`position` place each occurrence in its version's chain, and
`goal_links` keeps a chain link per occurrence plus the next-plan links between versions.

Converting: machine proposals (`proposed`, not `manual`) are dropped — they are recomputed in the new
form by the next `maalspor ingest` or `maalspor link` (both link every municipality that has goals
outside a version, i.e. all of them after this migration). Reviewers' links (`confirmed`, `rejected`,
`manual`) stay as they are and keep their meaning: a confirmed link joins the two goals' series, a
rejected one keeps its goal out of that version and that version pair from being proposed. Series ids
stay on `goal_series`, and each version takes the id its first occurrence had, so no series is renamed.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goal_versions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality", sa.String(length=128), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=256), nullable=True),
        sa.Column("goal_id", sa.String(length=32), nullable=True),
        sa.Column("theme", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("rep_anchor", sa.String(length=160), nullable=True),
        sa.Column("first_position", sa.String(length=200), nullable=False),
        sa.Column("series", sa.String(length=170), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_goal_versions_municipality_year", "goal_versions", ["municipality", "plan_year"])
    with op.batch_alter_table("goal_series") as batch_op:
        batch_op.add_column(sa.Column("version", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("position", sa.String(length=200), nullable=True))
    op.create_index("ix_goal_series_version_position", "goal_series", ["version", "position"])
    op.execute("DELETE FROM goal_links WHERE state = 'proposed' AND method <> 'manual'")


def downgrade() -> None:
    # the chain and next-plan proposals stay; `maalspor link` under 0006 adds the pairwise ones again
    op.drop_index("ix_goal_series_version_position", table_name="goal_series")
    # plain DROP COLUMN (SQLite ≥ 3.35): a batch rebuild of goal_series would break the views on it
    op.drop_column("goal_series", "position")
    op.drop_column("goal_series", "version")
    op.drop_index("ix_goal_versions_municipality_year", table_name="goal_versions")
    op.drop_table("goal_versions")
