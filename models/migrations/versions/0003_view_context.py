"""Analyst context: v_figures and v_summary_mismatches carry the document's name, the
municipality and the meeting date, so a figure or a flagged tally can be filtered and cited
without joining four tables by hand.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FIRST_NAME = "(SELECT document_id, MIN(name) AS name FROM document_paths GROUP BY document_id)"


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_figures")
    op.execute("DROP VIEW IF EXISTS v_summary_mismatches")
    op.execute(f"""
        CREATE VIEW v_figures AS
        SELECT f.id, f.goal_id AS goal_row, dp.name AS document, m.municipality, m.body, m.date AS meeting_date,
               g.goal_id, g.plan_year, g.anchor AS goal_anchor, f.role, f.raw, f.value, f.unit, f.scale,
               f.comparison, f.period
        FROM figures f
        JOIN goals g ON g.id = f.goal_id
        LEFT JOIN meetings m ON m.document_id = g.document_id
        LEFT JOIN {FIRST_NAME} dp ON dp.document_id = g.document_id
    """)
    op.execute(f"""
        CREATE VIEW v_summary_mismatches AS
        SELECT s.id, s.document_id, dp.name AS document, m.municipality, m.body, m.date AS meeting_date,
               ai.number AS agenda_item, ai.anchor AS item_anchor, s.plan_year, s.counts AS declared,
               s.extracted, s.text
        FROM declared_summaries s
        LEFT JOIN agenda_items ai ON ai.id = s.item_id
        LEFT JOIN meetings m ON m.document_id = s.document_id
        LEFT JOIN {FIRST_NAME} dp ON dp.document_id = s.document_id
        WHERE s.mismatch
    """)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_figures")
    op.execute("DROP VIEW IF EXISTS v_summary_mismatches")
    op.execute("""
        CREATE VIEW v_figures AS
        SELECT f.id, f.goal_id AS goal_row, g.goal_id, g.plan_year, f.role, f.raw, f.value, f.unit, f.scale,
               f.comparison, f.period
        FROM figures f JOIN goals g ON g.id = f.goal_id
    """)
    op.execute("""
        CREATE VIEW v_summary_mismatches AS
        SELECT s.id, s.document_id, ai.number AS agenda_item, s.plan_year, s.counts AS declared,
               s.extracted, s.text
        FROM declared_summaries s LEFT JOIN agenda_items ai ON ai.id = s.item_id
        WHERE s.mismatch
    """)
