"""A later follow-up of Norddjurs plan 2024, made at test time from the corpus table (no corpus text is
copied into the project): the autumn follow-up of the same plan, with new status lines, two goals
met now that were too early in August, and goal 6.13 left out.
"""

from __future__ import annotations

import re
from pathlib import Path

LATER_HEADER = ("## Opfølgning på mål i Beskæftigelsesplan 2024\n\nNorddjurs Beskæftigelsesråd\n\n"
                "Mødedato: 12-12-2024\n\nAnden opfølgning på planen i Norddjurs Kommune.\n\n")
NOW_MET = {"6.4", "6.6"}
LEFT_OUT = "6.13"


def later_followup(table: Path, out: Path) -> Path:
    """Write the December follow-up of plan 2024 built from `table` (the 2023-2024 table document)."""
    text = table.read_text(encoding="utf-8")
    part = text[text.index("### Punkt 4"):]
    lines: list[str] = []
    current = None
    for line in part.splitlines():
        m = re.match(r"<b>Mål (\d+(?:\.\d+)+)", line)
        if m:
            current = m.group(1)
        if current == LEFT_OUT:
            continue
        if line.startswith("Status\t"):
            line = f"Status\tVed opfølgningen i december 2024 er målet fulgt op igen ({current})."
        elif line.startswith("Målopfyldelse\t") and current in NOW_MET:
            line = "Målopfyldelse\tMålet er nået ved denne opfølgning"
        lines.append(line)
    out.write_text(LATER_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return out
