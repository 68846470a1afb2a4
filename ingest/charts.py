"""Charts of goal series (matplotlib, Agg backend: no display needed, PNG or SVG from the suffix).

The figure builders return the matplotlib Figure so tests can read what was drawn (points,
labels) instead of trusting pixels; `draw_*` save it and return the number of points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ingest import history
from models import headline

VERDICT_COLOURS = {"met": "#2e7d32", "expected_met": "#81c784", "partly_met": "#fbc02d", "not_met": "#c62828",
                   "expected_not_met": "#ef9a9a", "too_early": "#90a4ae", "not_measurable": "#b0bec5",
                   "dropped": "#212121", "none": "#e0e0e0"}
VERDICT_MARKERS = {"met": "o", "expected_met": "o", "partly_met": "D", "not_met": "X", "expected_not_met": "x",
                   "too_early": "s", "not_measurable": "s", "dropped": "v", "none": "."}


class NothingToDraw(Exception):
    """No series (or no goals) match: one line saying what to try instead."""


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _when(p: dict[str, Any]) -> str:
    return f"{p['plan_year']}" + (f"\n{p['follow_up_date']}" if p["follow_up_date"] else "")


def pick_series(engine: Engine, search: str, municipality: str | None = None) -> list[dict[str, Any]]:
    """The longest series matching `search` (most observations), in time order."""
    series = history.series_of(history.history_rows(engine, search, municipality))
    if not series:
        raise NothingToDraw(f"no goal matches {search!r}: try a word from its title, or `maalspor history`")
    points = max(series.values(), key=lambda ps: (len(ps), ps[0]["series"]))
    return sorted(points, key=lambda p: (p["plan_year"] or 0, p["follow_up_date"] or ""))


def series_figure(points: list[dict[str, Any]]) -> Any:
    """Headline observed value against headline target per observation (baseline as a ring, direction in the
    label of a goal without a level), verdict as marker, goal id as numbered then."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    xs = list(range(len(points)))
    observed = [p["observed_value"] for p in points]
    target = [p["target_value"] for p in points]
    ax.plot(xs, [t if t is not None else float("nan") for t in target], linestyle="--", color="#555555",
            marker="_", markersize=18, label="target")
    ax.plot(xs, [o if o is not None else float("nan") for o in observed], color="#1565c0", label="observed",
            zorder=1)
    baseline = [p.get("baseline_value") for p in points]
    if any(b is not None for b in baseline):  # the earlier level the status states, beside the observed one
        ax.scatter([x for x, b in zip(xs, baseline, strict=True) if b is not None],
                   [b for b in baseline if b is not None], marker="o", facecolors="none", edgecolors="#1565c0",
                   s=40, zorder=2, label="baseline")
    for x, p, o, t in zip(xs, points, observed, target, strict=True):
        y = o if o is not None else t
        style = {"s": 90, "zorder": 2, "color": VERDICT_COLOURS.get(p["verdict"], "#999999"),
                 "marker": VERDICT_MARKERS.get(p["verdict"], "o"), "label": f"_{p['verdict']}"}
        label = f"{p['goal_id'] or '–'}\n{p['verdict']}"
        if p.get("target_value") is None and p.get("target_direction"):
            label += f"\n{headline.DIRECTION_WORDS[p['target_direction']]}"
        if y is None:  # no figure printed: the verdict still shows, along the bottom edge
            ax.scatter([x], [0.06], transform=ax.get_xaxis_transform(), **style)
            ax.annotate(label + "\n(no figure)", (x, 0.06), xycoords=ax.get_xaxis_transform(),
                        textcoords="offset points", xytext=(0, 10), ha="center", fontsize=8)
            continue
        ax.scatter([x], [y], **style)
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(0, 10), ha="center", fontsize=8)
    ax.set_xticks(xs, [_when(p) for p in points], fontsize=8)
    ax.set_xlim(-0.5, len(xs) - 0.5)
    unit = next((p["observed_unit"] or p["target_unit"] for p in points if p["observed_unit"] or p["target_unit"]),
                None)
    ax.set_ylabel(unit or "value")
    last = points[-1]
    ax.set_title(f"{last['municipality']}: {(last['title'] or last['statement'])[:70]}", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.margins(y=0.25)
    fig.tight_layout()
    return fig


def overview_rows(engine: Engine, municipality: str | None = None) -> dict[tuple[str, int], dict[str, int]]:
    """Verdict counts per (municipality, plan year), one count per series and plan year."""
    counts: dict[tuple[str, int], dict[str, int]] = {}
    seen: set[tuple[str, int, str]] = set()
    for r in history.history_rows(engine, None, municipality):
        if not r["municipality"] or r["plan_year"] is None or (r["series"], r["plan_year"], r["goal_id"]) in seen:
            continue
        seen.add((r["series"], r["plan_year"], r["goal_id"]))
        bucket = counts.setdefault((r["municipality"], r["plan_year"]), {})
        bucket[r["verdict"]] = bucket.get(r["verdict"], 0) + 1
    return counts


def overview_figure(counts: dict[tuple[str, int], dict[str, int]]) -> Any:
    """Stacked bars of verdict shares, one bar per municipality and plan year."""
    plt = _pyplot()
    keys = sorted(counts)
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(keys) + 2), 4.5))
    bottoms = [0.0] * len(keys)
    for verdict, colour in VERDICT_COLOURS.items():
        shares = [counts[k].get(verdict, 0) / max(1, sum(counts[k].values())) for k in keys]
        if not any(shares):
            continue
        ax.bar(range(len(keys)), shares, bottom=bottoms, color=colour, label=verdict, edgecolor="white")
        bottoms = [b + s for b, s in zip(bottoms, shares, strict=True)]
    ax.set_xticks(range(len(keys)), [f"{m}\n{y}\n(n={sum(counts[(m, y)].values())})" for m, y in keys], fontsize=8)
    ax.set_ylabel("share of goals")
    ax.set_ylim(0, 1)
    ax.set_title("Verdicts per plan year", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
    fig.tight_layout()
    return fig


def _save(fig: Any, output: Path) -> None:
    plt = _pyplot()
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, format=output.suffix.lower().lstrip("."), dpi=110)
    plt.close(fig)


def draw_series(engine: Engine, search: str, output: Path, municipality: str | None = None) -> int:
    points = pick_series(engine, search, municipality)
    _save(series_figure(points), output)
    return len(points)


def draw_overview(engine: Engine, output: Path, municipality: str | None = None) -> int:
    counts = overview_rows(engine, municipality)
    if not counts:
        raise NothingToDraw("no goals with a municipality and a plan year to draw: ingest follow-ups first")
    _save(overview_figure(counts), output)
    return len(counts)
