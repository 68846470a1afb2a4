"""Goals under headings after an intro that speaks of goals.
"""

from __future__ import annotations

from models.records import DocLine, Goal
from parsers.extract.goals.common import Context, _clean, _figures, _judges_goal, find_plan, vocab
from parsers.extract.goals.paragraphs import line_units, paragraph_spans, sentences
from parsers.extract.verdicts import normalise_verdict
from parsers.split import section_kind


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
                    and not v["goal_header_re"].match(statement) and not _judges_goal(statement)):
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
