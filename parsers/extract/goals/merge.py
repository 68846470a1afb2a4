"""Candidates from every finder merged into one goal per statement.
"""

from __future__ import annotations

import re

from models.records import Goal, Verdict


def _norm_text(text: str) -> str:
    return re.sub(r"[^\wæøå%]+", " ", text.lower()).strip()


def _numbers(text: str) -> set[str]:
    """The figures of a statement, without a goal number in front of it (`3.3.1 Kursister …`)."""
    return set(re.findall(r"\d+(?:[.,]\d+)?", re.sub(r"^\s*\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+", "", text)))


def _parallel(a: Goal, b: Goal) -> bool:
    """`Efter 1 år … 10 %` and `Efter 2 år … 15 %`: parallel target lines, the same words but two targets."""
    na, nb = _numbers(a.text), _numbers(b.text)
    ta, tb = _norm_text(a.text), _norm_text(b.text)
    return bool(na and nb) and not (na <= nb or nb <= na) and min(len(ta), len(tb)) >= 0.6 * max(len(ta), len(tb))


# finders that read parallel target lines, where the figures tell two goals apart
_PARALLEL = frozenset({"target_line_goals"})


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


# finders whose one goal may be a heading over several: a label over a run of statements
_HEADING_LIKE = frozenset({"label_above_goals"})


def _heads_several(goal: Goal, others: list[Goal]) -> bool:
    """`Mål` over three italic statements that other finders read one by one: a heading, not one goal."""
    if goal.start is None or goal.end is None:
        return False
    text = _norm_text(goal.text)
    inside = {t for o in others if o.start is not None and goal.start <= o.start <= goal.end
              and (t := _norm_text(o.text)) and len(t) < len(text) and t in text}
    return len(inside) >= 2


def merge_candidates(candidates: list[tuple[str, Goal]]) -> list[Goal]:
    """One goal per statement: the best-evidenced candidate wins, the others only fill its gaps.

    Candidates are ranked by the strength of their layout and then their confidence; a weaker
    candidate that describes an accepted goal (same text, or mostly the same words in an
    overlapping span), or that lies inside a follow-up table's row, is dropped, lending its
    verdict when the accepted goal has none. A label's statement that holds two or more goals other
    finders read one by one was a heading over them and is dropped first. The survivors are returned
    in reading order.
    """
    others = [g for f, g in candidates if f not in _HEADING_LIKE]
    candidates = [(f, g) for f, g in candidates if f not in _HEADING_LIKE or not _heads_several(g, others)]
    ranked = sorted(candidates, key=lambda fg: (_PRIORITY.get(fg[1].layout, 9),
                                                0 if fg[0] in _FINDER_RANK and fg[1].verdict_text else 1,
                                                -fg[1].confidence, fg[1].start or 0))
    kept: list[Goal] = []
    finder_of: dict[int, str] = {}
    tables: list[Goal] = []
    for finder, cand in ranked:
        # one finder never proposes the same goal twice (two plans may share a statement)
        twin = next((k for k in kept if finder_of[id(k)] != finder and _same_goal(k, cand)
                     and not ({finder, finder_of[id(k)]} & _PARALLEL and _parallel(k, cand))), None)
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
