"""A target an ordinary item announces in prose, and the later sentences that judge it, year by year.

Minutes of a council or committee (FirstAgenda, eDoc) report a budget target in the case text:
`Byrådet vedtog i budgetforlig 2023 et måltal for busfremkommelighed. Fra 2023 skal A-bussernes
fremkommelighed forbedres med 5,5 timer i myldretiden på skoledage.` and then the results:
`I 2023 … men måltallet blev ikke nået.` / `I 2024 … og måltallet blev dermed nået i 2024.`
The announcing sentence (`måltal`, `målsætning om`) names the target: itself when it states a
modal and a figure, else the sentence after it. Every later sentence of the item that judges the
target is its status and verdict; with judgements for several years the latest one is the
verdict, and all of them, each with its year, are the verdict text.
"""

from __future__ import annotations

import re
from functools import cache

from models.records import DocLine, Goal, Verdict
from parsers.extract.goals.common import (
    Context,
    _clean,
    _figures,
    _is_heading_like,
    _is_statement,
    _judges_goal,
    find_plan,
    vocab,
)
from parsers.extract.goals.paragraphs import _ABBREV, Paragraph, paragraph_spans, sentences
from parsers.extract.verdicts import normalise_verdict
from parsers.split import section_kind

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_SENTENCE, _SOFT, _HARD = 0, 1, 2


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    at = vocab()["announced_target"]
    return re.compile(at["announce"], re.I), re.compile(at["target"], re.I), re.compile(at["names"], re.I)


@cache
def _budget() -> re.Pattern[str]:
    return re.compile(vocab()["announced_target"]["budget"], re.I)


_BEFORE_FIGURE = re.compile(r"(?<=\w)\.\s+(?=\d)")


def _sentences(text: str) -> list[str]:
    """Sentences, also where the next one opens with a figure (`… for ungdomsuddannelse. 95 % af alle …`),
    but not after an abbreviation or a number (`pr. 1. januar`)."""
    out: list[str] = []
    for sentence in sentences(text):
        start = 0
        for m in _BEFORE_FIGURE.finditer(sentence):
            word = sentence[start:m.start()].split()[-1].lower() if sentence[start:m.start()].split() else ""
            if word in _ABBREV or not word.isalpha():
                continue
            out.append(sentence[start:m.start() + 1])
            start = m.end()
        out.append(sentence[start:])
    return [s for s in out if s.strip()]


def announces_target(sentence: str) -> bool:
    return bool(_patterns()[0].search(sentence))


def _judgement_year(sentence: str) -> int:
    years = _YEAR.findall(sentence)
    return int(years[-1]) if years else 0


def announced_goals(lines: list[DocLine], ctx: Context | None = None) -> list[Goal]:
    ctx = ctx or Context()
    announce, target, names = _patterns()
    # Word and HTML: every line is a paragraph already (joining them would glue `… mio. kr.` to the next)
    paras = paragraph_spans(lines) if ctx.wrapped else [
        Paragraph(text=ln.text.strip(), first=ln, last=ln, italic=ln.italic, bold=ln.bold,
                  heading=_is_heading_like(ln.text) and (ln.bold or len(ln.text.split()) <= 8))
        for ln in lines if ln.text.strip() and not ln.is_table_row]
    starts = {lines[n].start for n in ctx.breaks if n < len(lines)}
    # sentences with their paragraph; a new agenda item or a minutes section ends a target's scope (HARD), a
    # sub-heading (`Status 2024`) lets only judgements that name the måltal itself reach back across it (SOFT)
    flat: list[tuple[int, str, int]] = []
    for pi, para in enumerate(paras):
        if para.first.start in starts or section_kind(para.text) is not None:
            flat.append((pi, "", _HARD))
        elif para.heading and para.bold:
            flat.append((pi, "", _SOFT))
        else:
            flat += [(pi, s, _SENTENCE) for s in _sentences(para.text)]
    goals: list[Goal] = []
    k = 0
    while k < len(flat):
        pi, sentence, _ = flat[k]
        if not sentence or not announce.search(sentence) or _judges_goal(sentence):
            k += 1
            continue
        if target.search(sentence):
            at, statement = k, sentence
        elif k + 1 < len(flat) and flat[k + 1][1] and not _judges_goal(flat[k + 1][1]) \
                and _is_statement(flat[k + 1][1]) and not announce.search(flat[k + 1][1]):
            at, statement = k + 1, flat[k + 1][1]  # the announcement vouches for the sentence after it
        else:
            k += 1
            continue
        judged: list[tuple[int, str]] = []
        last_pi = flat[at][0]
        crossed = False
        j = at + 1
        while j < len(flat) and flat[j][2] != _HARD and not (flat[j][1] and announce.search(flat[j][1])
                                                               and not _judges_goal(flat[j][1])):
            crossed = crossed or flat[j][2] == _SOFT
            if _judges_goal(flat[j][1]) and (not crossed or names.search(flat[j][1])):
                judged.append((_judgement_year(flat[j][1]), flat[j][1]))
                last_pi = flat[j][0]
            j += 1
        # the latest year's judgement decides; a closing judgement that names no year is the conclusion
        latest = (judged[-1] if judged[-1][0] == 0 else max(reversed(judged), key=lambda yj: yj[0])) \
            if judged else None
        verdict, expectation = normalise_verdict(latest[1] if latest else None)
        verdict_text = " ".join(s for _, s in judged) or None
        statement = _clean(statement)
        plan, plan_year = find_plan(flat[k][1], statement)
        budget = _budget().search(flat[k][1]) if plan_year is None else None
        if budget:
            plan, plan_year = f"Budget {budget.group('year')}", int(budget.group("year"))
        if plan_year is None:
            plan, plan_year = ctx.plan_at(paras[flat[at][0]].first.start)
        reasons = ["target announced in prose (måltal)"] + ([] if judged else ["no verdict given"])
        goals.append(Goal(text=statement, status_text=verdict_text, verdict=verdict if judged else Verdict.none,
                          expectation=expectation, verdict_text=verdict_text, plan=plan, plan_year=plan_year,
                          figures=_figures(statement, "target") + _figures(verdict_text, "observed"),
                          confidence=0.65 if judged else 0.55, confidence_reasons=reasons, layout="prose",
                          page=paras[flat[at][0]].first.page, start=paras[flat[at][0]].first.start,
                          end=paras[last_pi].last.end))
        k = j
    return goals
