"""Goals, verdicts and declared summaries from a whole document, whatever its agenda items.

Goals are looked for over the whole document, never only inside agenda items: an item split
that goes wrong (a recommendation list read as items, an unnumbered item missed) may mislabel a
goal, never lose it. Every layout proposes candidates with their evidence and a confidence:
follow-up tables (`Mål 2.1 – Titel | tekst`, `Status | …`, `Målopfyldelse | …`) as cells or as
lines broken by a PDF text layer; labelled targets without status (`Resultatmål: At …`); goals
in a type the document declares ("angivet med kursiv"); lists of goals under an intro that names
them; target clauses and target sentences closed by a verdict in prose. `merge_candidates`
keeps the best-evidenced candidate where several describe the same goal; afterwards each goal is
attributed to the agenda item whose span holds it. Slides, e-mails and budget tables match none.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from models.records import AgendaItem, DeclaredSummary, DocLine, Document, Figure, Goal, Verdict
from parsers.extract.figures import find_figures
from parsers.extract.nlp import analyse, may_state_verdict
from parsers.extract.verdicts import classify_clause, normalise_verdict
from parsers.split import section_kind

PATTERNS = Path(__file__).resolve().parent.parent / "patterns" / "goals.yaml"
_DASH = re.compile(r"^\s*[–—-]\s*")
_BULLET = re.compile(r"^\s*(?:[•·▪◦‣*-]|\d{1,2}[.)]|[a-z][.)])\s+")


@cache
def vocab() -> dict[str, Any]:
    data = yaml.safe_load(PATTERNS.read_text(encoding="utf-8"))
    data["goal_header_re"] = re.compile(data["goal_header"], re.I)
    labels = sorted(data["status_labels"], key=len, reverse=True)
    data["status_re"] = re.compile(r"^(?:" + "|".join(map(re.escape, labels)) + r")\b\s*:?\s*(?P<rest>.*)$", re.I)
    vlabels = sorted(data["verdict_labels"], key=len, reverse=True)
    data["verdict_re"] = re.compile(r"^(?:" + "|".join(map(re.escape, vlabels)) + r")\b\s*:?\s*(?P<rest>.*)$", re.I)
    data["plan_re"] = re.compile(data["plan"])
    data["prose_res"] = [re.compile(p) for p in data["prose_goal"]]
    data["followup_re"] = re.compile(data["prose_followup"])
    data["intro_re"] = re.compile(data["list_intro"], re.I)
    data["intro_not_re"] = re.compile(data["list_intro_not"], re.I)
    data["recommendation_re"] = re.compile(data["recommendation_intro"], re.I)
    data["target_cue_re"] = re.compile(data["target_cue"], re.I)
    data["target_words_re"] = re.compile(data["target_words"], re.I)
    return data


_TIME_UNITS = frozenset({"hours", "days", "weeks", "months", "years"})
# "efter 4 måneders ledighed", "de sidste 12 måneder", "1 måned efter afsluttet forløb": a window
_WINDOW_BEFORE = re.compile(r"\b(?:efter|de\s+(?:sidste|seneste)|over)\s+$", re.I)
_WINDOW_AFTER = re.compile(r"\s*(?:efter|før)\b", re.I)


def _figures(text: str | None, role: str) -> list[Figure]:
    """Figures of a goal or status; a figure the parser cannot read must not cost the goal.

    A duration with no bound of its own beside another figure is the window the figure is
    measured in or the condition it applies to ("Efter 4 måneders ledighed … en plan for 80 %",
    "de sidste 12 måneder"): role `window`, so the 80 % is the target. A bounded duration
    ("indenfor 1 måned", "senest seks uger") is a target itself.
    """
    if not text:
        return []
    try:
        figures = find_figures(text, role=role)
    except ValueError:
        return []
    other = any(f.unit not in _TIME_UNITS for f in figures)

    def window(f: Figure) -> bool:
        if f.unit not in _TIME_UNITS or f.comparison:
            return False
        before, after = text[:f.start or 0][-20:], text[f.end or 0:][:12]
        return other or bool(_WINDOW_BEFORE.search(before) or _WINDOW_AFTER.match(after))

    return [f.model_copy(update={"role": "window"}) if window(f) else f for f in figures]


def find_plan(*texts: str | None) -> tuple[str | None, int | None]:
    for text in texts:
        if not text:
            continue
        m = vocab()["plan_re"].search(text)
        if m:
            plan = m.group("plan")
            plan = plan[:1].upper() + plan[1:]
            for suffix in ("ene", "en"):
                if plan.lower().endswith(suffix) and len(plan) > len(suffix) + 3:
                    plan = plan[: -len(suffix)]
                    break
            return f"{plan} {m.group('year')}", int(m.group("year"))
    return None, None


def split_title(text: str) -> tuple[str | None, str]:
    """`Fokusmål samtaler At mindst 80 % …` → ("Fokusmål samtaler", "At mindst 80 % …")."""
    v = vocab()
    starters = set(v["statement_starters"])
    preps = set(v["prepositions"])
    tokens = text.split()
    for k in range(1, len(tokens)):
        tok = tokens[k].strip("(”\"")
        if not tok[:1].isupper():
            continue
        if len(tok) >= 2 and tok.isupper():
            continue  # FGU, IGU: acronyms inside a title
        prev = tokens[k - 1]
        if tok in starters or (prev[:1].islower() and prev.lower() not in preps):
            if tok == "I" and not (k + 1 < len(tokens) and tokens[k + 1][:1].isdigit()):
                continue
            return " ".join(tokens[:k]), " ".join(tokens[k:])
    return None, text


def _kind(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        low = text.lower()
        for kind in vocab()["kinds"]:
            if kind in low:
                return "lokalt mål" if kind.startswith("lokal") else kind
    return None


def _clean(text: str) -> str:
    return " ".join(text.split()).strip()


_PLAN_HEADING = re.compile(r"opfølgning|status|mål|plan|strategi|politik|aftale", re.I)


@dataclass(frozen=True)
class Context:
    """What goal finders may know of the document's structure: hints, never gates.

    `breaks` are the line indexes where agenda items start (a finder resets its running state
    there); `marks` are offsets where the plan in force changes: an item's title, or a heading
    that names a plan and year. Neither decides whether a goal is found.
    """

    breaks: frozenset[int] = frozenset()
    marks: tuple[tuple[int, str | None, int | None], ...] = ()
    wrapped: bool = True  # lines may be a paragraph wrapped by layout (PDF, text), not one paragraph each
    _offsets: tuple[int, ...] = field(default=(), repr=False)

    def plan_at(self, offset: int | None) -> tuple[str | None, int | None]:
        if offset is None or not self.marks:
            return None, None
        k = bisect_right(self._offsets, offset) - 1
        return (self.marks[k][1], self.marks[k][2]) if k >= 0 else (None, None)


def make_context(lines: list[DocLine], items: list[AgendaItem], wrapped: bool = True) -> Context:
    marks: list[tuple[int, str | None, int | None]] = [(it.start, *find_plan(it.title)) for it in items]
    for line in lines:
        text = line.text.strip()
        if line.is_table_row or _BULLET.match(text) or not _is_heading_like(text) or len(text.split()) > 12:
            continue
        if _PLAN_HEADING.search(text):
            plan, year = find_plan(text)
            if year is not None:
                marks.append((line.start, plan, year))
    marks.sort(key=lambda m: m[0])
    starts = {it.start for it in items}
    breaks = frozenset(i for i, ln in enumerate(lines) if ln.start in starts)
    return Context(breaks=breaks, marks=tuple(marks), wrapped=wrapped, _offsets=tuple(m[0] for m in marks))


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


def _cells(line: DocLine) -> list[str]:
    if line.is_table_row or "\t" in line.text:
        return [c.strip() for c in line.text.split("\t")]
    return [line.text.strip()]


def _is_heading_like(text: str) -> bool:
    t = text.strip()
    return 2 < len(t) < 120 and not t.endswith((".", ":", ",")) and t[:1].isupper()


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


def _is_statement(text: str, labelled: bool = False) -> bool:
    """A goal statement, not a phrase: starts with a capital and says something.

    Under a `Mål N` label the label is the evidence, and a statement that carries on a shared
    stem ("Målet er, at: alle unge er i gang …") may start in lower case if it says enough.
    """
    if len(text) < 15 or len(text.split()) < 3:
        return False
    if text[:1].isupper() or text[:1].isdigit() or text.lower().startswith("at "):
        return True
    return labelled and len(text.split()) >= 5


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


def colon_list_goals(lines: list[DocLine]) -> list[Goal]:
    """`Mål 10: …` with indicators `10.1: …`, each maybe followed by a status line."""
    goals: list[Goal] = []
    heading: str | None = None
    doc_theme = next((ln.text.strip() for ln in lines if ln.text.strip()), None)
    content = [ln for ln in lines if ln.text.strip()]
    after_goal = False
    for k, line in enumerate(content):
        text = line.text.strip()
        m = re.match(r"^(?:Mål\s+)?(\d{1,2}(?:\.\d{1,2})?)\s*:\s+(\S.+)$", text)
        if not m:
            if _is_heading_like(text) and len(text) < 40 and not (after_goal and text.lower().startswith("se")):
                heading = text
            after_goal = False
            continue
        after_goal = True
        gid, body = m.group(1), m.group(2)
        nxt = content[k + 1].text.strip() if k + 1 < len(content) else ""
        status = nxt if nxt and not re.match(r"^(?:Mål\s+)?\d", nxt) and len(nxt) < 80 and \
            not _is_heading_like(nxt) else None
        if nxt.lower().startswith("se, hvordan"):
            status = nxt
        verdict, expectation = normalise_verdict(status)
        goals.append(Goal(goal_id=gid, theme=doc_theme, title=heading if "." in gid else None, text=body,
                          status_text=status if verdict is not Verdict.none else None, verdict=verdict,
                          verdict_text=(re.search(r"\(.*\)", status).group(0) if status and "(" in status else None)
                          if verdict is not Verdict.none else None,
                          expectation=expectation, figures=_figures(body, "target"), confidence=0.7,
                          confidence_reasons=["goal list without follow-up table"], layout="list",
                          page=line.page, start=line.start, end=line.end))
    return goals if any(g.goal_id and "." not in g.goal_id for g in goals) else []


def list_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    """Bulleted, numbered or `At …` goals under a line that calls them goals ("… at målet er:").

    An `at`-point under an intro that names goals is a goal; under "indstiller, at" it is a
    recommendation, and the intro never names goals there.
    """
    ctx = ctx or Context()
    v = vocab()
    goals: list[Goal] = []
    content = [ln for ln in lines if ln.text.strip()]
    intro: DocLine | None = None
    intro_verdict: tuple[Verdict, str | None] = (Verdict.none, None)
    theme: str | None = None
    in_list = False

    def item_of(text: str) -> re.Match[str] | None:
        return _BULLET.match(text) or (_AT_POINT.match(text) if intro is not None else None)

    def list_follows(k: int) -> bool:
        """The list starts right after the intro, or after one heading line."""
        nxt = [ln.text.strip() for ln in content[k + 1:k + 3]]
        return bool(nxt) and (_starts_point(nxt[0]) or (
            len(nxt) > 1 and _is_heading_like(nxt[0]) and _starts_point(nxt[1])))

    for k, line in enumerate(content):
        text = line.text.strip()
        if section_kind(text) is not None:
            intro, in_list = None, False  # Indstilling, Beslutning …: the list of goals is over
            continue
        bullet = item_of(text)
        if bullet:
            if intro is None:
                continue
            if classify_clause(text[bullet.end():]) is not None:
                in_list = True
                continue  # a verdict or status point under a goal, not a goal
            body = _clean(text[bullet.end():])
            number = re.match(r"^\s*(\d{1,2})[.)]", text)
            if body.endswith(":") or len(body) < 12 or len(body) > 300 or len(body.split()) < 3:
                in_list = True
                continue  # a sub-intro, a fragment or a heading
            in_list = True
            verdict, vtext = intro_verdict
            plan, year = find_plan(intro.text)
            if year is None:
                plan, year = ctx.plan_at(line.start)
            goals.append(Goal(goal_id=number.group(1) if number and not theme else None, plan=plan, plan_year=year,
                              theme=theme or _clean(intro.text.rstrip(":")), text=body, verdict=verdict,
                              verdict_text=vtext, figures=_figures(body, "target"), confidence=0.6,
                              confidence_reasons=["goal found in a list under an intro that names goals"],
                              layout="list", page=line.page, start=line.start, end=line.end))
            continue
        if goals and in_list and text[:1].islower() and goals[-1].end == content[k - 1].end:
            goals[-1].text = _clean(f"{goals[-1].text} {text}")  # the bullet's text wrapped onto this line
            goals[-1].end = line.end
            continue
        last_sentence = re.split(r"(?<=[.!?])\s+", text)[-1]
        names_goals = (bool(v["intro_re"].search(last_sentence)) and not v["intro_not_re"].search(last_sentence)) or (
            bool(re.search(r"\b(?:nedenstående|følgende)\s+(?:[\wæøå]+\s+)?mål", text, re.I))) or (
            bool(_EXPLICIT_INTRO.search(last_sentence)))
        if v["recommendation_re"].search(last_sentence) or v["goal_header_re"].match(text):
            names_goals = False  # a recommendation, or a labelled goal itself
        if intro is not None and _is_heading_like(text) and len(text) < 90 and list_follows(k) and \
                (in_list or content[k - 1] is intro) and not v["recommendation_re"].search(text):
            theme = _clean(text)  # a sub-heading inside the list of goals
            continue
        if names_goals and list_follows(k):
            intro = line
            theme = None
            in_list = False
            verdict = classify_clause(text)
            intro_verdict = (verdict, _clean(text)) if verdict else (Verdict.none, None)
            continue
        if intro is not None and list_follows(k - 1) and k and content[k - 1] is intro:
            continue  # the one heading between intro and list
        intro = None
        in_list = False
    for goal in goals:
        goal.text = re.sub(r"\s*\((?:Hvis|hvis|jf\.|se)\b.*\)\s*$", "", goal.text)
    return goals


# "… at målet er:" / "Målene er:": the list that follows is the goals, whatever else the sentence names
_EXPLICIT_INTRO = re.compile(r"\bmål(?:et|ene|sætningen|sætningerne)\s+er\s*:\s*$", re.I)
_AT_POINT = re.compile(r"^(?=[Aa]t\s+[a-zæøå])")


def _starts_point(text: str) -> bool:
    return bool(_BULLET.match(text) or _AT_POINT.match(text))
_ABBREV = {"ca", "pr", "nr", "kr", "mio", "mia", "fx", "jf", "inkl", "evt", "kl", "bl.a", "f.eks", "mht", "vedr",
           "ift", "pkt", "stk", "mdr", "t", "dvs", "mv", "m.v", "osv", "etc", "hhv", "ang", "iht", "pct"}


@dataclass
class Paragraph:
    text: str
    first: DocLine
    last: DocLine
    italic: bool  # every line of it is in italics (or bold, for `bold`)
    bold: bool
    heading: bool  # a short line standing alone, not a sentence


_MD_HEADING = re.compile(r"^#{1,6}\s+\S")


def paragraph_spans(lines: list[DocLine], geometry: bool = True) -> list[Paragraph]:
    """Lines joined into paragraphs; a blank line, a new list item or a change of type starts the next one."""
    out: list[Paragraph] = []
    cur: list[DocLine] = []
    # each page's right margin, where the reader knows it: a line that stops well short ends a paragraph
    right: dict[int, float] = {}
    for ln in lines:
        if ln.x1 is not None and not ln.is_table_row:
            right[ln.page] = max(right.get(ln.page, 0.0), ln.x1)

    def flush() -> None:
        if cur:
            text = " ".join(ln.text.strip() for ln in cur)
            bold = all(ln.bold for ln in cur)
            heading = _is_heading_like(text) and len(text) < 150 and (
                bold or len(cur) == 1 and len(text.split()) <= 8)  # a plain long line is a sentence sans stop
            out.append(Paragraph(text=text, first=cur[0], last=cur[-1], italic=all(ln.italic for ln in cur),
                                 bold=bold, heading=heading))
        cur.clear()

    for line in lines:
        text = line.text.strip()
        if not text or _BULLET.match(text) or line.is_table_row:
            flush()
            if text and not line.is_table_row:
                cur.append(line)
            continue
        if _MD_HEADING.match(text) or (len(text) < 60 and section_kind(text) is not None):
            flush()  # a heading is a paragraph of its own, wherever the blank lines went
            cur.append(line)
            flush()
            out[-1].heading = True
            continue
        prev = cur[-1] if cur else None
        short = geometry and prev is not None and prev.x1 is not None and prev.page in right and \
            prev.x1 < right[prev.page] - 40
        if prev and (prev.italic != line.italic or prev.bold != line.bold or line.bold and _is_heading_like(text)
                     or short):
            flush()
        cur.append(line)
    flush()
    return out


def paragraphs(lines: list[DocLine]) -> list[str]:
    return [p.text for p in paragraph_spans(lines)]


def sentences(paragraph: str) -> list[str]:
    """Split at . ! ? followed by a capital or digit, but not after abbreviations or inside numbers."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ”\"(])", paragraph):
        before = paragraph[start:m.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        if word in _ABBREV or re.fullmatch(r"\d{1,2}", word):
            continue
        out.append(paragraph[start:m.end()].strip())
        start = m.end()
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


def _span(first: DocLine, last: DocLine) -> dict[str, Any]:
    return {"page": first.page, "start": first.start, "end": last.end}


def prose_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    """Target clauses (`Målsætningen er, at …`), judged by their own clause or the paragraph's verdict."""
    ctx = ctx or Context()
    v = vocab()
    goals: list[Goal] = []
    paras = paragraph_spans(lines, geometry=False)  # a restated target may sit in the next printed paragraph
    para_sentences = [sentences(p.text) for p in paras]
    all_sentences = [(pi, si, s) for pi, ps in enumerate(para_sentences) for si, s in enumerate(ps)]
    for n, (pi, si, sentence) in enumerate(all_sentences):
        found: list[tuple[str, str]] = []
        for rx in v["prose_res"]:
            for m in rx.finditer(sentence):
                found.append((_clean(m.group("text")), sentence))
        if not found:
            continue
        if n + 1 < len(all_sentences):
            f = v["followup_re"].match(all_sentences[n + 1][2])
            if f:
                found += [(_clean(p), all_sentences[n + 1][2])
                          for p in re.split(r",?\s+samt\s+at\s+|,\s+og\s+at\s+", f.group("text"))]
        status, verdict_sentence = _followup_in_paragraph(para_sentences[pi][si + 1:])
        for goal_text, clause in found:
            goal_text = goal_text.rstrip(",;")
            if len(goal_text) < 15:
                continue
            judged = clause if re.search(r"nået|opfyld", clause) else verdict_sentence
            verdict, expectation = normalise_verdict(judged)
            plan, plan_year = find_plan(goal_text, clause)
            if plan_year is None:
                plan, plan_year = ctx.plan_at(paras[pi].first.start)
            goals.append(Goal(text=goal_text, verdict=verdict, expectation=expectation, plan=plan, plan_year=plan_year,
                              status_text=(status or (judged if re.search(r"\d", judged) else None))
                              if verdict_sentence and judged is verdict_sentence else None,
                              verdict_text=judged if verdict is not Verdict.none else None,
                              figures=_figures(goal_text, "target") + _figures(status, "observed"), confidence=0.5,
                              confidence_reasons=["target clause in prose"], layout="prose",
                              **_span(paras[pi].first, paras[pi].last)))
    return _merge_restated(goals)


def cue_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    """A target sentence (`skal`, `forventes`, a level, or italics) that a later verdict sentence judges.

    spaCy marks the cues and the verdict sentences ("Målet forventes ikke nået"). The verdict
    implies a goal before it: the judged statement is looked for back to the previous verdict or
    heading, across up to two paragraphs of status. Ordinary prose that merely says what "skal"
    happen, with no verdict after it, is left alone.
    """
    ctx = ctx or Context()
    goals: list[Goal] = []
    paras = paragraph_spans(lines)
    flat: list[tuple[int, str, set[str], bool, bool]] = []  # paragraph, sentence, cues, verdict, italic
    # only a paragraph that may state a verdict, and the two before it, can take part in a goal
    verdict_paras = [pi for pi, para in enumerate(paras) if may_state_verdict(para.text)]
    wanted = {j for pi in verdict_paras for j in range(pi - 2, pi + 1)}
    for pi, para in enumerate(paras):
        if section_kind(para.text) is not None:
            para.heading = True  # "Økonomi", "Beslutning": a verdict never reaches back across a section
        if para.heading:
            flat.append((pi, para.text, set(), False, False))
            continue
        if pi not in wanted:
            continue
        italic_para = para.italic
        for sentence, cues, is_verdict in analyse(para.text):
            flat.append((pi, sentence, cues, is_verdict, italic_para))
    stop = -1  # index of the last sentence that closed a goal or a heading
    for k, (pi, sentence, _cues, is_verdict, _it) in enumerate(flat):
        if paras[pi].heading:
            stop = k
            continue
        if not is_verdict:
            continue
        verdict, expectation = normalise_verdict(sentence)
        if verdict is Verdict.none:
            continue
        window = [j for j in range(stop + 1, k) if flat[j][0] >= pi - 2]
        stop = k
        goal_at = next((j for j in window if ({"TARGET_MODAL", "TARGET_NOUN"} & flat[j][2] or flat[j][4])
                        and not flat[j][3]), None)
        if goal_at is None:
            continue
        later_nouns = [j for j in window if j > goal_at and "TARGET_NOUN" in flat[j][2]]
        if later_nouns:
            continue  # a second target clause between: prose_goals judges those
        statement = flat[goal_at][1]
        status = " ".join(flat[j][1] for j in window if j > goal_at) or None
        italic = flat[goal_at][4]
        first_para, last_para = paras[flat[goal_at][0]], paras[pi]
        plan, plan_year = find_plan(statement)
        if plan_year is None:
            plan, plan_year = ctx.plan_at(first_para.first.start)
        goals.append(Goal(text=statement, status_text=status, verdict=verdict, expectation=expectation,
                          verdict_text=sentence, plan=plan, plan_year=plan_year,
                          figures=_figures(statement, "target") + _figures(status, "observed"),
                          confidence=0.55 if italic else 0.45,
                          confidence_reasons=["target sentence closed by a verdict" + (" (italic)" if italic else "")],
                          layout="prose", **_span(first_para.first, last_para.last)))
    return goals


_DECLARED_TYPE = re.compile(
    r"\b(?:angivet|anført|markeret|skrevet|fremhævet|gengivet|vist|står|sat|trykt)\s+(?:med|i)\s+"
    r"(?P<type>kursiv|fed(?:\s+skrift)?|understregning|understreget)", re.I)


def typography_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    """Goals marked by type, as the document itself declares ("Målene er nedenfor angivet med kursiv").

    Each paragraph in that type after the declaration is a goal statement (one goal per
    sentence); the plain paragraphs after it, up to the next goal or heading, are its status,
    and a verdict sentence among them ("Målet forventes ikke nået") is its verdict. A goal with
    no verdict sentence keeps verdict `none`.
    """
    ctx = ctx or Context()
    paras = paragraph_spans(lines)
    declared = next(((k, m) for k, p in enumerate(paras) if (m := _DECLARED_TYPE.search(p.text))), None)
    if declared is None:
        return []
    start, m = declared
    kind = m.group("type").lower()
    if kind.startswith("underst"):
        return []  # the readers do not report underlining

    # where the document's own section headings are bold too, a bold line must also read as a target
    bold_headings = any(ln.bold for ln in lines if section_kind(ln.text) is not None)

    def styled(p: Paragraph) -> bool:
        if kind.startswith("kursiv"):
            return p.italic and not p.bold
        return p.bold and (not p.heading or not bold_headings or bool(vocab()["target_words_re"].search(p.text)))

    groups: list[tuple[list[Paragraph], list[Paragraph]]] = []
    for para in paras[start + 1:]:
        if styled(para) and len(para.text) >= 15:
            if groups and not groups[-1][1]:
                groups[-1][0].append(para)  # goals in a row, before any status
            else:
                groups.append(([para], []))
        elif groups and para.heading and not styled(para):
            groups.append(([], []))  # a heading ends the status of the goals above it
        elif groups and groups[-1][0]:
            groups[-1][1].append(para)
    goals: list[Goal] = []
    for goal_paras, status_paras in groups:
        if not goal_paras:
            continue
        status_sentences = [s for p in status_paras for s in sentences(p.text)]
        verdict_sentence = next((s for s in reversed(status_sentences) if _judges_goal(s)), None)
        verdict, expectation = normalise_verdict(verdict_sentence)
        status = " ".join(s for s in status_sentences if s is not verdict_sentence) or None
        last = (status_paras or goal_paras)[-1].last
        for para in goal_paras:
            units = _styled_units(lines, para) if ctx.wrapped else [
                ln.text.strip() for ln in lines if para.first.start <= ln.start <= para.last.start and ln.text.strip()]
            for statement in units:
                statement = _clean(statement)
                if len(statement) < 15:
                    continue
                plan, plan_year = find_plan(statement)
                if plan_year is None:
                    plan, plan_year = ctx.plan_at(para.first.start)
                reasons = [f"marked in {kind}, as the document declares"]
                if verdict_sentence is None:
                    reasons.append("no verdict given")
                goals.append(Goal(text=statement, status_text=status, verdict=verdict, expectation=expectation,
                                  verdict_text=verdict_sentence, plan=plan, plan_year=plan_year,
                                  figures=_figures(statement, "target") + _figures(status, "observed"),
                                  confidence=0.75 if verdict_sentence else 0.65, confidence_reasons=reasons,
                                  layout="typography", page=para.first.page, start=para.first.start, end=last.end))
    return goals


def _styled_units(lines: list[DocLine], para: Paragraph) -> list[str]:
    """A run of styled lines split where a line starts a new statement."""
    run = [ln for ln in lines if para.first.start <= ln.start <= para.last.start and ln.text.strip()]
    return line_units(run, lines)


def line_units(run: list[DocLine], lines: list[DocLine], wrapped: bool = True) -> list[str]:
    """Lines joined into the paragraphs they were printed as.

    In a PDF a line that stops well short of the page's right margin ends its paragraph; with no
    geometry (text files) a capital after a complete line starts a new one; in HTML and Word every
    line is a paragraph already. Goals often stand one per line with no full stop.
    """
    run = [ln for ln in run if ln.text.strip()]
    if not wrapped:
        return [ln.text.strip() for ln in run]
    pages = {ln.page for ln in run}
    # the text's right margin on these pages: where wrapped body lines end
    right = max((ln.x1 for ln in lines if ln.page in pages and ln.x1 is not None and not ln.is_table_row),
                default=None)
    units: list[list[str]] = []
    prev: DocLine | None = None
    for line in run:
        text = line.text.strip()
        if prev is None:
            units.append([text])
        elif right is not None and prev.x1 is not None:
            ended = prev.x1 < right - 40 or prev.text.rstrip().endswith((".", "!", "?")) and prev.x1 < right - 15
            (units.append([text]) if ended else units[-1].append(text))
        elif text[:1].isupper() or text[:1].isdigit():
            units.append([text])
        else:
            units[-1].append(text)
        prev = line
    return [" ".join(u) for u in units]


def headed_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    """Goals under headings, after an intro that speaks of the goals ("status på målene", "To målsætninger").

    Each heading over a paragraph that states a target (a modal, a level or a figure) is one goal:
    the paragraph is its statement, what follows up to the next heading its status and verdict.
    A minutes section (Indstilling, Beslutning …) ends the run.
    """
    ctx = ctx or Context()
    v = vocab()
    paras = paragraph_spans(lines)
    goals: list[Goal] = []
    active = False  # right after an intro that speaks of goals, or after a goal of the run
    k = 0
    while k < len(paras):
        para = paras[k]
        if section_kind(para.text) is not None:
            active = False
        elif v["intro_re"].search(para.text) and not v["recommendation_re"].search(para.text) and (
                para.heading or k + 1 < len(paras) and paras[k + 1].heading):
            active = True  # "status på målene …" / "To overordnede målsætninger", then headings
        elif active and para.heading and k + 1 < len(paras) and not paras[k + 1].heading:
            body = [paras[k + 1]]
            j = k + 2
            while j < len(paras) and not paras[j].heading and section_kind(paras[j].text) is None:
                body.append(paras[j])
                j += 1
            run = [ln for ln in lines if body[0].first.start <= ln.start <= body[-1].last.start]
            units = line_units(run, lines, ctx.wrapped)
            statement = _clean(units[0]) if units else ""
            if not (v["target_cue_re"].search(statement) and len(statement) >= 15
                    and not v["goal_header_re"].match(statement)):
                active = False  # the run of goals has ended
                k += 1
                continue
            rest = [s for u in units[1:] for s in sentences(u)]
            verdict_sentence = next((s for s in reversed(rest) if _judges_goal(s)), None)
            verdict, expectation = normalise_verdict(verdict_sentence)
            status = " ".join(s for s in rest if s is not verdict_sentence) or None
            plan, plan_year = find_plan(statement)
            if plan_year is None:
                plan, plan_year = ctx.plan_at(para.first.start)
            goals.append(Goal(text=statement, title=_clean(para.text), status_text=status, verdict=verdict,
                              expectation=expectation, verdict_text=verdict_sentence, plan=plan, plan_year=plan_year,
                              figures=_figures(statement, "target") + _figures(status, "observed"),
                              confidence=0.5, confidence_reasons=["target paragraph under a heading, after an intro "
                                                                  "that speaks of goals"],
                              layout="headed", page=para.first.page, start=para.first.start, end=body[-1].last.end))
            k = j
            continue
        elif active and not para.heading:
            active = False
        k += 1
    return goals


_NUMBERED_GOAL = re.compile(r"^(?P<id>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+(?P<text>[A-ZÆØÅ0-9\"“„].+)$")


def numbered_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    """`1.1 Statement` with its status and verdict as bullets under it, as goal lists in plans print them.

    A numbered line is a goal when a bullet under it passes a verdict, or when it states a target in
    a list that an intro names as goals ("Målene er:"). Lowercase recommendation points never qualify.
    """
    ctx = ctx or Context()
    v = vocab()
    goals: list[Goal] = []
    index = {id(ln): n for n, ln in enumerate(lines)}
    content = [ln for ln in lines if ln.text.strip() and not ln.is_table_row]
    intro = False
    k = 0
    while k < len(content):
        line = content[k]
        text = line.text.strip()
        kind = section_kind(text)
        if index[id(line)] in ctx.breaks or kind in ("recommendation", "decision", "attachments"):
            intro = False
        m = _NUMBERED_GOAL.match(text)
        if not m:
            # an intro ("Målene er:") vouches for the numbered lines straight after it (a heading may
            # stand between), nothing further
            heading = line.bold and _is_heading_like(text) and kind not in ("recommendation", "decision")
            names = bool(v["intro_re"].search(text)) and text.endswith(":") and not v["recommendation_re"].search(text)
            intro = names or (intro and heading)
            k += 1
            continue
        statement, bullets = [m.group("text")], []
        last = line
        j = k + 1
        while j < len(content):
            nxt = content[j].text.strip()
            if _NUMBERED_GOAL.match(nxt) or section_kind(nxt) is not None or (
                    content[j].bold and not line.bold) or index[id(content[j])] in ctx.breaks:
                break
            bullet = _BULLET.match(nxt)
            if bullet and not re.match(r"^\d", nxt):
                bullets.append([nxt[bullet.end():].strip()])
            elif not ctx.wrapped:
                break  # HTML and Word: a line is a paragraph, so a plain one ends the goal
            elif bullets:
                bullets[-1].append(nxt)
            else:
                statement.append(nxt)
            last = content[j]
            j += 1
        points = [_clean(" ".join(b)) for b in bullets]
        verdict_text = next((p for p in reversed(points) if classify_clause(p)), None)
        text_ = re.sub(r"\s*\((?:Hvis|hvis|jf\.|se)\b.*\)\s*$", "", _clean(" ".join(statement)))
        if text_.endswith(":") or verdict_text is None and not (intro and _is_statement(text_)):
            intro = False
            k += 1
            continue
        verdict, expectation = normalise_verdict(verdict_text)
        status = " ".join(p for p in points if p is not verdict_text) or None
        plan, plan_year = find_plan(text_)
        if plan_year is None:
            plan, plan_year = ctx.plan_at(line.start)
        goals.append(Goal(goal_id=m.group("id"), text=text_, status_text=status, verdict=verdict,
                          expectation=expectation, verdict_text=verdict_text, plan=plan, plan_year=plan_year,
                          figures=_figures(text_, "target") + _figures(status, "observed"),
                          confidence=0.7 if verdict_text else 0.5,
                          confidence_reasons=["numbered goal with " + ("a verdict bullet" if verdict_text
                                                                       else "no verdict, under a goal intro")],
                          layout="list", page=line.page, start=line.start, end=last.end))
        k = j
    return goals


def _judges_goal(sentence: str) -> bool:
    """A sentence that passes a verdict on the goal ("Målet forventes nået", "Det er for tidligt …")."""
    if classify_clause(sentence) is None:
        return False
    return bool(re.search(r"\bmål(?:et|ene|sætningen|tallet)?\b|\bfor\s+tidligt\b|\bikke\s+muligt\b", sentence, re.I))


def _followup_in_paragraph(rest: list[str]) -> tuple[str | None, str | None]:
    """Status sentences and the verdict sentence that close a prose goal's paragraph."""
    for k, sentence in enumerate(rest):
        if vocab()["prose_res"][2].search(sentence) or vocab()["prose_res"][0].search(sentence):
            return None, None  # the next goal starts before any verdict
        names_goal = re.match(r"^(?:Det\s+er|Dermed|Samlet)\b", sentence) or \
            re.search(r"\bmål(?:et|sætningen)\b", sentence, re.I)
        if names_goal and classify_clause(sentence):
            return (" ".join(rest[:k]) or None), sentence
    return None, None


def _figure_key(goal: Goal) -> tuple[str, ...]:
    return tuple(sorted(re.findall(r"\d+(?:[.,]\d+)?", goal.text)))


def _merge_restated(goals: list[Goal]) -> list[Goal]:
    """The same target restated later ("Nu opfyldes målsætningen om, at 80% …") is one goal."""
    kept: list[Goal] = []
    for goal in goals:
        key = _figure_key(goal)
        twin = next((k for k in kept if key and _figure_key(k) == key), None)
        if twin is None:
            kept.append(goal)
        elif twin.verdict is Verdict.none and goal.verdict is not Verdict.none:
            twin.verdict, twin.verdict_text, twin.status_text = goal.verdict, goal.verdict_text, goal.verdict_text
    return kept


def _norm_text(text: str) -> str:
    return re.sub(r"[^\wæøå%]+", " ", text.lower()).strip()


def _same_goal(a: Goal, b: Goal) -> bool:
    """Two candidates describe one goal: one text holds the other, or they share most words in one place."""
    ta, tb = _norm_text(a.text), _norm_text(b.text)
    if not ta or not tb:
        return False
    if (ta in tb or tb in ta) and min(len(ta), len(tb)) >= 0.5 * max(len(ta), len(tb)):
        return True
    wa, wb = set(ta.split()), set(tb.split())
    overlap = len(wa & wb) / max(1, max(len(wa), len(wb)))  # of the longer: a short goal inside a long one is not it
    inside = a.start is not None and b.start is not None and a.end is not None and b.end is not None and \
        a.start <= b.end and b.start <= a.end
    return overlap >= 0.8 or (inside and overlap >= 0.5)


def _inside_table_goal(goal: Goal, tables: list[Goal]) -> bool:
    """A prose candidate that overlaps a table goal's rows: its cue and verdict are the table's own."""
    if goal.start is None or goal.end is None:
        return False
    return any(t.start is not None and t.end is not None and goal.start <= t.end and t.start <= goal.end
               for t in tables)


_PRIORITY = {"table": 0, "typography": 1, "list": 2, "headed": 3, "prose": 4}
# within a layout, the finders whose evidence is stronger come first
_FINDER_RANK = {"numbered_goals": 0}


def merge_candidates(candidates: list[tuple[str, Goal]]) -> list[Goal]:
    """One goal per statement: the best-evidenced candidate wins, the others only fill its gaps.

    Candidates are ranked by the strength of their layout and then their confidence; a weaker
    candidate that describes an accepted goal (same text, or mostly the same words in an
    overlapping span), or that lies inside a follow-up table's row, is dropped, lending its
    verdict when the accepted goal has none. The survivors are returned in reading order.
    """
    ranked = sorted(candidates, key=lambda fg: (_PRIORITY.get(fg[1].layout, 9),
                                                0 if fg[0] in _FINDER_RANK and fg[1].verdict_text else 1,
                                                -fg[1].confidence, fg[1].start or 0))
    kept: list[Goal] = []
    finder_of: dict[int, str] = {}
    tables: list[Goal] = []
    for finder, cand in ranked:
        # one finder never proposes the same goal twice (two plans may share a statement)
        twin = next((k for k in kept if finder_of[id(k)] != finder and _same_goal(k, cand)), None)
        if twin is None and cand.layout != "table" and _inside_table_goal(cand, tables):
            continue
        if twin is None:
            kept.append(cand)
            finder_of[id(cand)] = finder
            if cand.layout == "table":
                tables.append(cand)
            continue
        if twin.verdict is Verdict.none and cand.verdict is not Verdict.none:
            twin.verdict, twin.expectation, twin.verdict_text = cand.verdict, cand.expectation, cand.verdict_text
            twin.status_text = twin.status_text or cand.status_text
    return sorted(kept, key=lambda g: (g.start if g.start is not None else -1))


_SUMMARY_COUNT = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,3})\s+(?:af\s+(?:de\s+)?\w+\s+)?mål\s+(?P<rest>(?:er|blev|har|kan|vurderes|forventes)\b(?:(?!\s\d{1,3}\s+mål\b)[^,.;:])*)",
    re.I)


