"""Score the parser on folders of documents without a database: parse each file, score with the
shared scorer. For the development loop (the suite's floors go through the real ingest).

    .venv/bin/python scripts/score_parse.py ../shared/corpus/text ../shared/corpus/pages [--per-doc]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from parsers.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "tools" / "score_goals.py"


def load_scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_goals", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(paths: list[Path]) -> tuple[list[dict], list[dict]]:
    goals, items = [], []
    for path in paths:
        parsed = parse_file(path)
        for g in parsed.goals:
            goals.append({"document": path.name, **g.model_dump(mode="json")})
        for it in parsed.items:
            items.append({"document": path.name, "number": it.number, "title": it.title})
    return goals, items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "corpus" / "gold")
    ap.add_argument("--per-doc", action="store_true")
    a = ap.parse_args(argv)
    sg = load_scorer()
    files = sorted(f for d in a.folders for f in (d.rglob("*") if d.is_dir() else [d]) if f.is_file()
                   and f.suffix.lower() in (".txt", ".md", ".pdf", ".html", ".htm", ".docx"))
    gold = sg.load_gold([a.gold])
    stems = {sg.stem(f.name) for f in files}
    gold = {d: g for d, g in gold.items() if d in stems}
    goals, items = rows(files)
    res = sg.score(gold, goals, items)
    if a.per_doc:
        for d in res["per_document"]:
            print(f"  {d['doc'][:50]:50} gold {d['gold']:3} pred {d['pred']:3} found {d['found']:3} "
                  f"fp {d['false_pos']:3} verdict_ok {d['verdict_ok']:3}")
    print({k: v for k, v in res.items() if k != "per_document"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
