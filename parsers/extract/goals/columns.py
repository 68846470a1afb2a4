"""Follow-up tables with a header row (`Mål | Målsætning | Status | Målopfyldelse`): one goal per row.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from models.records import DocLine, Goal, Verdict
from parsers.extract.goals.common import Context, _clean, _figures, _is_heading_like, _kind, vocab
from parsers.extract.verdicts import normalise_verdict


def _column(cells: list[str], cols: dict[str, int], key: str) -> str | None:
    n = cols.get(key)
    return cells[n] if n is not None and n < len(cells) and cells[n] else None


@cache
def _column_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One alternation per role, in the order roles are tried."""
    columns = vocab()["columns"]
    return tuple((role, re.compile("|".join(f"(?:{p})" for p in columns[role])))
                 for role in ("label", "statement", "status", "verdict"))


@lru_cache(maxsize=16384)
def _column_role(cell: str) -> str | None:
    """What a header cell names: the goal's label, its statement, its status or its verdict."""
    if len(cell) > 120:
        return None  # a sentence, not a column header
    key = re.sub(r"\s+", " ", cell.strip().rstrip(":").lower())
    return next((role for role, pattern in _column_patterns() if pattern.fullmatch(key)), None)


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Columns of a header row `Mål | Målsætning | Status | Målopfyldelse`, or None for any other row.

    A plain "Mål" column is the statement unless another column names the statement; then it is
    the label that carries the goal id and title.
    """
    roles: dict[str, int] = {}
    for n, cell in enumerate(cells):
        role = _column_role(cell)
        if role is not None:
            roles.setdefault(role, n)
    if "statement" not in roles and "label" in roles:
        roles["statement"] = roles.pop("label")
    if "statement" in roles and ("status" in roles or "verdict" in roles):
        return roles
    return None


_ID_LABEL = re.compile(r"^(?:(?:Mål|Delmål|Indikator)\s+)?(\d{1,2}(?:\.\d{1,2}){0,3}[a-z]?)[.:)]?(?:\s+(.+))?$")


def column_table_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    """Tables with a header row `Mål | Status | Målopfyldelse`: one goal per row, columns by header."""
    ctx = ctx or Context()
    goals: list[Goal] = []
    cols: dict[str, int] | None = None
    theme: str | None = None
    for n_line, line in enumerate(lines):
        if n_line in ctx.breaks:
            cols, theme = None, None
        if not line.is_table_row and "\t" not in line.text:
            cols = None if line.text.strip() and not _is_heading_like(line.text) else cols
            continue
        cells = [c.strip() for c in line.text.split("\t")]
        header = _header_columns(cells)
        if header is not None:
            cols = header
            continue
        if cols is None:
            continue
        filled = [c for c in cells if c]
        if len(filled) == 1 and cells[0] and (line.bold or _is_heading_like(cells[0]) and len(cells[0].split()) <= 8):
            theme = cells[0]  # a heading row spanning the table
            continue
        if len(filled) == 1 and cells[0] and cols["statement"] > 0:
            cells = [""] * cols["statement"] + cells  # a row whose status cells are empty, read as one cell
        text = _column(cells, cols, "statement")
        if not text:
            continue
        goal_id = title = None
        label = _column(cells, cols, "label")
        if label and (m := _ID_LABEL.match(label)):
            goal_id, title = m.group(1), m.group(2)
        elif label:
            title = label
        m = re.match(r"^(?:Mål\s+)?(\d{1,2}(?:\.\d{1,2}){0,3})[.:)]?\s+(.+)$", text)
        if m and goal_id is None:
            goal_id, text = m.group(1), m.group(2)
        elif goal_id is None and cols["statement"] > 0 and re.fullmatch(r"\d{1,2}(?:\.\d{1,2}){0,3}\.?", cells[0]):
            goal_id = cells[0].rstrip(".")
        status, verdict_text = _column(cells, cols, "status"), _column(cells, cols, "verdict")
        verdict, expectation = normalise_verdict(verdict_text)
        if verdict is Verdict.none and status and not verdict_text:
            verdict, expectation = normalise_verdict(status)
        reasons = ["verdict phrase not recognised"] if verdict_text and verdict is Verdict.none else []
        plan, plan_year = ctx.plan_at(line.start)
        goals.append(Goal(plan=plan, plan_year=plan_year, goal_id=goal_id, theme=theme, title=title,
                          kind=_kind(title, theme), text=_clean(text),
                          status_text=status, verdict=verdict, verdict_text=verdict_text, expectation=expectation,
                          figures=_figures(text, "target") + _figures(status, "observed"),
                          confidence=0.9 - 0.4 * bool(reasons), confidence_reasons=reasons, layout="table",
                          page=line.page, start=line.start, end=line.end))
    return goals
