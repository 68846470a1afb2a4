"""Analyst views: goals and items with their document, meeting and agenda item joined in.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FIRST_NAME = "(SELECT document_id, MIN(name) AS name FROM document_paths GROUP BY document_id)"


def upgrade() -> None:
    op.execute(f"""
        CREATE VIEW v_goals AS
        SELECT g.id, dp.name AS document, m.municipality, m.body, m.date AS meeting_date,
               ai.number AS agenda_item, ai.title AS agenda_title, g.plan, g.plan_year, g.goal_id, g.kind,
               g.theme, g.title, g.text, g.status_text, g.verdict, g.verdict_text, g.expectation,
               g.confidence, g.layout, g.page, g.anchor
        FROM goals g
        JOIN documents d ON d.id = g.document_id
        LEFT JOIN meetings m ON m.document_id = d.id
        LEFT JOIN agenda_items ai ON ai.id = g.item_id
        LEFT JOIN {FIRST_NAME} dp ON dp.document_id = d.id
    """)
    op.execute(f"""
        CREATE VIEW v_agenda_items AS
        SELECT ai.id, dp.name AS document, m.municipality, m.body, m.date AS meeting_date, ai.number,
               ai.title, ai.case_number, ai.closed, ai.decision, ai.page_start, ai.page_end, ai.anchor
        FROM agenda_items ai
        JOIN documents d ON d.id = ai.document_id
        LEFT JOIN meetings m ON m.document_id = d.id
        LEFT JOIN {FIRST_NAME} dp ON dp.document_id = d.id
    """)
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


def downgrade() -> None:
    for view in ("v_summary_mismatches", "v_figures", "v_agenda_items", "v_goals"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
