"""The shipped Datasette metadata loads in Datasette itself: canned queries answer, facets work.
Skipped when Datasette (the `datasette` extra, also in `dev`) is not installed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.datasette import metadata_for
from models.db import make_engine
from tests.conftest import corpus_path

app = pytest.importorskip("datasette.app")


def test_canned_queries_and_facets_answer(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    assert pipeline.ingest_paths(engine, [corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt")]
                                 ).exit_code == 0
    engine.dispose()

    async def get(url: str) -> tuple[int, object]:
        ds = app.Datasette([str(path)], metadata=metadata_for(path))
        response = await ds.client.get(url)
        return response.status_code, response.json()

    status, renumbered = asyncio.run(get("/archive/renumbered.json?_shape=array"))
    assert status == 200
    assert {"municipality": "Norddjurs", "from_year": 2023, "from_goal": "5.6", "to_year": 2024,
            "to_goal": "6.7"} in renumbered  # type: ignore[operator]
    status, over_time = asyncio.run(get("/archive/goal_over_time.json?search=gymnasial&_shape=array"))
    assert status == 200 and [r["goal_id"] for r in over_time] == ["5.5", "6.5"]  # type: ignore[union-attr]
    status, table = asyncio.run(get("/archive/goal_history.json?_size=1"))
    assert status == 200
    facets = table["facet_results"]  # type: ignore[index]
    facets = facets.get("results", facets)
    assert {"municipality", "plan_year", "verdict"} <= set(facets)
