"""Benchmark: how fast the parsers read the corpus, per stage and per page.

Prints figures; asserts nothing (speed goals live here, not in timed tests).
Usage: .venv/bin/python scripts/bench_ingest.py [FOLDER ...]   (default: ../shared/corpus/*)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers.extract.goals import extract_goals  # noqa: E402
from parsers.layout import normalise  # noqa: E402
from parsers.meeting import extract_meeting  # noqa: E402
from parsers.readers import read_document  # noqa: E402
from parsers.split import split_items  # noqa: E402


def main(folders: list[Path]) -> None:
    totals = {"read": 0.0, "normalise": 0.0, "split": 0.0, "extract": 0.0}
    pages = files = 0
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".pdf", ".txt", ".md", ".html"}):
            t0 = time.perf_counter()
            raw = read_document(path)
            t1 = time.perf_counter()
            doc = normalise(raw)
            t2 = time.perf_counter()
            profile, items = split_items(doc)
            extract_meeting(doc, items, profile)
            t3 = time.perf_counter()
            goals, _ = extract_goals(doc, items)
            t4 = time.perf_counter()
            for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                totals[key] += dt
            pages += doc.page_count
            files += 1
            print(f"{path.name[:50]:50} {doc.page_count:4} pages {t4 - t0:6.2f} s  "
                  f"{len(items):3} items {len(goals):3} goals")
    total = sum(totals.values())
    if not files or total <= 0:
        print(f"no .pdf, .txt, .md or .html files under {', '.join(map(str, folders)) or '(nothing)'}")
        return
    print(f"\n{files} files, {pages} pages in {total:.2f} s = {pages / total:.1f} pages/s")
    for key, value in totals.items():
        print(f"  {key:10} {value:6.2f} s ({value / total:5.1%})")


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="folders to read (default: the corpus beside the "
                        "project, ../shared/corpus/*)")
    args = parser.parse_args(argv)
    folders = args.folders
    if not folders:
        corpus = ROOT.parent / "shared" / "corpus"
        if not corpus.is_dir():
            parser.error(f"no FOLDER given and no corpus at {corpus}")
        folders = sorted(p for p in corpus.iterdir() if p.is_dir() and p.name != "gold")
    missing = [f for f in folders if not f.is_dir()]
    if missing:
        parser.error(f"not a folder: {missing[0]}")
    main(folders)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli())
