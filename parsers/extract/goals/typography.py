"""Goals marked by type where the document declares it ("Målene er angivet med kursiv").
"""

from __future__ import annotations

import re

from models.records import DocLine, Goal
from parsers.extract.goals.common import Context, _clean, _figures, _judges_goal, find_plan, vocab
from parsers.extract.goals.paragraphs import Paragraph, _styled_units, paragraph_spans, sentences
from parsers.extract.verdicts import normalise_verdict
from parsers.split import section_kind

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
