"""Upgrades lose nothing: a database made by the first migration and filled, then upgraded with
`maalspor db upgrade`, still holds every row it held, value for value.

The filler reflects the tables as the first migration made them and writes a few rows into
each (with Danish letters, JSON, dates, every foreign key pointing at a real parent), so the
test keeps working unchanged as later migrations add or reshape columns: it checks the
columns that existed at 0001.

Both tests of upgrades run on SQLite and on PostgreSQL (`any_db_url`); the table-rebuilding one
is about SQLite's batch mode and runs there only.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from models import db as dbmod
from models.db import alembic_config, make_engine, upgrade
from tests.conftest import corpus_path

FIRST = "0001"
ROWS = 3
# parents before children, so every foreign key can point at a row that exists
ORDER = ["documents", "document_paths", "meetings", "agenda_items", "sections", "goals", "figures",
         "declared_summaries", "file_outcomes"]


def _value(table: str, col: sa.Column[Any], i: int, parents: dict[str, list[int]]) -> Any:
    if col.primary_key:
        return i + 1
    if col.foreign_keys:
        parent = next(iter(col.foreign_keys)).column.table.name
        ids = parents[parent]
        return ids[i % len(ids)]
    t = col.type
    if isinstance(t, sa.Boolean):
        return i % 2 == 0
    if isinstance(t, sa.Integer):
        return 10 * i + 1
    if isinstance(t, sa.Float):
        return i + 0.25
    if isinstance(t, sa.DateTime):
        return datetime(2024, 3, 12, 16, 0) + timedelta(days=i)
    if isinstance(t, sa.JSON):
        return {"mål": [i, "æøå"], "n": i} if col.name in ("counts", "extracted") else [f"værdi {i}", i]
    if isinstance(t, sa.String | sa.Text):
        length = getattr(t, "length", None) or 200
        return f"{table}.{col.name} {i} Ældreråd ø å"[:length]
    raise AssertionError(f"no test value for {table}.{col.name} ({t!r})")


def fill(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Write ROWS rows into every table as it is now; return them as written, ordered by id."""
    meta = sa.MetaData()
    meta.reflect(engine)
    assert set(ORDER) <= set(meta.tables), sorted(meta.tables)
    parents: dict[str, list[int]] = {}
    with engine.begin() as conn:
        for name in ORDER:
            table = meta.tables[name]
            rows = [{c.name: _value(name, c, i, parents) for c in table.columns} for i in range(ROWS)]
            conn.execute(table.insert(), rows)
            parents[name] = [r["id"] for r in rows]
            if conn.dialect.name == "postgresql":  # ids were given, so move the id sequence past them
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                     f"(SELECT max(id) FROM {name}))"))
    return snapshot(engine, {n: [c.name for c in meta.tables[n].columns] for n in ORDER})


def snapshot(engine: sa.Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(
            sa.select(*[meta.tables[name].c[c] for c in cols]).order_by(meta.tables[name].c.id))]
            for name, cols in columns.items()}


def columns_of(engine: sa.Engine) -> dict[str, list[str]]:
    meta = sa.MetaData()
    meta.reflect(engine)
    return {n: [c.name for c in meta.tables[n].columns] for n in ORDER}


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def first_migration_db(url: str) -> sa.Engine:
    engine = make_engine(url, migrate=False)
    upgrade(engine, FIRST)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == FIRST
    return engine


def test_db_upgrade_from_first_migration_keeps_every_row(any_db_url: str) -> None:
    url = any_db_url
    engine = first_migration_db(url)
    cols = columns_of(engine)
    before = fill(engine)
    engine.dispose()

    result = CliRunner().invoke(app, ["db", "upgrade", "--db", url])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output

    engine = make_engine(url, migrate=False)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        if conn.dialect.name == "sqlite":  # PostgreSQL enforces foreign keys all the time
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).fetchall() == []
    assert snapshot(engine, cols) == before
    # and the upgraded database takes new documents next to the old rows
    summary = pipeline.ingest_paths(engine, [corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt")])
    assert [r.outcome for r in summary.results] == ["ok"]
    assert snapshot(engine, cols)["agenda_items"][:ROWS] == before["agenda_items"]
    # running it again is a no-op
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0


def test_opening_an_old_database_upgrades_it(any_db_url: str) -> None:
    """Every command opens the database through make_engine, which upgrades on open."""
    url = any_db_url
    engine = first_migration_db(url)
    cols = columns_of(engine)
    before = fill(engine)
    engine.dispose()
    assert snapshot(make_engine(url), cols) == before


BATCH_MIGRATION = '''"""test only: rebuild `documents` the way SQLite batch migrations do (copy, drop, rename)

Revision ID: 9999
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # views that name `documents` must go while it is rebuilt (SQLite checks them on rename)
    views = op.get_bind().exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()
    for name, _ in views:
        op.execute(f"DROP VIEW {{name}}")
    with op.batch_alter_table("documents", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8), nullable=True))
    for _, sql in views:
        op.execute(sql)


def downgrade() -> None:
    with op.batch_alter_table("documents", recreate="always") as batch_op:
        batch_op.drop_column("language")
'''


def test_a_table_rebuilding_migration_keeps_child_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite cannot alter a column in place, so Alembic's batch mode copies the table, drops
    the old one and renames the copy. With foreign keys enforced, dropping `documents` would
    cascade-delete every meeting, item and goal; the upgrade must not let it."""
    migrations = tmp_path / "migrations"
    shutil.copytree(dbmod.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9999_rebuild_documents.py").write_text(
        BATCH_MIGRATION.format(down=head_revision()), encoding="utf-8")
    monkeypatch.setattr(dbmod, "MIGRATIONS", migrations)

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = first_migration_db(url)
    cols = columns_of(engine)
    before = fill(engine)
    engine.dispose()

    engine = make_engine(url, migrate=False)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    assert snapshot(engine, cols) == before


def test_every_migration_goes_down_and_up_again(any_db_url: str) -> None:
    """Each revision's downgrade undoes its upgrade on every backend: down to nothing, up to head."""
    from alembic import command

    engine = make_engine(any_db_url)
    cfg = alembic_config(any_db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    inspector = sa.inspect(engine)
    assert set(inspector.get_table_names()) == {"alembic_version"} and inspector.get_view_names() == []
    upgrade(engine)
    inspector = sa.inspect(engine)
    assert set(ORDER) <= set(inspector.get_table_names())
    assert {"v_goals", "v_agenda_items", "v_figures", "v_summary_mismatches"} <= set(inspector.get_view_names())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()


def test_runs_starting_at_once_on_an_empty_database_all_open_it(any_db_url: str) -> None:
    """Several ingests started together on a new database all migrate it on open: one creates the
    schema, the others find it made, instead of failing on a table that already exists."""
    import subprocess
    import sys

    script = "import sys; from models.db import make_engine; make_engine(sys.argv[1]).dispose()"
    procs = [subprocess.Popen([sys.executable, "-c", script, any_db_url], stderr=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent) for _ in range(4)]
    errors = [err for p in procs if (err := p.communicate(timeout=120)[1]) and p.returncode != 0]
    assert errors == []
    with make_engine(any_db_url, migrate=False).connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]


def test_migrations_make_the_schema_the_models_describe(any_db_url: str) -> None:
    """Alembic finds nothing to add, drop or retype between the migrated database and
    models/schema.py, on either backend: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.schema import Base

    with make_engine(any_db_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
