"""Reviewers' overlay: corrections keyed by stable anchors, added goals, audit log, accounts; effective views.

The parser's rows are replaced on every re-ingest, so reviewers' work lives in its own tables keyed
by the anchors of goals and items (document hash + goal id / plan year / text fingerprint), and
`v_goals` / `v_agenda_items` apply it on read. Plain SQL only (CASE, MAX, UNION ALL) so the views
run unchanged on SQLite and PostgreSQL.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FIRST_NAME = "(SELECT document_id, MIN(name) AS name FROM document_paths GROUP BY document_id)"
GOAL_FIELDS = ["plan", "goal_id", "kind", "theme", "title", "text", "status_text", "verdict", "verdict_text",
               "expectation"]
ITEM_FIELDS = ["number", "title", "case_number", "decision"]
FIRST_ITEM = "(SELECT document_id, number, MIN(id) AS id FROM agenda_items GROUP BY document_id, number)"


def _pivot(name: str, target: str, fields: list[str], flags: list[str]) -> str:
    """One row per anchor: has_<field> and <field> for every corrected field, 0/1 for flags."""
    cols = []
    for f in fields:
        cols.append(f"MAX(CASE WHEN field = '{f}' THEN 1 ELSE 0 END) AS has_{f}")
        cols.append(f"MAX(CASE WHEN field = '{f}' THEN new_value END) AS {f}")
    for f in flags:
        cols.append(f"MAX(CASE WHEN field = '{f}' THEN 1 ELSE 0 END) AS {f}")
    cols.append("MAX(CASE WHEN field <> 'confirmed' THEN 1 ELSE 0 END) AS corrected")
    return (f"CREATE VIEW {name} AS SELECT anchor, {', '.join(cols)} FROM corrections "
            f"WHERE state = 'active' AND target = '{target}' GROUP BY anchor")


def _eff(alias: str, field: str, base: str) -> str:
    return f"CASE WHEN {alias}.has_{field} = 1 THEN {alias}.{field} ELSE {base}.{field} END"


REVIEW_STATE = ("CASE WHEN c.corrected = 1 THEN 'corrected' WHEN c.confirmed = 1 THEN 'confirmed' "
                "ELSE 'unreviewed' END")


def _create_views() -> None:
    op.execute(_pivot("v_goal_corrections", "goal", GOAL_FIELDS + ["plan_year"], ["not_goal", "confirmed"]))
    op.execute(_pivot("v_item_corrections", "item", ITEM_FIELDS, ["false_item", "confirmed"]))
    goal_cols = ", ".join(f"{_eff('c', f, 'g')} AS {f}" for f in GOAL_FIELDS)
    op.execute(f"""
        CREATE VIEW v_goals AS
        SELECT g.id, dp.name AS document, m.municipality, m.body, m.date AS meeting_date,
               {_eff('ic', 'number', 'ai')} AS agenda_item, {_eff('ic', 'title', 'ai')} AS agenda_title,
               CASE WHEN c.has_plan_year = 1 THEN CAST(c.plan_year AS INTEGER) ELSE g.plan_year END AS plan_year,
               {goal_cols},
               g.confidence, g.layout, g.page, g.anchor, g.document_id, g.item_id, g.seq,
               'parser' AS source, {REVIEW_STATE} AS review_state
        FROM goals g
        JOIN documents d ON d.id = g.document_id
        LEFT JOIN meetings m ON m.document_id = d.id
        LEFT JOIN agenda_items ai ON ai.id = g.item_id
        LEFT JOIN v_item_corrections ic ON ic.anchor = ai.anchor
        LEFT JOIN {FIRST_NAME} dp ON dp.document_id = d.id
        LEFT JOIN v_goal_corrections c ON c.anchor = g.anchor
        WHERE COALESCE(c.not_goal, 0) = 0
        UNION ALL
        SELECT -r.id, dp.name, m.municipality, m.body, m.date, r.item_number, ai.title, r.plan_year,
               r.plan, r.goal_id, r.kind, r.theme, r.title, r.text, r.status_text, r.verdict, r.verdict_text,
               r.expectation, 1.0, 'review', r.page, r.anchor, d.id, fi.id, r.seq, 'reviewer', 'corrected'
        FROM review_goals r
        JOIN documents d ON d.sha256 = r.document_sha256
        LEFT JOIN meetings m ON m.document_id = d.id
        LEFT JOIN {FIRST_ITEM} fi ON fi.document_id = d.id AND fi.number = r.item_number
        LEFT JOIN agenda_items ai ON ai.id = fi.id
        LEFT JOIN {FIRST_NAME} dp ON dp.document_id = d.id
        WHERE r.state = 'active'
    """)
    op.execute(f"""
        CREATE VIEW v_agenda_items AS
        SELECT ai.id, dp.name AS document, m.municipality, m.body, m.date AS meeting_date,
               {_eff('ic', 'number', 'ai')} AS number, {_eff('ic', 'title', 'ai')} AS title,
               {_eff('ic', 'case_number', 'ai')} AS case_number, ai.closed,
               {_eff('ic', 'decision', 'ai')} AS decision, ai.page_start, ai.page_end, ai.anchor,
               ai.document_id, ai.seq,
               CASE WHEN ic.corrected = 1 THEN 'corrected' WHEN ic.confirmed = 1 THEN 'confirmed'
                    ELSE 'unreviewed' END AS review_state
        FROM agenda_items ai
        JOIN documents d ON d.id = ai.document_id
        LEFT JOIN meetings m ON m.document_id = d.id
        LEFT JOIN {FIRST_NAME} dp ON dp.document_id = d.id
        LEFT JOIN v_item_corrections ic ON ic.anchor = ai.anchor
        WHERE COALESCE(ic.false_item, 0) = 0
    """)


def upgrade() -> None:
    op.create_table(
        "review_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("anchor", sa.String(160), nullable=False, index=True),
        sa.Column("document_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("document_name", sa.String(512), nullable=True),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "review_goals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("anchor", sa.String(160), nullable=False, unique=True),
        sa.Column("document_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("document_name", sa.String(512), nullable=True),
        sa.Column("item_number", sa.String(16), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(256), nullable=True),
        sa.Column("plan_year", sa.Integer(), nullable=True),
        sa.Column("goal_id", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(32), nullable=True),
        sa.Column("theme", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status_text", sa.Text(), nullable=True),
        sa.Column("verdict", sa.String(24), nullable=False),
        sa.Column("verdict_text", sa.Text(), nullable=True),
        sa.Column("expectation", sa.String(24), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "review_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False, index=True),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("anchor", sa.String(160), nullable=False, index=True),
        sa.Column("field", sa.String(32), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    op.execute("DROP VIEW IF EXISTS v_goals")
    op.execute("DROP VIEW IF EXISTS v_agenda_items")
    _create_views()


def downgrade() -> None:
    for view in ("v_goals", "v_agenda_items", "v_goal_corrections", "v_item_corrections"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
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
    for table in ("review_audit", "review_goals", "corrections", "review_users"):
        op.drop_table(table)