def _summary_counts(text: str) -> tuple[dict[str, int], list[str]]:
    counts: dict[str, int] = {}
    texts: list[str] = []
    for m in _SUMMARY_COUNT.finditer(text):
        before = text[max(0, m.start() - 12):m.start()].lower()
        if re.search(r"(?:ud\s+)?af\s+(?:de\s+)?$", before):
            continue  # "ud af de 24 mål er 11 mål ikke nået": 24 is the total, not a verdict count
        rest = re.split(r"\s+og\s+\d", m.group("rest"))[0]
        verdict = classify_clause("Målet " + rest) or classify_clause(rest)
        if verdict is None:
            continue
        counts[verdict.value] = counts.get(verdict.value, 0) + int(m.group("n"))
        texts.append(_clean(m.group(0)))
    return counts, texts


def declared_summaries(lines: list[DocLine], item: str | None, plan_year: int | None) -> list[DeclaredSummary]:
    """Counts a text states about its own goals ("8 mål er nået", "3 mål er nået, 2 mål er ikke nået …")."""
    counts: dict[str, int] = {}
    texts: list[str] = []
    for para in paragraphs(lines):
        c, t = _summary_counts(para)
        for key, value in c.items():
            counts[key] = counts.get(key, 0) + value
        texts += t
    if sum(counts.values()) < 2:
        return []
    return [DeclaredSummary(agenda_item=item, plan_year=plan_year, counts=counts, text="\n".join(texts))]


