"""A label alone on its line and the statement below it: an unruled two-column table read as lines.

Word prints a service standard's or plan's label column (`Formål`, `Resultat mål`, `Ydelsens
målgruppe`, `Status`) as a table without ruling; in the PDF the label cell's text sits a line above
the statement's, so the text layer gives `Resultat mål` / `At råd og vejledning iværksættes …` /
`Ydelsens målgruppe` / …. Plain text exports and Word files written with indented paragraphs look
the same. A goal label opens a goal; its statement runs until the next label of the same table.

In a PDF the geometry says which line is a label: the statement stands in a right column (or
indented), the next label back at the label's left edge. Without geometry (text, Word) a label is a
short line without a full stop after a complete statement line. A `Status` or `Målopfyldelse`
label row right after the statement gives the goal its status and verdict.
"""

from __future__ import annotations

import re
from functools import cache

from models.records import DocLine, Goal, Verdict
from parsers.extract.goals.common import (
    _BULLET,
    Context,
    _clean,
    _figures,
    _is_heading_like,
    _is_statement,
    find_plan,
    vocab,
)
from parsers.extract.verdicts import normalise_verdict
from parsers.split import section_kind

_INDENT = 15.0  # points: a statement column starts at least this far right of its label
_MAX_STATEMENT_LINES = 8


@cache
def _goal_label() -> re.Pattern[str]:
    return re.compile(vocab()["label_above"]["goal"], re.I)


def _bare(text: str) -> str:
    return " ".join(text.strip().rstrip(":").split())


def is_goal_label(line: DocLine) -> bool:
    text = line.text.strip()
    return "\t" not in text and bool(_goal_label().fullmatch(_bare(text)))


def _role(text: str) -> str | None:
    """`status` or `verdict` for a label alone on its line, else None."""
    bare = _bare(text)
    v = vocab()
    if (m := v["verdict_re"].match(bare)) and not m.group("rest"):
        return "verdict"
    if (m := v["status_re"].match(bare)) and not m.group("rest"):
        return "status"
    return None


def _label_like(line: DocLine, prev: DocLine | None) -> bool:
    """A row label: short, capitalised, no full stop (words alone, where no geometry tells); `Formål:` too."""
    text = line.text.strip()
    text = text[:-1].rstrip() if text.endswith(":") else text
    if is_goal_label(line) or _role(text):
        return True
    if "\t" in text or not _is_heading_like(text) or len(text.split()) > vocab()["label_above"]["other_max_words"]:
        return False
    # a wrapped statement goes on in lower case (Danish nouns are); a capital after a comma is a name
    return prev is None or not prev.text.rstrip().endswith((",", "-", "–"))


class _Row:
    """The label's left edge and the statement's lines under it."""

    def __init__(self, label: DocLine) -> None:
        self.label = label
        self.lines: list[DocLine] = []
        self.column: float | None = None  # the statement column's left edge, once geometry shows one

    def ends_at(self, line: DocLine, prev: DocLine | None) -> bool:
        if not self.lines:
            if line.x0 is not None and self.label.x0 is not None and line.x0 > self.label.x0 + _INDENT:
                self.column = line.x0
            return is_goal_label(line) or _role(line.text) is not None
        if self.column is not None and line.x0 is not None:
            return line.x0 < self.column - _INDENT  # back at the label column (or further left)
        return _label_like(line, prev)


def _read_row(content: list[DocLine], k: int, breaks: set[int], right: float | None,
              wrapped: bool) -> tuple[_Row, int]:
    """The row whose label is content[k]: its statement lines, and the index of the line after them."""
    row = _Row(content[k])
    j = k + 1
    while j < len(content) and len(row.lines) <= _MAX_STATEMENT_LINES:
        line = content[j]
        if line.start in breaks or section_kind(line.text.strip()) is not None or line.is_table_row:
            break
        if row.column is None and _BULLET.match(line.text):
            break  # a list under a heading, not a row's statement
        if row.lines and (line.italic != row.lines[0].italic or line.bold != row.lines[0].bold):
            break  # a change of type: the statement has ended (an italic goal, then its plain status)
        if row.lines and not wrapped and not (line.text.lstrip().startswith("At ")
                                              and row.lines[0].text.lstrip().startswith("At ")):
            break  # Word and HTML: one paragraph is the statement, or a run of `At …` paragraphs
        if row.ends_at(line, row.lines[-1] if row.lines else None):
            break
        if not row.lines and row.column is None and _label_like(line, None) and j + 1 < len(content) \
                and not _label_like(content[j + 1], line):
            break  # `Mål` / `Formål` / `At …`: a heading over another row, not this label's statement
        row.lines.append(line)
        j += 1
        if row.column is None and right is not None and _ends_paragraph(line, right):
            break  # no column to follow: one printed paragraph is the statement
    return row, j


