"""goals: one headline measure per goal beside the full figure list.

An analyst charts one target (or a direction for an øges/reduceres/fastholdes goal), the latest
observed value with its period, and the baseline the status states; these columns hold what
parsers/extract/headline.py chose. Reviewers' corrections of them live in `corrections` (fields
`target_value`, …) and are applied on read (models/headline.py), so no view changes here.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = [
    ("target_value", sa.Float()),
    ("target_unit", sa.String(32)),
    ("target_comparison", sa.String(16)),
    ("target_direction", sa.String(16)),
    ("observed_value", sa.Float()),
    ("observed_unit", sa.String(32)),
    ("observed_period", sa.String(64)),
    ("baseline_value", sa.Float()),
    ("baseline_period", sa.String(64)),
]


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("goals", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35, PostgreSQL): a batch rebuild of `goals` would break the views
    # that read it (v_goals, v_figures, goal_history) while the table is swapped.
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE goals DROP COLUMN {name}")
