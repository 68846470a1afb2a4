"""Target sentences one a line under a heading, with no verdict: the goals of a plan or a status note.

`## Integration` / `Efter 1 år forventes, at 10 % er i beskæftigelse eller uddannelse.` / `Efter 2 år
forventes, at yderligere 15 % …` / …: each line is a target (a modal or `målet er`, a level, a period
or a bound) and none is judged. Such lines are goals only where the document is a plan or a
follow-up (`extract_goals` runs this finder only when another goal was found or a plan is named),
and only two or more in a row under one heading: one `skal`-sentence with a figure is ordinary
prose. In a run at least half the lines name a level and a period; the others may only have a figure
(`Der skal indgås 70 voksenelevaftaler.`). A sentence wrapped over lines is joined before it is judged.
"""

from __future__ import annotations

import re
from functools import cache

from models.records import DocLine, Goal, Verdict
from parsers.extract.goals.common import Context, _clean, _figures, find_plan, vocab
from parsers.extract.goals.paragraphs import line_units, paragraph_spans, sentences
from parsers.extract.verdicts import classify_clause
from parsers.split import section_kind


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    tl = vocab()["target_line"]
    return re.compile(tl["cue"], re.I), re.compile(tl["level"]), re.compile(tl["period"], re.I)


def target_strength(text: str) -> int:
    """2 for one sentence with a target cue, a level and a period or bound; 1 with a cue and a figure only
    (`Der skal indgås 70 voksenelevaftaler.`); 0 for anything else, and for a sentence that judges."""
    cue, level, period = _patterns()
    if len(text) < 20 or len(text) > 300 or len(sentences(text)) != 1 or text.endswith(":"):
        return 0
    if not (cue.search(text) and level.search(text)) or classify_clause(text) is not None:
        return 0
    return 2 if period.search(text) else 1


def _units(run: list[DocLine], lines: list[DocLine], wrapped: bool) -> list[tuple[str, DocLine, DocLine]]:
    """The printed units of `run` (wrapped lines joined) with their first and last line."""
    out: list[tuple[str, DocLine, DocLine]] = []
    k = 0
    for unit in line_units(run, lines, wrapped):
        first = run[k]
        joined = run[k].text.strip()
        while len(joined) < len(unit) and k + 1 < len(run):
            k += 1
            joined += " " + run[k].text.strip()
        out.append((unit, first, run[k]))
        k += 1
        if k >= len(run):
            break
    return out


def target_line_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    ctx = ctx or Context()
    paras = paragraph_spans(lines)
    goals: list[Goal] = []
    k = 0
    while k < len(paras):
        if not paras[k].heading or section_kind(paras[k].text) is not None:
            k += 1
            continue
        j = k + 1
        while j < len(paras) and not paras[j].heading and section_kind(paras[j].text) is None:
            j += 1
        body = paras[k + 1:j]
        k = j
        if not body:
            continue
        run = [ln for ln in lines if body[0].first.start <= ln.start <= body[-1].last.start and ln.text.strip()]
        targets: list[tuple[str, DocLine, DocLine]] = []
        strong = 0
        for unit, first, last in _units(run, lines, ctx.wrapped) + [("", run[-1], run[-1])]:
            text = _clean(unit)
            if text and (strength := target_strength(text)):
                targets.append((text, first, last))
                strong += strength == 2
                continue
            # a run of target lines has ended: two or more, at least half with a level and a period
            if len(targets) >= 2 and 2 * strong >= len(targets):
                for statement, a, b in targets:
                    plan, plan_year = find_plan(statement)
                    if plan_year is None:
                        plan, plan_year = ctx.plan_at(a.start)
                    goals.append(Goal(text=statement, verdict=Verdict.none, plan=plan, plan_year=plan_year,
                                      figures=_figures(statement, "target"), confidence=0.55,
                                      confidence_reasons=["target lines under a heading, no verdict given"],
                                      layout="headed", page=a.page, start=a.start, end=b.end))
            targets, strong = [], 0
    return goals
