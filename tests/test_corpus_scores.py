"""The corpus scorer as a regression net: each folder ingested on its own, scored against gold.

Floors are the issue's targets; raise them as the numbers climb.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import queries
from ingest.pipeline import ingest_paths
from models.db import make_engine
from tests.conftest import SCORER, corpus_path

ITEM_F1_FLOOR = 0.95
GOAL_FLOORS = {"goal_recall": 0.97, "goal_precision": 0.97, "verdict_accuracy": 0.98, "text_similarity": 0.95}


def _score(tmp_path: Path, folders: list[Path]) -> dict:
    engine = make_engine(f"sqlite:///{tmp_path / 'score.sqlite'}")
    summary = ingest_paths(engine, folders)
    assert not summary.failed, [r.message for r in summary.failed]
    goals, items = tmp_path / "goals.jsonl", tmp_path / "items.jsonl"
    with goals.open("w", encoding="utf-8") as fh:
        queries.write_rows(queries.goal_rows(engine), "jsonl", fh, queries.GOAL_FIELDS)
    with items.open("w", encoding="utf-8") as fh:
        queries.write_rows(queries.item_rows(engine), "jsonl", fh, queries.ITEM_FIELDS)
    cmd = [sys.executable, str(SCORER), "--gold", str(corpus_path("gold")), "--pred", str(goals),
           "--items", str(items), "--json"]
    for folder in folders:
        cmd += ["--inputs", str(folder)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("folders", [["text", "pages"], ["pdf"], ["pdf-real"], ["annexes"]],
                         ids=["text+pages", "pdf", "pdf-real", "annexes"])
def test_corpus_floors(tmp_path: Path, folders: list[str]) -> None:
    if not SCORER.exists():
        pytest.skip("scorer not beside the project")
    result = _score(tmp_path, [corpus_path(f) for f in folders])
    assert result["item_f1"] >= ITEM_F1_FLOOR, result  # annexes: no items in the gold, none predicted
    if result["gold_goals"]:
        for key, floor in GOAL_FLOORS.items():
            assert result[key] >= floor, (key, result)
