"""Write the layout variants of gold documents to a folder, to look at what the suite feeds the parser.

    python -m tests.variants OUT [STEM ...] [--variant NAME ...]

STEM is a gold file name without `.gold.json` (default: every goal-bearing gold document).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.conftest import CORPUS
from tests.variants.document import VARIANTS, load_gold, render_minutes
from tests.variants.docx import write_docx
from tests.variants.firstagenda import write_firstagenda
from tests.variants.html import write_html
from tests.variants.pdf import write_pdf
from tests.variants.text import write_text

WRITERS = {"faportal": write_firstagenda,
           "pdf": write_pdf, "html": write_html, "docx": write_docx, "md": write_text, "txt": write_text}
SUFFIX = {"faportal": "html"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.variants", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("stems", nargs="*")
    parser.add_argument("--variant", action="append", choices=[v.name for v in VARIANTS])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [CORPUS / "gold" / f"{s}.gold.json" for s in args.stems] or sorted((CORPUS / "gold").glob("*.gold.json"))
    for path in paths:
        gold = load_gold(path)
        if gold.get("score_goals") is False or not gold.get("goals"):
            continue
        for variant in VARIANTS:
            if args.variant and variant.name not in args.variant:
                continue
            stem = f"{path.name.removesuffix('.gold.json')}__{variant.name}"
            rendered = render_minutes(gold, variant, stem)
            print(WRITERS[variant.fmt](rendered, args.out / f"{stem}.{SUFFIX.get(variant.fmt, variant.fmt)}"))


if __name__ == "__main__":
    main()
