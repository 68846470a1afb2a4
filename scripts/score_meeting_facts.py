"""Meeting facts against the corpus gold, without a database: for every document whose gold names a
municipality, body or meeting date, parse each form the corpus holds it in and count the fields right
(case and spacing ignored). For the development loop; tests/test_meeting_facts.py asserts the same.

    .venv/bin/python scripts/score_meeting_facts.py [--corpus ../shared/corpus] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parsers.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["text", "pages", "pdf", "pdf-real", "html-real", "annexes"]
FIELDS = (("municipality", "municipality"), ("body", "body"), ("meeting_date", "date"))


def _norm(value: str | None) -> str | None:
    return " ".join(value.casefold().split()) if value else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every document, not only the misses")
    a = ap.parse_args(argv)
    right = {f: 0 for f, _ in FIELDS}
    total = {f: 0 for f, _ in FIELDS}
    for gold_file in sorted((a.corpus / "gold").glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        stem = gold_file.name.removesuffix(".gold.json")
        for folder in FOLDERS:
            for path in sorted((a.corpus / folder).glob(stem + ".*")):
                meeting = parse_file(path).meeting
                misses = []
                for field, attr in FIELDS:
                    if gold.get(field) is None:
                        continue
                    total[field] += 1
                    got = getattr(meeting, attr)
                    if _norm(got) == _norm(gold[field]):
                        right[field] += 1
                    else:
                        misses.append(f"{field}: gold {gold[field]!r}, parsed {got!r}")
                if misses or a.verbose:
                    print(f"{folder}/{path.name}: {'; '.join(misses) or 'ok'}")
    n, ok = sum(total.values()), sum(right.values())
    per_field = ", ".join(f"{f} {right[f]}/{total[f]}" for f, _ in FIELDS)
    print(f"meeting facts right: {ok}/{n} = {ok / max(n, 1):.3f} ({per_field})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
