"""The goal-history migration, views, linking and the read-only `sql` on PostgreSQL.

Runs only when MAALSPOR_TEST_PG_URL points at a PostgreSQL server we may create a throwaway
database on (e.g. postgresql+psycopg://postgres@/postgres?host=/tmp/pg&port=5432); skipped otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from ingest.sql import Refused, run_query
from models.db import make_engine
from tests.conftest import corpus_path
from tests.test_schema_docs import check_example, examples

SERVER = os.environ.get("MAALSPOR_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not SERVER, reason="set MAALSPOR_TEST_PG_URL to run against PostgreSQL")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    assert SERVER
    name = f"maalspor_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_history_on_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    files = [corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt"),
             corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt")]
    assert pipeline.ingest_paths(engine, files).exit_code == 0
    engine.dispose()
    rows = run_query("SELECT DISTINCT plan_year, goal_id, verdict FROM goal_history WHERE series IN "
                     "(SELECT series FROM goal_history WHERE statement LIKE '%gymnasial uddannelse%') "
                     "ORDER BY plan_year", pg_url).rows
    assert rows == [(2023, "5.5", "met"), (2024, "6.5", "met")]
    summary = run_query("SELECT plan_year, goals, met, mismatch FROM verdict_summary WHERE declared IS NOT NULL "
                        "ORDER BY plan_year", pg_url).rows
    assert summary == [(2023, 25, 8, 0), (2024, 22, 9, 1)]
    for statement in ("DELETE FROM goals", "WITH x AS (DELETE FROM goals RETURNING 1) SELECT count(*) FROM x",
                      "SELECT nextval('goals_id_seq')"):
        with pytest.raises(Refused):
            run_query(statement, pg_url)
    assert run_query("SELECT count(*) FROM goals", pg_url).rows == [(94,)]
    result = CliRunner().invoke(app, ["link", "--db", pg_url])
    assert result.exit_code == 0 and "0 links added" in result.output
    for query in examples():
        check_example(query, pg_url)
