"""Analysts' outputs on the real Norddjurs follow-ups: history timeline, link/history/goal exports
(JSONL, CSV, Parquet), charts checked as real images with the points drawn, and the shipped
Datasette metadata checked against the schema."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ingest import charts, pipeline
from ingest.datasette import metadata_for
from ingest.history import LINK_FIELDS
from ingest.sql import run_query
from models.db import make_engine
from tests.conftest import corpus_path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("hist") / "corpus.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    files = [corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt"),
             corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt")]
    assert pipeline.ingest_paths(engine, files).exit_code == 0
    engine.dispose()
    return f"sqlite:///{path}"


def invoke(*args: str) -> str:
    from ingest.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_history_prints_the_series_as_a_timeline(db: str) -> None:
    out = invoke("history", "gymnasial uddannelse", "--municipality", "norddjurs kommune", "--db", db)
    lines = [ln for ln in out.splitlines() if re.search(r"│ 20\d\d", ln)]
    assert len(lines) == 2  # one point per plan year: the two printings of the tables are one observation
    assert "5.5" in lines[0] and "met" in lines[0] and "6.5" in lines[1]
    assert "1 series" in out


def test_export_links_has_the_columns_and_the_renumbered_link(db: str, tmp_path: Path) -> None:
    rows = [json.loads(ln) for ln in invoke("export", "links", "--db", db).splitlines()]
    assert rows and set(LINK_FIELDS) <= set(rows[0])
    hit = [r for r in rows if (r["from_plan_year"], r["from_goal_id"], r["to_plan_year"], r["to_goal_id"])
           == (2023, "5.5", 2024, "6.5")]
    assert hit and all(r["score"] >= 80 and r["state"] == "proposed" and r["series"] for r in hit)
    assert all(r["from_document"] and r["to_document"] for r in rows)
    text = invoke("export", "links", "--format", "csv", "--db", db)
    assert list(csv.DictReader(io.StringIO(text)))[0].keys() >= set(LINK_FIELDS)
    out = tmp_path / "links.parquet"
    invoke("export", "links", "--format", "parquet", "-o", str(out), "--db", db)
    table = pq.read_table(out)
    assert table.num_rows == len(rows) and set(LINK_FIELDS) <= set(table.column_names)


def test_export_history_and_goals_as_parquet(db: str, tmp_path: Path) -> None:
    out = tmp_path / "history.parquet"
    invoke("export", "history", "--format", "parquet", "-o", str(out), "--db", db)
    history = pq.read_table(out).to_pylist()
    assert len(history) == 94 and len({r["series"] for r in history}) < 47
    goals = tmp_path / "goals.parquet"
    invoke("export", "goals", "--format", "parquet", "-o", str(goals), "--db", db)
    rows = pq.read_table(goals).to_pylist()
    assert len(rows) == 94
    with_figures = [r for r in rows if r["figures"]]
    assert with_figures and {"role", "value", "unit"} <= set(with_figures[0]["figures"][0])


def test_parquet_needs_a_file(db: str) -> None:
    from ingest.cli import app

    result = CliRunner().invoke(app, ["export", "goals", "--format", "parquet", "--db", db])
    assert result.exit_code == 2 and "binary" in result.output


def test_series_chart_is_a_png_with_one_point_per_observation(db: str, tmp_path: Path) -> None:
    engine = make_engine(db)
    points = charts.pick_series(engine, "gymnasial uddannelse", "Norddjurs")
    fig = charts.series_figure(points)
    ax = fig.axes[0]
    observed = [ln for ln in ax.get_lines() if ln.get_label() == "observed"][0]
    target = [ln for ln in ax.get_lines() if ln.get_label() == "target"][0]
    assert list(observed.get_ydata()) == [57.7, 56.3]
    assert list(target.get_ydata()) == [55.0, 55.0]
    assert [t.get_text().split("\n")[0] for t in ax.texts] == ["5.5", "6.5"]
    assert len(ax.collections) == 2  # one verdict marker per point
    out = tmp_path / "gymnasial.png"
    invoke("chart", "gymnasial uddannelse", "--municipality", "Norddjurs", "-o", str(out), "--db", db)
    assert out.read_bytes()[:8] == PNG_SIGNATURE and out.stat().st_size > 5000
    svg = tmp_path / "gymnasial.svg"
    invoke("chart", "gymnasial uddannelse", "-o", str(svg), "--db", db)
    assert "<svg" in svg.read_text(encoding="utf-8")[:500]
    engine.dispose()


def test_overview_chart_has_one_bar_per_municipality_and_plan_year(db: str, tmp_path: Path) -> None:
    engine = make_engine(db)
    counts = charts.overview_rows(engine)
    assert counts == {("Norddjurs", 2023): {"not_met": 11, "met": 8, "dropped": 1, "not_measurable": 5},
                      ("Norddjurs", 2024): {"too_early": 8, "met": 9, "not_met": 5}}
    fig = charts.overview_figure(counts)
    heights = {}
    for container in fig.axes[0].containers:
        for i, bar in enumerate(container):
            heights[i] = heights.get(i, 0) + bar.get_height()
    assert [round(h, 6) for h in heights.values()] == [1.0, 1.0]
    out = tmp_path / "overview.png"
    invoke("chart", "--overview", "-o", str(out), "--db", db)
    assert out.read_bytes()[:8] == PNG_SIGNATURE
    engine.dispose()


def test_datasette_metadata_matches_the_schema(db: str, tmp_path: Path) -> None:
    meta = metadata_for(tmp_path / "archive.sqlite")
    database = meta["databases"]["archive"]
    columns = {name: {c for (_, c, *_rest) in run_query(f"PRAGMA table_info({name})", db).rows}
               for name in database["tables"]}
    for name, table in database["tables"].items():
        assert columns[name], f"{name} is not in the database"
        assert set(table.get("facets", [])) <= columns[name]
        assert set(table.get("columns", {})) <= columns[name]
    for name, query in database["queries"].items():
        result = run_query(query["sql"].replace(":search", "'gymnasial'"), db)
        assert result.columns, name
    assert run_query(database["queries"]["renumbered"]["sql"], db).rows


def test_a_point_without_figures_still_shows_its_verdict(db: str) -> None:
    engine = make_engine(db)
    points = charts.pick_series(engine, "færre borgere på offentlig forsørgelse", "Norddjurs")
    engine.dispose()
    assert [(p["plan_year"], p["goal_id"], p["observed_value"]) for p in points] == [(2024, "1.1", None)]
    ax = charts.series_figure(points).axes[0]
    assert len(ax.collections) == 1
    assert [t.get_text() for t in ax.texts] == ["1.1\ntoo_early\n(no figure)"]
