"""Render one layout variant of one gold document and show what the parser makes of it (development aid).

    .venv/bin/python scripts/variant_debug.py pdf-grid norddjurs_beskaeftigelsesraad [--lines]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.layout import normalise  # noqa: E402
from parsers.parse import parse_raw  # noqa: E402
from parsers.readers import read_document  # noqa: E402
from tests.test_variants import WRITERS, _gold_paths, _scorer  # noqa: E402
from tests.variants.document import VARIANTS, load_gold, render_minutes  # noqa: E402


def main(argv: list[str]) -> int:
    variant = next(v for v in VARIANTS if v.name == argv[0])
    scorer = _scorer()
    out = Path(tempfile.mkdtemp())
    for gold_path in _gold_paths():
        if len(argv) > 1 and argv[1] not in gold_path.name:
            continue
        stem = f"{gold_path.name.removesuffix('.gold.json')}__{variant.name}"
        rendered = render_minutes(load_gold(gold_path), variant, stem)
        path = WRITERS[variant.fmt](rendered, out / f"{stem}.{variant.fmt}")
        raw = read_document(path)
        if "--lines" in argv:
            for ln in normalise(raw).lines:
                flags = ("B" if ln.bold else " ") + ("I" if ln.italic else " ") + ("T" if ln.is_table_row else " ")
                print(f"{ln.page:2} {flags} {ln.text[:150]!r}")
        parsed = parse_raw(raw)
        goals = [{"document": path.name, "text": g.text, "goal_id": g.goal_id, "plan_year": g.plan_year,
                  "verdict": g.verdict.value, "status_text": g.status_text, "title": g.title} for g in parsed.goals]
        items = [{"document": path.name, "number": i.number, "title": i.title} for i in parsed.items]
        res = scorer.score({stem: rendered.gold}, goals, items)
        print(f"== {stem}: goal F1 {res['goal_f1']} (gold {res['gold_goals']}, pred {res['predicted_goals']}) "
              f"item F1 {res['item_f1']} verdict {res['verdict_accuracy']}")
        if "-v" in argv:
            for g in parsed.goals:
                print(f"   [{g.layout} id={g.goal_id} y={g.plan_year} v={g.verdict.value}] {g.text[:90]!r}")
            for g in rendered.gold["goals"]:
                print(f"   gold id={g.get('goal_id')} y={g.get('plan_year')} v={g['verdict']} {g['text'][:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
