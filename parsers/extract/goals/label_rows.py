"""Follow-up tables read row by row from their labels: `Mål 2.1 – Titel`, `Status`, `Målopfyldelse`.

The rows come as table cells or as lines broken by a PDF text layer; a label without status
(`Resultatmål: At …`) and a `Mål 1.1` heading over paragraphs are read here too.
"""

from __future__ import annotations

import re

from models.records import DocLine, Goal, Verdict
from parsers.extract.goals.columns import _header_columns
from parsers.extract.goals.common import (
    _DASH,
    Context,
    _cells,
    _clean,
    _figures,
    _is_heading_like,
    _is_statement,
    _judges_goal,
    _kind,
    find_plan,
    split_title,
    vocab,
)
from parsers.extract.goals.paragraphs import line_units, sentences
from parsers.extract.verdicts import classify_clause, normalise_verdict


class _Block:
    """One goal being read from a table: header, statement, status and verdict lines."""

    def __init__(self, goal_id: str, header_rest: str, line: DocLine, in_cells: bool) -> None:
        self.goal_id = goal_id
        self.header = [header_rest] if header_rest else []
        self.text_parts: list[str] = []
        self.status: list[str] = []
        self.verdict: list[str] = []
        self.first = line
        self.last = line
        self.in_cells = in_cells
        self.state = "text"
        self.colon = False  # `Resultatmål: At …`: a label, not a goal id mentioned in prose
        # `Mål 1 Alle ledige skal …` on one line: its own text, should no status ever follow
        self.own: list[str] | None = [] if header_rest and not in_cells else None
        self.own_last = line
        self.sealed = False
        self.text_lines: list[DocLine] = []  # the lines read as text, for a heading-only label
        self.headed = False  # `Mål 1.1 – Titel` as a heading: the statement is the next paragraph


def _headed_block(block: _Block, lines: list[DocLine], wrapped: bool) -> None:
    """`Mål 1.1` as a heading over paragraphs: the first is the statement, the rest its status and verdict."""
    units = line_units(block.text_lines, lines, wrapped)
    if not units or not _is_statement(units[0], labelled=True):
        return
    rest = [s for u in units[1:] for s in sentences(u)]
    verdict_sentence = next((s for s in reversed(rest) if _judges_goal(s)), None)
    if verdict_sentence is None and len(units) > 1 and len(units[-1]) <= 60 and classify_clause(units[-1]):
        verdict_sentence = units[-1]  # a short closing status line: "Se, hvordan det går (afventer data)"
        rest = [s for u in units[1:-1] for s in sentences(u)] + [verdict_sentence]
    block.text_parts = [units[0]]
    block.status = [s for s in rest if s is not verdict_sentence]
    block.verdict = [verdict_sentence] if verdict_sentence else []
    block.colon = True  # labelled by its heading: a goal even with no verdict
    block.headed = True


