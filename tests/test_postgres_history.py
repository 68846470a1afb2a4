"""The goal-history migration, views, linking and the read-only `sql` on PostgreSQL (the session's
throw-away cluster from tests/pg.py, or the server $MAALSPOR_TEST_PG names; skipped without one)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from ingest.sql import Refused, run_query
from models.db import make_engine
from tests.conftest import corpus_path
from tests.test_schema_docs import check_example, examples

pytestmark = pytest.mark.postgresql


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
    # the read-only commands open PostgreSQL through open_readonly (a READ ONLY session), and work there
    for args in (["history", "gymnasial uddannelse"], ["export", "history", "-f", "csv"], ["export", "links"],
                 ["review", "log"], ["review", "orphans"], ["goals", "--year", "2024"]):
        result = CliRunner().invoke(app, [*args, "--db", pg_url])
        assert result.exit_code == 0, (args, result.output)
    assert "5.5" in CliRunner().invoke(app, ["history", "gymnasial uddannelse", "--db", pg_url]).output
