"""Goal lists: bullets or `At …` points under an intro that names goals, numbered goals with verdict
bullets, and `Mål 10:` lists with indicators.
"""

from __future__ import annotations

import re

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
from parsers.extract.goals.label_above import is_goal_label
from parsers.extract.verdicts import classify_clause, normalise_verdict
from parsers.split import section_kind


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
            if _AT_POINT.match(text) and k + 1 < len(content) and is_goal_label(content[k + 1]):
                continue  # `Formål` / `At …` / `Resultat mål`: a row of a label table, read by label_above
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