def table_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    ctx = ctx or Context()
    v = vocab()
    header_re, status_re, verdict_re = v["goal_header_re"], v["status_re"], v["verdict_re"]
    plan: str | None = None
    plan_year: int | None = None
    theme: str | None = None
    pending_heading: list[str] = []
    blocks: list[tuple[_Block, str | None, str | None, int | None]] = []
    cur: _Block | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            blocks.append((cur, theme, plan, plan_year))
        cur = None

    blank_after = False
    for n, line in enumerate(lines):
        continues = cur is not None and (line.is_table_row or bool(status_re.match(line.text.strip()))
                                         or bool(verdict_re.match(line.text.strip())))
        if n in ctx.breaks and not continues:
            close()  # a new agenda item: the previous table's plan and heading end here
            plan, plan_year, theme, pending_heading = None, None, None, []
        raw = line.text.strip()
        if not raw:
            blank_after = cur is not None
            continue
        after_blank, blank_after = blank_after, False
        cells = _cells(line)
        first = cells[0]
        second = " ".join(c for c in cells[1:] if c)
        if len(cells) > 1 and _header_columns(cells) is not None:
            close()  # `Mål | Status | Målopfyldelse`: a column header row, not a goal
            continue
        m = header_re.match(first)
        if m and m.group("id") is None and not m.group("rest").strip() and len(cells) == 1 \
                and not first.rstrip().endswith(":"):
            m = None  # "Mål" alone on a line is a heading; alone in a label cell it opens a goal row
        if m:
            close()
            rest = _clean(m.group("rest") or "").lstrip(":. ")
            cur = _Block(m.group("id"), rest, line, len(cells) > 1)
            cur.colon = m.group("id") is None or first[m.end("id"):m.end("id") + 2].strip().startswith(":")
            if second:
                cur.text_parts.append(second)
            if pending_heading:
                theme = pending_heading[-1]
                pending_heading = []
            continue
        sm = status_re.match(first)
        vm = verdict_re.match(first)
        if cur is not None and vm and (cur.state in ("status", "text")):
            cur.state = "verdict"
            cur.verdict.append(_clean(" ".join(filter(None, [vm.group("rest"), second]))))
            cur.last = line
            continue
        if cur is not None and sm and cur.state == "text":
            cur.state = "status"
            cur.status.append(_clean(" ".join(filter(None, [sm.group("rest"), second]))))
            cur.last = line
            continue
        # not a label: continuation, or a heading between goals
        p, y = find_plan(raw) if re.search(r"opfølgning|mål\s+i|plan\s+\d{4}", raw, re.I) else (None, None)
        if p and (len(cells) == 1 or not second) and _is_heading_like(raw):
            close()
            plan, plan_year = p, y
            pending_heading = []
            continue
        if cur is None:
            if _is_heading_like(first) and not second:
                pending_heading.append(_clean(first))
            else:
                pending_heading = []
            continue
        if cur.in_cells and not line.is_table_row and "\t" not in line.text:
            close()  # a table's goal ends with its rows; the prose after it is not its text
            if _is_heading_like(first):
                pending_heading.append(_clean(first))
            continue
        if cur.state == "text":
            before = cur.text_parts or cur.header
            wraps = raw[:1].islower() and not (before and before[-1].endswith((".", "!", "?")))
            if cur.colon and cur.header and not cur.in_cells and (after_blank or not wraps):
                close()  # `Resultatmål: At …` said it all on its line; a new paragraph is not its text
                if _is_heading_like(first) and not second:
                    pending_heading.append(_clean(first))
                continue
            if cur.in_cells and not second and len(cells) == 1 and line.is_table_row:
                close()
                pending_heading.append(_clean(first))
                continue
            if cur.own is not None and not cur.sealed:
                if wraps:
                    cur.own.append(_clean(raw))
                    cur.own_last = line
                else:
                    cur.sealed = True  # the label line's own text ends here
            cur.text_parts.append(_clean(" ".join(cells)))
            cur.text_lines.append(line)
            cur.last = line
        elif cur.state == "status":
            cur.status.append(_clean(" ".join(cells)))
            cur.last = line
        else:  # after the verdict: a lower-case continuation, else the table's next heading
            if raw[:1].islower() and not cur.verdict[-1].endswith("."):
                cur.verdict.append(_clean(raw))
                cur.last = line
            else:
                close()
                if _is_heading_like(first) and not second:
                    pending_heading.append(_clean(first))
    close()

    goals: list[Goal] = []
    for block, btheme, bplan, byear in blocks:
        if not block.status and not block.verdict and not block.in_cells and block.text_lines and (
                not block.header or _DASH.match(block.header[0])):
            _headed_block(block, lines, ctx.wrapped)
        labelled_only = not block.status and not block.verdict
        if labelled_only and block.own is not None and not block.colon:
            if not _is_statement(_DASH.sub("", " ".join(block.header))):
                continue  # a "Mål 3.2" mentioned in prose is not a follow-up row
            block.text_parts, block.last = block.own, block.own_last  # a label row: what followed was not its text
        elif labelled_only and not (block.colon or block.in_cells):
            continue
        if bplan is None:
            bplan, byear = ctx.plan_at(block.first.start)
        header = " ".join(block.header)
        title: str | None = None
        if block.in_cells or block.text_parts and block.first.is_table_row or block.headed:
            title_part = _DASH.sub("", header) if _DASH.match(header) else header
            title = title_part or None
            text = " ".join(block.text_parts)
        elif _DASH.match(header):
            title, text = split_title(_DASH.sub("", " ".join([header] + block.text_parts)))
        else:
            text = " ".join([header] + block.text_parts)
        text = _clean(text)
        if not text or labelled_only and not _is_statement(text, labelled=block.in_cells or block.headed):
            continue
        status = _clean(" ".join(block.status)) or None
        verdict_text = _clean(" ".join(block.verdict)) or None
        verdict, expectation = normalise_verdict(verdict_text)
        reasons: list[str] = []
        confidence = 1.0
        if verdict_text and verdict is Verdict.none:
            reasons.append("verdict phrase not recognised")
            confidence -= 0.4
        if labelled_only:
            reasons.append("labelled goal without status")
            confidence -= 0.3
        elif not verdict_text:
            reasons.append("no verdict given")
            confidence -= 0.2
        if not block.first.is_table_row:
            reasons.append("table read as lines")
            confidence -= 0.1
        if block.first.page != block.last.page:
            reasons.append("goal spans a page break")
            confidence -= 0.1
        goals.append(Goal(
            plan=bplan, plan_year=byear, goal_id=block.goal_id, kind=_kind(title, btheme), theme=btheme,
            title=title, text=text, status_text=status, verdict=verdict, verdict_text=verdict_text,
            expectation=expectation, figures=_figures(text, "target") + _figures(status, "observed"),
            confidence=round(max(confidence, 0.1), 2), confidence_reasons=reasons, layout="table",
            page=block.first.page, start=block.first.start, end=block.last.end))
    return goals
