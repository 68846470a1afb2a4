"""The layout-variation suite: every goal-bearing gold document laid out the ways minutes lay out goals.

Each variant renders the gold goals (same words) as a ruled grid, label rows, one row per goal,
headed paragraphs, italic- or bold-marked sentences, a numbered list, HTML or Word, wrapped in
the things minutes carry around them (letterhead, table of contents, case numbers, recommendation
lists, running headers, signatures). The real pipeline parses the file and the corpus scorer
scores it against the gold of what was rendered. A variant that fails names an extractor that
learnt one layout, not Danish minutes. The terminal summary prints the variant × F1 table; set
MAALSPOR_VARIANT_DIR=some/folder to keep the rendered files there and look at them.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from models.records import RawDocument
from parsers.layout import normalise
from parsers.parse import parse_raw
from parsers.readers import read_document
from tests.conftest import CORPUS
from tests.variants.document import VARIANTS, Rendered, Variant, load_gold, render_minutes
from tests.variants.docx import write_docx
from tests.variants.firstagenda import write_firstagenda
from tests.variants.html import write_html
from tests.variants.pdf import write_pdf
from tests.variants.summary import RESULTS
from tests.variants.text import write_text

GOAL_F1_FLOOR = 0.95
ITEM_F1_FLOOR = 0.95
WRITERS = {"faportal": write_firstagenda,
           "pdf": write_pdf, "html": write_html, "docx": write_docx, "md": write_text, "txt": write_text}
SUFFIX = {"faportal": "html"}


def _gold_paths() -> list[Path]:
    """Gold documents whose goals are annotated and that have any, each set of goals once: the Norddjurs
    follow-up table re-lays the goals of the Norddjurs minutes, and laid out again they are the same."""
    out, seen = [], set()
    for path in sorted((CORPUS / "gold").glob("*.gold.json")):
        gold = load_gold(path)
        texts = tuple(g["text"] for g in gold.get("goals") or [])
        if gold.get("score_goals") is not False and texts and texts not in seen:
            seen.add(texts)
            out.append(path)
    return out


@pytest.fixture(scope="session")
def render_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("MAALSPOR_VARIANT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("variants")


_RENDERED: dict[tuple[str, str], tuple[Rendered, Path]] = {}
_RAW: dict[Path, RawDocument] = {}


def _read(path: Path) -> RawDocument:
    if path not in _RAW:
        _RAW[path] = read_document(path)
    return _RAW[path]


def rendered_file(gold_path: Path, variant: Variant, out_dir: Path) -> tuple[Rendered, Path]:
    """Render once per session: the text checks and the scoring share the files."""
    key = (gold_path.name, variant.name)
    if key not in _RENDERED:
        stem = f"{gold_path.name.removesuffix('.gold.json')}__{variant.name}"
        rendered = render_minutes(load_gold(gold_path), variant, stem)
        path = WRITERS[variant.fmt](rendered, out_dir / f"{stem}.{SUFFIX.get(variant.fmt, variant.fmt)}")
        _RENDERED[key] = (rendered, path)
    return _RENDERED[key]


def _predictions(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    parsed = parse_raw(_read(path))
    goals = [{"document": path.name, "text": g.text, "goal_id": g.goal_id, "plan_year": g.plan_year,
              "verdict": g.verdict.value, "status_text": g.status_text, "title": g.title, "theme": g.theme}
             for g in parsed.goals]
    items = [{"document": path.name, "number": i.number, "title": i.title} for i in parsed.items]
    return goals, items


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_rendered_text_holds_the_gold(variant: Variant, scorer: Any, render_dir: Path) -> None:
    """The renderer, not the extractor, is under test here: every word of every goal, status, verdict and
    title shown, and every item title, survive writing, reading and normalising, so a low score below is
    the extractor's."""
    for gold_path in _gold_paths():
        rendered, path = rendered_file(gold_path, variant, render_dir)
        doc = normalise(_read(path))
        words = _words(doc.text)
        for goal in rendered.gold["goals"]:
            for field in ("text", "status_text", "verdict_text", "title"):
                missing = _words(goal[field] or "") - words
                assert not missing, (path.name, field, goal[field], sorted(missing))
        flat = " ".join(doc.text.split())
        for item in rendered.gold["agenda_items"]:
            assert " ".join(item["title"].split()) in flat, (path.name, item["title"])


# layouts the parser is known not to read yet (name -> reason); each is a strict xfail, so it fails
# the day it starts passing and must be taken off this list
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("variant", [
    pytest.param(v, marks=pytest.mark.xfail(reason=KNOWN_GAPS[v.name], strict=True)) if v.name in KNOWN_GAPS else v
    for v in VARIANTS], ids=[v.name for v in VARIANTS])
def test_variant_scores(variant: Variant, scorer: Any, render_dir: Path) -> None:
    golds: dict[str, dict[str, Any]] = {}
    goals: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    per_document = []
    for gold_path in _gold_paths():
        rendered, path = rendered_file(gold_path, variant, render_dir)
        doc_goals, doc_items = _predictions(path)
        golds[rendered.stem] = rendered.gold
        goals += doc_goals
        items += doc_items
        one = scorer.score({rendered.stem: rendered.gold}, doc_goals, doc_items)
        per_document.append({"doc": rendered.stem, "goal_f1": one["goal_f1"], "item_f1": one["item_f1"],
                             "gold": one["gold_goals"], "predicted": one["predicted_goals"],
                             "found": one["per_document"][0]["found"] if one["per_document"] else 0})
    result = scorer.score(golds, goals, items)
    result["per_document"] = per_document
    RESULTS[variant.name] = result
    weak = [d for d in per_document if d["goal_f1"] < GOAL_F1_FLOOR or d["item_f1"] < ITEM_F1_FLOOR]
    report = json.dumps({k: v for k, v in result.items() if k != "per_document"} | {"weak": weak},
                        ensure_ascii=False, indent=1)
    assert result["goal_f1"] >= GOAL_F1_FLOOR, report
    assert result["item_f1"] >= ITEM_F1_FLOOR, report


def test_firstagenda_referat_judges_a_budget_target_by_its_latest_year(render_dir: Path) -> None:
    """The FirstAgenda portal referat: a måltal an ordinary item reports with a result a year is one goal in
    that item, its status every year's judgement, its verdict the latest year's (met after two misses), its
    plan year the budget's; the goals before it (one-item minutes: the måltal follows them) keep their own."""
    variant = next(v for v in VARIANTS if v.fmt == "faportal")
    for gold_path in _gold_paths():
        rendered, path = rendered_file(gold_path, variant, render_dir)
        want = rendered.gold["goals"][-1]
        parsed = parse_raw(_read(path))
        assert [(i.number, i.title) for i in parsed.items] == [
            (i["number"], i["title"]) for i in rendered.gold["agenda_items"]], path.name
        found = [g for g in parsed.goals if " ".join(g.text.split()) == want["text"]]
        assert len(found) == 1, (path.name, [g.text for g in parsed.goals])
        goal = found[0]
        assert (goal.verdict.value, goal.status_text, goal.plan_year, goal.agenda_item) == (
            "met", want["status_text"], want["plan_year"], want["agenda_item"]), path.name
        others = [g.status_text or "" for g in parsed.goals if g is not goal]
        assert not any("genanvendelse" in s or "husholdningsaffald" in s for s in others), path.name
