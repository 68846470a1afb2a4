"""Goals in running text: target clauses (`Målsætningen er, at …`) and target sentences a later
verdict sentence judges.
"""

from __future__ import annotations

import re

from models.records import DocLine, Goal, Verdict
from parsers.extract.goals.announced import announces_target
from parsers.extract.goals.common import Context, _clean, _figures, find_plan, vocab
from parsers.extract.goals.paragraphs import _span, paragraph_spans, sentences
from parsers.extract.nlp import analyse, may_state_verdict
from parsers.extract.verdicts import classify_clause, normalise_verdict
from parsers.split import section_kind


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
        if any(announces_target(flat[j][1]) for j in window if j > goal_at):
            continue  # a måltal announced between opens the target this verdict judges (announced_goals)
        statement = flat[goal_at][1]
        if announces_target(statement):
            continue  # `… vedtog et måltal for …`: the target is the sentence it announces (announced_goals)
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
