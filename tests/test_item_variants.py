"""Agenda items as each publishing system prints them: the gold items of the corpus minutes rendered
into agenda-list-only pages, lists over some bodies, contents pages (dot leaders, arabic or roman page
numbers), `Pkt. | Tekst` tables, bullet / dash-and-time / run-of-spaces numbering, control words after
titles, a contents heading glued to its first entry and one-line-a-page PDF transcripts, each with the
numbered lines that are not items (participants, decision points, references to other items). The real
pipeline parses each file and the corpus scorer scores it against the gold of what was rendered; the
terminal summary prints the variant × item F1 table. MAALSPOR_ITEM_VARIANT_DIR=folder keeps the files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from models.records import RawDocument
from parsers.parse import parse_raw
from parsers.readers.text import text_to_pages
from tests.conftest import CORPUS
from tests.item_variants import ITEM_VARIANTS, RESULTS, ItemVariant, load_items

ITEM_F1_FLOOR = 0.95


def _gold_paths() -> list[Path]:
    """Corpus minutes whose gold names their agenda items."""
    return [p for p in sorted((CORPUS / "gold").glob("*.gold.json")) if load_items(p)[1]]


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("MAALSPOR_ITEM_VARIANT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("item_variants")


@pytest.mark.parametrize("variant", ITEM_VARIANTS, ids=[v.name for v in ITEM_VARIANTS])
def test_item_variant_scores(variant: ItemVariant, scorer: Any, out_dir: Path) -> None:
    golds: dict[str, dict[str, Any]] = {}
    predicted: list[dict[str, Any]] = []
    per_document = []
    for gold_path in _gold_paths():
        gold, items = load_items(gold_path)
        stem = f"{gold_path.name.removesuffix('.gold.json')}__{variant.name}"
        path = out_dir / f"{stem}.txt"
        path.write_text(variant.render(gold, items), encoding="utf-8")
        raw = RawDocument(path=str(path), format="text", reader="text",
                          pages=text_to_pages(path.read_text(encoding="utf-8"), "text"))
        parsed = parse_raw(raw)
        rows = [{"document": path.name, "number": i.number, "title": i.title} for i in parsed.items]
        rendered_gold = {"doc": path.name, "agenda_items": [{"number": i.number, "title": i.title} for i in items],
                         "goals": [], "score_goals": False}
        golds[stem] = rendered_gold
        predicted += rows
        one = scorer.score({stem: rendered_gold}, [], rows)
        per_document.append((stem, one["item_f1"]))
    result = scorer.score(golds, [], predicted)
    result["per_document"] = per_document
    RESULTS[variant.name] = result
    weak = [d for d in per_document if d[1] < ITEM_F1_FLOOR]
    assert result["item_f1"] >= ITEM_F1_FLOOR, json.dumps(
        {k: v for k, v in result.items() if k.startswith("item")} | {"weak": weak}, ensure_ascii=False)
