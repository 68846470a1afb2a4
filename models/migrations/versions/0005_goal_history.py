"""Goal history: links between goals across plans and follow-ups, series, and the analyst views on them.

`goal_links` and `goal_series` are keyed by goal anchors (stable across re-ingest), never by goal
ids. `goal_history` and `verdict_summary` read goals through `v_goals`, so corrections applied in
that view reach them too. Plain SQL that SQLite and PostgreSQL both run.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VERDICTS = ("met", "not_met", "expected_met", "expected_not_met", "too_early", "not_measurable", "dropped",
            "partly_met", "none")


def _first_figure(role: str) -> str:
    return (f"(SELECT MIN(f.id) FROM figures f WHERE f.goal_id = vg.id AND f.role = '{role}')")


def upgrade() -> None:
    op.create_table(
        "goal_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_anchor", sa.String(length=160), nullable=False),
        sa.Column("to_anchor", sa.String(length=160), nullable=False),
        sa.Column("municipality", sa.String(length=128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_anchor", "to_anchor", name="uq_goal_links_pair"),
    )
    for col in ("from_anchor", "to_anchor", "municipality", "state"):
        op.create_index(f"ix_goal_links_{col}", "goal_links", [col])
    op.create_table(
        "goal_series",
        sa.Column("anchor", sa.String(length=160), nullable=False),
        sa.Column("series", sa.String(length=170), nullable=False),
        sa.Column("municipality", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("anchor"),
    )
    op.create_index("ix_goal_series_series", "goal_series", ["series"])
    op.create_index("ix_goal_series_municipality", "goal_series", ["municipality"])
    op.execute(f"""
        CREATE VIEW goal_history AS
        SELECT vg.municipality, vg.body, COALESCE(gs.series, vg.anchor) AS series, vg.plan, vg.plan_year,
               vg.meeting_date AS follow_up_date, vg.goal_id, vg.title, vg.text AS statement, vg.verdict,
               vg.expectation, ft.value AS target_value, ft.unit AS target_unit, ft.period AS target_period,
               ft.raw AS target_raw, fo.value AS observed_value, fo.unit AS observed_unit,
               fo.period AS observed_period, fo.raw AS observed_raw, vg.document, vg.page, vg.agenda_item,
               vg.anchor, vg.id AS goal_row
        FROM v_goals vg
        LEFT JOIN goal_series gs ON gs.anchor = vg.anchor
        LEFT JOIN figures ft ON ft.id = {_first_figure('target')}
        LEFT JOIN figures fo ON fo.id = {_first_figure('observed')}
    """)
    counts = ",\n               ".join(f"SUM(CASE WHEN vg.verdict = '{v}' THEN 1 ELSE 0 END) AS {v}" for v in VERDICTS)
    op.execute(f"""
        CREATE VIEW verdict_summary AS
        SELECT c.municipality, c.body, c.plan_year, c.follow_up_date, c.document, c.goals,
               {", ".join(f"c.{v}" for v in VERDICTS)},
               ds.counts AS declared, ds.extracted AS declared_extracted,
               CASE WHEN ds.id IS NULL THEN NULL WHEN ds.mismatch THEN 1 ELSE 0 END AS mismatch
        FROM (
          SELECT vg.document_id, vg.municipality, vg.body, vg.plan_year, vg.meeting_date AS follow_up_date,
                 vg.document, COUNT(*) AS goals,
               {counts}
          FROM v_goals vg
          GROUP BY vg.document_id, vg.municipality, vg.body, vg.plan_year, vg.meeting_date, vg.document
        ) c
        LEFT JOIN declared_summaries ds ON ds.document_id = c.document_id AND ds.plan_year = c.plan_year
    """)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS verdict_summary")
    op.execute("DROP VIEW IF EXISTS goal_history")
    op.drop_table("goal_series")
    op.drop_table("goal_links")
