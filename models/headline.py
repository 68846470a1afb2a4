"""The headline measure of each goal as analysts see it: the parser's columns in `goals` with a
reviewer's correction (field `headline` in `corrections`, one JSON object of every headline field)
on top. Read in Python, like corrected figures, so no analyst view had to be redefined for it.

The canonical JSON here is shared by the review form (writing) and the exports (reading), so a
reviewer who changes nothing records nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.records import HEADLINE_FIELDS
from models.schema import CorrectionRow, GoalRow

VALUE_FIELDS = ("target_value", "observed_value", "baseline_value")
COMPARISONS = ("at_least", "at_most", "equal")
DIRECTIONS = ("increase", "decrease", "hold")
COMPARISON_SIGNS = {"at_least": "≥", "at_most": "≤", "equal": "="}
DIRECTION_WORDS = {"increase": "↑ øges", "decrease": "↓ reduceres", "hold": "→ fastholdes"}


def empty() -> dict[str, Any]:
    return dict.fromkeys(HEADLINE_FIELDS)


def canonical(values: Mapping[str, Any]) -> str:
    """The one JSON text of a headline: every field, in order, numbers as floats."""
    out = empty()
    for f in HEADLINE_FIELDS:
        v = values.get(f)
        out[f] = (float(v) if v is not None else None) if f in VALUE_FIELDS else v
    return json.dumps(out, ensure_ascii=False)


def of_row(row: GoalRow) -> dict[str, Any]:
    return {f: getattr(row, f) for f in HEADLINE_FIELDS}


def corrected(session: Session) -> dict[str, dict[str, Any]]:
    """Active headline corrections by goal anchor."""
    rows = session.scalars(select(CorrectionRow).where(
        CorrectionRow.state == "active", CorrectionRow.target == "goal", CorrectionRow.field == "headline"))
    return {c.anchor: empty() | json.loads(c.new_value or "{}") for c in rows}


def effective(session: Session) -> dict[int, dict[str, Any]]:
    """Every parser goal's headline by goal row id, reviewers' corrections applied."""
    fixed = corrected(session)
    cols = [GoalRow.id, GoalRow.anchor] + [getattr(GoalRow, f) for f in HEADLINE_FIELDS]
    out: dict[int, dict[str, Any]] = {}
    for row in session.execute(select(*cols)):
        values = dict(zip(HEADLINE_FIELDS, row[2:], strict=True))
        out[row[0]] = fixed.get(row[1], values)
    return out


def number_text(value: float | None, unit: str | None) -> str:
    if value is None:
        return ""
    shown = f"{value:,.3f}".rstrip("0").rstrip(".").replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")
    suffix = {"percent": " %", "percentage_points": " %-point", "dkk": " kr.", "count": ""}.get(unit or "",
                                                                                            f" {unit}" if unit else "")
    return shown + suffix


def target_text(h: Mapping[str, Any]) -> str:
    """`≥ 80 %`, `↓ reduceres`, or empty."""
    if h.get("target_value") is not None:
        sign = COMPARISON_SIGNS.get(h.get("target_comparison") or "", "")
        return f"{sign} {number_text(h['target_value'], h.get('target_unit'))}".strip()
    return DIRECTION_WORDS.get(h.get("target_direction") or "", "")


def observed_text(h: Mapping[str, Any]) -> str:
    text = number_text(h.get("observed_value"), h.get("observed_unit"))
    return f"{text} ({h['observed_period']})" if text and h.get("observed_period") else text
