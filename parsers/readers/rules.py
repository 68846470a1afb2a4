"""Column tables ruled only between their rows: the column lines the drawing leaves out, implied.

Word's "horizontal borders only" and many report generators rule a table between its rows and
draw no column lines, often with no rule above the header or below the last row. pdfplumber's
"lines" strategy then finds no cells, and each row's cells run together into one text line
(`1.1 Flere i job 63 % Målet er nået`). Here the missing lines are implied from evidence on the
page alone:

- two or more horizontal rules of one width, each band between two of them holding one row
  (lines as close together as the lines of one cell);
- column boundaries where every rule is cut into segments at the same x (per-cell borders), or
  else where no character of any row lies, in a gap wider than a word space;
- the row just above the first rule and the one just below the last belong to the table when
  they sit as close to the rule as the rows inside do and no word of them crosses a boundary;
- at least two rows with text in two or more columns (one, where the rules are cut at the columns).

The result is plain edges. Both PDF readers add them to the page's own before finding tables
(pdfium through pdfplumber's edge functions, pdfplumber as explicit lines), so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Any

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

_SAME_TOP = 1.0  # segments this close in y are one rule
_SAME_EXTENT = 3.0  # rules whose ends are this close are rules of one table
_ABUT = 1.5  # segments whose ends are this close continue one another
_MIN_RULE_SHARE = 0.25  # a rule narrower than this share of the page is an underline, not a table rule
_LINE_TOP = 3.0  # characters whose tops are this close are one line (as pdfplumber's y tolerance)
_MIN_GAP = 6.0  # a column gap is wider than a word space in justified text
_EDGE = "implied_edge"


@dataclass
class _Rule:
    top: float
    x0: float
    x1: float
    breaks: list[float] = field(default_factory=list)  # x where one segment ends and the next begins


@dataclass
class _Line:
    top: float
    bottom: float
    boxes: list[Box]


def _rules(edges: list[dict[str, Any]], min_width: float) -> list[_Rule]:
    """Horizontal segments at one height joined into rules, remembering where they were cut."""
    flat = sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: (e["top"], e["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for e in flat:
        if rows and abs(e["top"] - rows[-1][0]["top"]) <= _SAME_TOP:
            rows[-1].append(e)
        else:
            rows.append([e])
    rules: list[_Rule] = []
    for row in rows:
        row.sort(key=lambda e: e["x0"])
        spans: list[list[float]] = []  # [x0, x1, cut, cut, ...]
        for e in row:
            if spans and e["x0"] <= spans[-1][1] + _ABUT:
                span = spans[-1]
                if e["x0"] >= span[1] - _ABUT and e["x1"] > span[1] + _ABUT:
                    span.append(span[1])  # this segment starts where the last one ended
                span[1] = max(span[1], e["x1"])
            else:
                spans.append([e["x0"], e["x1"]])
        top = median(e["top"] for e in row)
        for x0, x1, *cuts in spans:
            if x1 - x0 >= min_width:
                rules.append(_Rule(top, x0, x1, sorted({round(c, 1) for c in cuts if x0 + 3 < c < x1 - 3})))
    return rules


def _lines(boxes: list[Box]) -> list[_Line]:
    lines: list[_Line] = []
    for box in sorted(boxes, key=lambda b: b[1]):
        if lines and box[1] - lines[-1].top <= _LINE_TOP:
            line = lines[-1]
            line.boxes.append(box)
            line.bottom = max(line.bottom, box[3])
        else:
            lines.append(_Line(box[1], box[3], [box]))
    return lines


def _clip(lines: list[_Line], x0: float, x1: float, top: float, bottom: float) -> list[_Line]:
    """The parts of lines inside [x0, x1] × [top, bottom] (by each box's centre)."""
    out = []
    for line in lines:
        if line.top < top or line.bottom > bottom:
            continue
        inside = [b for b in line.boxes if x0 <= (b[0] + b[2]) / 2 <= x1]
        if inside:
            out.append(_Line(min(b[1] for b in inside), max(b[3] for b in inside), inside))
    return out


def _clusters(lines: list[_Line]) -> list[list[_Line]]:
    """Lines split where the gap between two is wider than the lines of one cell are apart."""
    if not lines:
        return []
    height = median(ln.bottom - ln.top for ln in lines)
    limit = max(4.0, 0.6 * height)
    out = [[lines[0]]]
    for ln in lines[1:]:
        if ln.top - out[-1][-1].bottom > limit:
            out.append([ln])
        else:
            out[-1].append(ln)
    return out


def _gaps(rows: list[list[_Line]], x0: float, x1: float) -> list[float]:
    """Middles of the x ranges inside (x0, x1) that no character of any row covers."""
    spans = sorted((max(b[0], x0), min(b[2], x1)) for row in rows for ln in row for b in ln.boxes)
    gaps: list[float] = []
    reach = x0
    for a, b in spans:
        if a - reach >= _MIN_GAP and reach > x0 + 1:
            gaps.append((reach + a) / 2)
        reach = max(reach, b)
    return gaps


def _crosses(row: list[_Line], bounds: list[float]) -> bool:
    return any(b[0] < x - 0.5 and b[2] > x + 0.5 for ln in row for b in ln.boxes for x in bounds)


def _columns_used(row: list[_Line], cuts: list[float]) -> int:
    return len({sum(x < (b[0] + b[2]) / 2 for x in cuts) for ln in row for b in ln.boxes})


def _table(run: list[_Rule], above: list[_Line], below: list[_Line], inner: list[list[_Line]]) -> list[dict]:
    """Edges for one run of rules, or none when the rows do not line up in columns."""
    x0, x1 = min(r.x0 for r in run), max(r.x1 for r in run)
    shared = [x for x in run[0].breaks if all(any(abs(x - y) <= _ABUT for y in r.breaks) for r in run[1:])]
    if shared:
        bounds = shared
        if any(_crosses(row, bounds) for row in inner):
            return []
    else:
        bounds = _gaps([*inner, above, below], x0, x1) or _gaps(inner, x0, x1)
        if not bounds:
            return []
    rows = list(inner)
    top, bottom = run[0].top, run[-1].top
    if above and not _crosses(above, bounds):
        rows.append(above)
        top = min(ln.top for ln in above) - 1.0
    elif len(run) == 1:
        return []
    if below and not _crosses(below, bounds):
        rows.append(below)
        bottom = max(ln.bottom for ln in below) + 1.0
    elif len(run) == 1:
        return []
    if len(run) == 1 and _columns_used(above, bounds) < 2:
        return []  # one cut rule: a header across the columns above it, a row below
    # rules cut at the column lines are evidence enough with one row (the header) across columns
    if sum(_columns_used(row, bounds) >= 2 for row in rows) < (1 if shared else 2):
        return []
    edges = [{"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top,
              "orientation": "v", "object_type": _EDGE} for x in (x0, *bounds, x1)]
    edges += [{"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0,
               "orientation": "h", "object_type": _EDGE} for y in (top, bottom)]
    return edges


def _edge_rows(lines: list[_Line], run: list[_Rule], reach: float, floor: float,
               ceiling: float) -> tuple[list[_Line], list[_Line]]:
    """The row directly above the first rule and directly below the last, if one sits within `reach`
    (and not beyond the neighbouring rules, `floor` above and `ceiling` below)."""
    first, last = run[0].top, run[-1].top
    before = [ln for ln in lines if floor <= ln.top and ln.bottom <= first]
    after = [ln for ln in lines if ln.top >= last and ln.bottom <= ceiling]
    above = _clusters(before)[-1] if before and first - before[-1].bottom <= reach else []
    below = _clusters(after)[0] if after and after[0].top - last <= reach else []
    return above, below


def implied_edges(edges: list[dict[str, Any]], boxes: list[Box], page_width: float) -> list[dict[str, Any]]:
    """Column and outer edges for tables ruled only between rows; [] for every other page, and for a
    drawing too odd to reason about (its own rulings still count)."""
    try:
        return _implied(edges, boxes, page_width)
    except (ValueError, ArithmeticError):
        return []


def _implied(edges: list[dict[str, Any]], boxes: list[Box], page_width: float) -> list[dict[str, Any]]:
    rules = _rules(edges, page_width * _MIN_RULE_SHARE)
    if len(rules) < 2 and not any(r.breaks for r in rules):
        return []
    vertical = [e for e in edges if e["orientation"] == "v" and e["height"] >= 3]
    groups: list[list[_Rule]] = []
    for rule in rules:
        group = next((g for g in groups if abs(g[0].x0 - rule.x0) <= _SAME_EXTENT
                      and abs(g[0].x1 - rule.x1) <= _SAME_EXTENT), None)
        if group is None:
            groups.append([rule])
        else:
            group.append(rule)
    all_lines = _lines([b for b in boxes if b[2] > b[0]])
    out: list[dict[str, Any]] = []
    for group in groups:
        if len(group) < 2 and not group[0].breaks:
            continue
        x0, x1 = group[0].x0 - 1, group[0].x1 + 1
        if any(x0 <= v["x0"] <= x1 and v["bottom"] >= group[0].top - 1 and v["top"] <= group[-1].top + 1
               for v in vertical):
            continue  # ruled in both directions: the ordinary table finder reads it
        lines = _clip(all_lines, x0, x1, 0.0, float("inf"))
        run: list[_Rule] = [group[0]]
        inner: list[list[_Line]] = []
        pads: list[float] = []
        runs: list[tuple[list[_Rule], list[list[_Line]]]] = []
        heights = [ln.bottom - ln.top for ln in lines]
        most_pad = (median(heights) if heights else 10.0) + 2.0  # a cell's padding is less than a line
        for upper, lower in zip(group, group[1:], strict=False):
            band = _clusters([ln for ln in lines if ln.top >= upper.top and ln.bottom <= lower.top])
            pad = (band[0][0].top - upper.top, lower.top - band[0][-1].bottom) if len(band) == 1 else (0.0, 0.0)
            if len(band) == 0 or len(band) == 1 and max(pad) <= most_pad:
                run.append(lower)
                if band:
                    inner.append(band[0])
                    pads += pad
                continue
            # more than one row between two rules, or one row far from one of them: a table ends here
            runs.append((run, inner))
            run, inner = [lower], []
        runs.append((run, inner))
        reach = (max(pads) if pads else 0.8 * median(heights) if heights else 0.0) + 2.0
        tops = [r.top for r in group]
        for rule_run, rows in runs:
            if len(rule_run) < 2 and not rule_run[0].breaks:
                continue
            k, n = tops.index(rule_run[0].top), tops.index(rule_run[-1].top)
            floor = tops[k - 1] if k > 0 else 0.0
            ceiling = tops[n + 1] if n + 1 < len(tops) else float("inf")
            above, below = _edge_rows(lines, rule_run, reach, floor, ceiling)
            out += _table(rule_run, above, below, rows)
    return out
