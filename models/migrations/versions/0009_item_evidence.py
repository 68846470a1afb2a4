"""agenda_items.evidence and agenda_items.listed_only: why each item is an item (its document's agenda
list, a body heading, a case number, sections, the system profile), and whether the document names it
only in its agenda list (a cut web page, a dagsorden whose item texts are separate documents).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


# plain ALTER TABLE (no batch copy): views read agenda_items, and SQLite adds a NOT NULL column with a
# constant default in place
def upgrade() -> None:
    op.add_column("agenda_items", sa.Column("evidence", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("agenda_items", sa.Column("listed_only", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("agenda_items", "listed_only")
    op.drop_column("agenda_items", "evidence")