def _ends_paragraph(line: DocLine, right: float) -> bool:
    return line.x1 is not None and line.text.rstrip().endswith((".", "!", "?")) and line.x1 < right - 40


def _one_cell(line: DocLine) -> DocLine:
    """A table row with one filled cell (`Resultat mål` | `` then `` | `At …`, or a one-column table) is a line
    of the label layout; a row with two filled cells is a label row that label_rows reads."""
    if not line.is_table_row and "\t" not in line.text:
        return line
    cells = [c.strip() for c in line.text.split("\t") if c.strip()]
    return line.model_copy(update={"text": cells[0], "is_table_row": False}) if len(cells) == 1 else line


def label_above_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    ctx = ctx or Context()
    content = [_one_cell(ln) for ln in lines if ln.text.strip()]
    breaks = {lines[n].start for n in ctx.breaks if n < len(lines)}
    # the text's right margin, where the reader knows it: a line ending well short of it ends a paragraph
    right = max((ln.x1 for ln in content if ln.x1 is not None and not ln.is_table_row), default=None)
    goals: list[Goal] = []
    k = 0
    while k < len(content):
        line = content[k]
        if not is_goal_label(line) or line.is_table_row:
            k += 1
            continue
        row, j = _read_row(content, k, breaks, right, ctx.wrapped)
        text = _clean(" ".join(ln.text for ln in row.lines))
        # the statement ends at a row label of the same table, or where the table ends with its item (the
        # document's end, a new agenda item, a minutes section), never by running on into prose
        if len(row.lines) > _MAX_STATEMENT_LINES:
            closed = False
        elif j >= len(content):
            closed = True
        else:
            terminator = content[j]
            closed = terminator.start in breaks or section_kind(terminator.text.strip()) is not None \
                or _label_like(terminator, row.lines[-1] if row.lines else None) \
                or row.column is not None and terminator.x0 is not None and row.label.x0 is not None \
                and abs(terminator.x0 - row.label.x0) <= 3 and _is_heading_like(terminator.text)
        if not row.lines or not closed or row.lines[0].text.rstrip().endswith(":") \
                or not _is_statement(text, labelled=True):
            k += 1
            continue
        status: list[str] = []
        verdict_text: list[str] = []
        last = row.lines[-1]
        while j < len(content) and (role := _role(content[j].text)) is not None and content[j].start not in breaks:
            follow, nxt = _read_row(content, j, breaks, right, ctx.wrapped)
            if not follow.lines:
                break
            (status if role == "status" else verdict_text).append(_clean(" ".join(ln.text for ln in follow.lines)))
            last = follow.lines[-1]
            j = nxt
        status_text = " ".join(status) or None
        verdict_str = " ".join(verdict_text) or None
        verdict, expectation = normalise_verdict(verdict_str)
        if verdict is Verdict.none and status_text and not verdict_str:
            verdict, expectation = normalise_verdict(status_text)
        reasons = ["a label alone on its line over the statement (a table read as lines)"]
        if not status_text and not verdict_str:
            reasons.append("labelled goal without status")
        plan, plan_year = find_plan(text)
        if plan_year is None:
            plan, plan_year = ctx.plan_at(line.start)
        goals.append(Goal(plan=plan, plan_year=plan_year, text=text, status_text=status_text, verdict=verdict,
                          verdict_text=verdict_str, expectation=expectation,
                          figures=_figures(text, "target") + _figures(status_text, "observed"),
                          confidence=0.85 if verdict_str else 0.75, confidence_reasons=reasons, layout="table",
                          page=line.page, start=line.start, end=last.end))
        k = j
    return goals
