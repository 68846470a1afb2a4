"""`maalspor sql` only reads: every kind of write is refused with one line and the file is byte-identical."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from models.db import make_engine
from tests.conftest import ROOT

WRITES = [
    "DELETE FROM goals",
    "delete from goals where 1=1;",
    "UPDATE goals SET verdict = 'met'",
    "INSERT INTO goal_links (from_anchor) VALUES ('x')",
    "DROP VIEW goal_history",
    "CREATE TABLE t (x)",
    "ATTACH DATABASE 'other.sqlite' AS other",
    "PRAGMA writable_schema=1",
    "PRAGMA writable_schema = ON",
    "PRAGMA journal_mode=DELETE",
    "VACUUM",
    "REINDEX",
    "WITH x AS (SELECT 1) DELETE FROM goals",
    "SELECT 1; DELETE FROM goals",
    "/* hidden */ DELETE FROM goals",
    "BEGIN; DELETE FROM goals; COMMIT",
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sql") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    summary = pipeline.ingest_paths(engine, [ROOT / "data" / "raw"])
    assert summary.exit_code == 0
    engine.dispose()  # checkpoints the WAL into the file
    return path


def digest(path: Path) -> dict[str, str]:
    """The database file's bytes, and the write-ahead log's when it holds anything.

    A read-only reader of a WAL database may leave an EMPTY `-wal` (and a `-shm` index) beside it;
    an empty log holds no change, so it counts as absent.
    """
    out = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        out[wal.name] = hashlib.sha256(wal.read_bytes()).hexdigest()
    return out


@pytest.mark.parametrize("statement", WRITES)
def test_writes_are_refused_and_change_nothing(demo_db: Path, statement: str) -> None:
    before = digest(demo_db)
    result = CliRunner().invoke(app, ["sql", "--db", f"sqlite:///{demo_db}", statement])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("refused:"), result.output
    assert digest(demo_db) == before
    assert not (demo_db.parent / "other.sqlite").exists()


def test_a_query_runs_and_prints_json_and_csv(demo_db: Path) -> None:
    url = f"sqlite:///{demo_db}"
    before = digest(demo_db)
    query = "SELECT municipality, COUNT(*) AS goals FROM goal_history GROUP BY municipality"
    result = CliRunner().invoke(app, ["sql", "--db", url, "--format", "json", query])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data and set(data[0]) == {"municipality", "goals"} and sum(r["goals"] for r in data) > 0
    result = CliRunner().invoke(app, ["sql", "--db", url, "--format", "csv", "PRAGMA table_info(goal_links)"])
    assert result.exit_code == 0 and "from_anchor" in result.stdout
    assert digest(demo_db) == before


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nope.sqlite"
    result = CliRunner().invoke(app, ["sql", "--db", f"sqlite:///{path}", "SELECT 1"])
    assert result.exit_code == 2 and "no database at" in result.output
    assert not path.exists()


def test_a_bad_query_says_why(demo_db: Path) -> None:
    result = CliRunner().invoke(app, ["sql", "--db", f"sqlite:///{demo_db}", "SELECT nonsense FROM goals"])
    assert result.exit_code == 2 and "no such column" in result.output
