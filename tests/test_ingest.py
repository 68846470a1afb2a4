"""End-to-end ingest: the corpus into a temporary database, re-runs, renames, edits, exports.

Every test runs on SQLite and on PostgreSQL (`any_db_url`, see tests/pg.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from ingest.cli import app
from ingest.pipeline import ingest_paths
from models.db import make_engine
from tests.conftest import corpus_path

TABLES = ["documents", "document_paths", "meetings", "agenda_items", "sections", "goals", "figures",
          "declared_summaries", "file_outcomes"]


def _dump(engine) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


def test_whole_corpus_then_rerun_writes_nothing(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    folders = [corpus_path(f) for f in ("text", "pdf", "pdf-real", "pages")]
    first = ingest_paths(engine, folders)
    assert not first.failed, [r.message for r in first.failed]
    assert first.count("ok") == sum(1 for f in folders for p in f.iterdir() if p.suffix in (".txt", ".pdf", ".md"))
    before = _dump(engine)
    assert len(before["documents"]) == first.count("ok")
    assert len(before["agenda_items"]) > 60 and len(before["goals"]) > 150
    second = ingest_paths(engine, folders)
    assert second.count("unchanged") == first.count("ok") and second.count("ok") == 0
    assert _dump(engine) == before


def test_same_content_under_two_names_is_stored_once(tmp_path: Path, any_db_url: str) -> None:
    src = corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt")
    a, b = tmp_path / "in" / "a.txt", tmp_path / "in" / "kopi med æøå.txt"
    a.parent.mkdir()
    shutil.copy(src, a)
    shutil.copy(src, b)
    engine = make_engine(any_db_url)
    ingest_paths(engine, [a.parent])
    rows = _dump(engine)
    assert len(rows["documents"]) == 1 and len(rows["document_paths"]) == 2
    assert len(rows["agenda_items"]) == 7


def test_changed_file_replaces_its_rows(tmp_path: Path, any_db_url: str) -> None:
    path = tmp_path / "referat.txt"
    path.write_text("1. Godkendelse\nSagsnr.: 2025-1\nBeslutning\nGodkendt.\n", encoding="utf-8")
    engine = make_engine(any_db_url)
    ingest_paths(engine, [path])
    path.write_text("1. Godkendelse\nSagsnr.: 2025-1\nBeslutning\nGodkendt.\n"
                    "2. Budget\nSagsnr.: 2025-2\nBeslutning\nDrøftet.\n", encoding="utf-8")
    result = ingest_paths(engine, [path])
    assert result.count("ok") == 1
    rows = _dump(engine)
    assert len(rows["documents"]) == 1, "the old content's rows are gone"
    assert [r[3] for r in rows["agenda_items"]] == ["1", "2"]


def test_cli_export_and_goals_view(any_db_url: str) -> None:
    db = any_db_url
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "-q", "--db", db, str(corpus_path("text"))])
    assert result.exit_code == 0, result.output
    items = runner.invoke(app, ["export", "items", "--db", db, "--format", "jsonl"])
    rows = [json.loads(line) for line in items.stdout.splitlines()]
    assert {"document", "number", "title", "case_number", "decision", "page_start", "page_end"} <= set(rows[0])
    assert sum(1 for r in rows if r["document"].startswith("randers")) == 14
    goals = runner.invoke(app, ["export", "goals", "--db", db, "--format", "csv"])
    header = goals.stdout.splitlines()[0].split(",")
    assert {"plan", "plan_year", "goal_id", "verdict", "confidence", "figure_1_value"} <= set(header)
    view = runner.invoke(app, ["goals", "--db", db, "--municipality", "Norddjurs", "--year", "2024"])
    assert "MISMATCH" in view.stdout and "Fokusmål samtaler" in view.stdout


def test_views_answer_the_analysts_question(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    ingest_paths(engine, [corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt")])
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT municipality, plan_year, goal_id, verdict, agenda_item FROM v_goals "
            "WHERE municipality = 'Norddjurs' AND title LIKE '%samtaler%'")).fetchall()
        assert [tuple(r) for r in rows] == [("Norddjurs", 2024, "1.2", "met", "4")]
        mismatches = conn.execute(text("SELECT agenda_item, plan_year FROM v_summary_mismatches")).fetchall()
        assert [tuple(r) for r in mismatches] == [("4", 2024)]
        items = conn.execute(text("SELECT COUNT(*) FROM v_agenda_items")).scalar()
        assert items == 7


@pytest.mark.postgresql
def test_sqlite_and_postgresql_export_the_same_rows(tmp_path: Path, pg_url: str) -> None:
    """One folder into each backend: the exports match value for value (a NUL, a JSON list, a
    float or a boolean that one backend stored differently would show here)."""
    runner = CliRunner()
    folders = [str(corpus_path("text")), str(corpus_path("pdf", "norddjurs_beskaeftigelsesraad_2024-08-29.pdf"))]
    exports = []
    for db in (f"sqlite:///{tmp_path / 'c.sqlite'}", pg_url):
        assert runner.invoke(app, ["ingest", "-q", "--db", db, *folders]).exit_code == 0
        exports.append([runner.invoke(app, ["export", kind, "--db", db]).stdout for kind in ("items", "goals")])
    assert exports[0] == exports[1]
    assert len(exports[0][1].splitlines()) > 50
