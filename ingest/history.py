"""Read side of goal series: link rows, history rows and timelines, as plain dicts.

Everything here reads the `goal_history` view (which reads `v_goals`), so reviewers'
corrections that land in `v_goals` show up in histories, exports and charts alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from models import headline
from models.links import municipality_key

LINK_FIELDS = ["municipality", "series", "from_document", "from_plan_year", "from_goal_id", "from_follow_up_date",
               "to_document", "to_plan_year", "to_goal_id", "to_follow_up_date", "score", "state", "method",
               "reasons", "from_anchor", "to_anchor", "version"]
HISTORY_FIELDS = ["municipality", "body", "series", "plan", "plan_year", "follow_up_date", "goal_id", "title",
                  "statement", "verdict", "expectation", "target_value", "target_unit", "target_period",
                  "target_raw", "observed_value", "observed_unit", "observed_period", "observed_raw", "document",
                  "page", "agenda_item", "anchor"]
# the headline measure (models/headline.py) replaces the view's first target/observed figure
HEADLINE_EXTRA = ["target_comparison", "target_direction", "baseline_value", "baseline_period"]
VIEW_FIELDS = list(HISTORY_FIELDS)
HISTORY_FIELDS = HISTORY_FIELDS + HEADLINE_EXTRA
ORDER = "ORDER BY municipality, series, plan_year, follow_up_date, document, goal_id"


def history_rows(engine: Engine, search: str | None = None, municipality: str | None = None) -> list[dict[str, Any]]:
    """Every goal of every series that has a goal matching `search` (title, statement, goal id, theme-free)."""
    return list(iter_history_rows(engine, search, municipality))


def iter_history_rows(engine: Engine, search: str | None = None,
                      municipality: str | None = None) -> Iterator[dict[str, Any]]:
    """`history_rows` as a stream (exports): rows are read in batches, never all held at once; with
    `search` a first pass finds the matching series and a second streams their rows.

    The search is case-insensitive in Python rather than SQL LIKE, which folds only ASCII case
    in SQLite (`Ældre` would not find `ældre`).
    """
    key = municipality_key(municipality) if municipality else None

    def stream(sql: str) -> Iterator[dict[str, Any]]:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=2000).execute(text(sql))
            for r in result:
                row = dict(r._mapping)
                if key is None or municipality_key(row["municipality"]) == key:
                    yield row

    hits: set[str] | None = None
    if search:  # the first pass reads what goal_history reads, without its per-goal figure look-ups
        needle = search.casefold()
        hits = {r["series"] for r in stream(
            "SELECT vg.municipality, COALESCE(gs.series, vg.anchor) AS series, vg.title, vg.text AS statement, "
            "vg.goal_id FROM v_goals vg LEFT JOIN goal_series gs ON gs.anchor = vg.anchor")
                if needle in " ".join(str(r[k] or "") for k in ("title", "statement", "goal_id")).casefold()}
        if not hits:
            return
    with Session(engine) as session:
        headlines = headline.effective(session)
    for row in stream(f"SELECT {', '.join(VIEW_FIELDS)}, goal_row FROM goal_history {ORDER}"):
        if hits is None or row["series"] in hits:
            _use_headline(row, headlines.get(row.pop("goal_row"), headline.empty()))
            yield row


def _use_headline(row: dict[str, Any], h: dict[str, Any]) -> None:
    """The goal's one headline target and observed value, not merely the first figure of each role."""
    if row["target_value"] != h["target_value"] or row["target_unit"] != h["target_unit"]:
        row["target_period"] = None  # the view's period belongs to another figure
    row["target_raw"] = headline.target_text(h) or None
    row["observed_raw"] = headline.observed_text(h) or None
    row.update(h)


def series_of(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """History rows grouped by series, one observation per plan year and reading.

    The same table printed in two documents (the minutes, and the table re-laid on its own) is
    one observation, not two: same plan year, goal id, verdict and figures. The copy with a
    follow-up date is kept. A second follow-up of the plan year reads differently and stays.
    """
    out: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    for r in rows:
        points = out.setdefault(r["series"], {})
        key = (r["plan_year"], r["goal_id"], r["verdict"], r["target_raw"], r["observed_raw"])
        if key not in points or (r["follow_up_date"] and not points[key]["follow_up_date"]):
            points[key] = r
    return {sid: sorted(ps.values(), key=lambda p: (p["plan_year"] or 0, p["follow_up_date"] or "", p["document"]
                                                    or "")) for sid, ps in out.items()}


def link_rows(engine: Engine) -> Iterator[dict[str, Any]]:
    """Each stored link with both ends as analysts know them (document, plan year, goal id as numbered then)."""
    with engine.connect() as conn:
        goals: dict[str, dict[str, Any]] = {}
        # goal_history's columns for the ends, read from what it reads (v_goals, goal_series) without
        # its per-goal figure look-ups
        for r in conn.execute(text("SELECT vg.anchor, vg.document, vg.plan_year, vg.goal_id, "
                                   "vg.meeting_date AS follow_up_date, COALESCE(gs.series, vg.anchor) AS series, "
                                   "vg.municipality FROM v_goals vg LEFT JOIN goal_series gs ON gs.anchor = vg.anchor "
                                   "ORDER BY vg.id")):
            goals.setdefault(r.anchor, dict(r._mapping))
        # version: what `maalspor link-set --version` expects, so a decision is never made over an unseen one
        links = conn.execution_options(stream_results=True, yield_per=2000).execute(text(
            "SELECT l.from_anchor, l.to_anchor, l.municipality, l.score, l.reasons, l.method, l.state, "
            "COALESCE(v.version, 0) AS version FROM goal_links l "
            "LEFT JOIN review_versions v ON v.target = 'link' AND v.anchor = l.from_anchor || ' -> ' || l.to_anchor "
            "ORDER BY l.municipality, l.from_anchor, l.to_anchor"))
        yield from _link_dicts(goals, links)


def _link_dicts(goals: dict[str, dict[str, Any]], links: Any) -> Iterator[dict[str, Any]]:
    for link in links:
        a, b = goals.get(link.from_anchor, {}), goals.get(link.to_anchor, {})
        reasons = link.reasons
        if isinstance(reasons, str):  # SQLite hands JSON back as text through a plain SELECT
            reasons = json.loads(reasons)
        yield {"municipality": a.get("municipality") or link.municipality,
               "series": a.get("series") or b.get("series"),
               "from_document": a.get("document"), "from_plan_year": a.get("plan_year"),
               "from_goal_id": a.get("goal_id"), "from_follow_up_date": a.get("follow_up_date"),
               "to_document": b.get("document"), "to_plan_year": b.get("plan_year"), "to_goal_id": b.get("goal_id"),
               "to_follow_up_date": b.get("follow_up_date"), "score": link.score, "state": link.state,
               "method": link.method, "reasons": reasons, "from_anchor": link.from_anchor,
               "to_anchor": link.to_anchor, "version": link.version}


def figure_text(value: float | None, unit: str | None, raw: str | None) -> str:
    if value is None:
        return raw or ""  # a direction ("↑ øges") where the goal names no level
    return raw or f"{value:g}{' ' + unit if unit else ''}"
