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

One module per finder family, named for the layout it reads: `label_rows` (`Mål 2.1` / `Status` /
`Målopfyldelse` rows, `Resultatmål: At …`), `label_above` (a label alone on its line, the statement
below it), `columns` (a header row naming the columns), `lists` (bullets, numbered goals, `Mål 10:`
lists), `headed`, `target_lines` (unjudged target sentences one a line, in plans and follow-ups),
`typography`, `prose`, `announced` (a måltal an item announces in prose, judged year by year);
`common` and `paragraphs` hold what they share, `merge` the merging, `summaries` the declared tallies.
"""

from __future__ import annotations

from models.records import AgendaItem, DeclaredSummary, DocLine, Document, Goal
from parsers.extract.goals.announced import announced_goals
from parsers.extract.goals.columns import column_table_goals
from parsers.extract.goals.common import Context, find_plan, make_context, split_title
from parsers.extract.goals.headed import headed_goals
from parsers.extract.goals.label_above import label_above_goals
from parsers.extract.goals.label_rows import table_goals
from parsers.extract.goals.lists import colon_list_goals, list_goals, numbered_goals
from parsers.extract.goals.merge import merge_candidates
from parsers.extract.goals.prose import cue_goals, prose_goals
from parsers.extract.goals.summaries import _item_at, _summaries
from parsers.extract.goals.target_lines import target_line_goals
from parsers.extract.goals.typography import typography_goals

__all__ = ["FINDERS", "cue_goals", "extract_goals", "find_candidates", "find_plan", "merge_candidates",
           "split_title"]

FINDERS = (table_goals, label_above_goals, column_table_goals, typography_goals, numbered_goals, headed_goals,
           list_goals, prose_goals, announced_goals, cue_goals)


def find_candidates(lines: list[DocLine], ctx: Context) -> list[tuple[str, Goal]]:
    """Every finder over the whole document, each candidate tagged with the finder that proposed it."""
    found: list[tuple[str, Goal]] = []
    for finder in FINDERS:
        found += [(finder.__name__, g) for g in finder(lines, ctx)]
    found += [("colon_list_goals", g) for g in colon_list_goals(lines)]
    if found or any(year is not None for _, _, year in ctx.marks):  # a plan or a follow-up
        found += [("target_line_goals", g) for g in target_line_goals(lines, ctx)]
    return found


def extract_goals(doc: Document, items: list[AgendaItem]) -> tuple[list[Goal], list[DeclaredSummary]]:
    ctx = make_context(doc.lines, items, wrapped=doc.format not in ("html", "docx"))
    goals = merge_candidates(find_candidates(doc.lines, ctx))
    for g in goals:
        item = _item_at(items, g.start)
        g.agenda_item = item.number if item else None
    return goals, _summaries(doc, items, goals, ctx)