def _item_at(items: list[AgendaItem], offset: int | None) -> AgendaItem | None:
    if offset is None:
        return None
    return next((it for it in items if it.start <= offset <= it.end), None)


def _summaries(doc: Document, items: list[AgendaItem], goals: list[Goal], ctx: Context) -> list[DeclaredSummary]:
    """Declared counts found anywhere, grouped by agenda item and plan year, compared with the table goals.

    The comparison pairs a summary with the table goals of its plan year (or, with no year, of its
    own item): a summary never depends on the item split to find the goals it speaks of.
    """
    groups: dict[tuple[str | None, int | None], tuple[dict[str, int], list[str]]] = {}
    for para in paragraph_spans(doc.lines):
        counts, texts = _summary_counts(para.text)
        if not counts:
            continue
        item = _item_at(items, para.first.start)
        year = (find_plan(item.title)[1] if item else None) or ctx.plan_at(para.first.start)[1]
        key = (item.number if item else None, year)
        total, all_texts = groups.setdefault(key, ({}, []))
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
        all_texts += texts
    out: list[DeclaredSummary] = []
    tables = [g for g in goals if g.layout == "table"]
    for (number, year), (counts, texts) in groups.items():
        if sum(counts.values()) < 2:
            continue
        if year is not None:
            judged = [g for g in tables
                      if g.plan_year in (None, year) and (g.plan_year == year or g.agenda_item == number)]
        else:
            judged = [g for g in tables if g.agenda_item == number]
        extracted: dict[str, int] = {}
        for g in judged:
            extracted[g.verdict.value] = extracted.get(g.verdict.value, 0) + 1
        # a dropped goal has left the plan, so the text's own count no longer includes it
        compared = {k: v for k, v in extracted.items() if k != Verdict.dropped.value or k in counts}
        mismatch = bool(extracted) and compared != counts
        if mismatch:
            for g in judged:
                g.confidence_reasons.append("the declared summary disagrees with the table")
        out.append(DeclaredSummary(agenda_item=number, plan_year=year, counts=counts, text="\n".join(texts),
                                   extracted=extracted, mismatch=mismatch))
    return out


FINDERS = (table_goals, column_table_goals, typography_goals, numbered_goals, headed_goals, list_goals, prose_goals,
           cue_goals)


def find_candidates(lines: list[DocLine], ctx: Context) -> list[tuple[str, Goal]]:
    """Every finder over the whole document, each candidate tagged with the finder that proposed it."""
    found: list[tuple[str, Goal]] = []
    for finder in FINDERS:
        found += [(finder.__name__, g) for g in finder(lines, ctx)]
    found += [("colon_list_goals", g) for g in colon_list_goals(lines)]
    return found


def extract_goals(doc: Document, items: list[AgendaItem]) -> tuple[list[Goal], list[DeclaredSummary]]:
    ctx = make_context(doc.lines, items, wrapped=doc.format not in ("html", "docx"))
    goals = merge_candidates(find_candidates(doc.lines, ctx))
    for g in goals:
        item = _item_at(items, g.start)
        g.agenda_item = item.number if item else None
    return goals, _summaries(doc, items, goals, ctx)
