"""Shared by every goal finder: the vocabulary, plans and years, titles, figures and the document context.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from models.records import AgendaItem, DocLine, Figure
from parsers.extract.figures import find_figures
from parsers.extract.verdicts import classify_clause

PATTERNS = Path(__file__).resolve().parents[2] / "patterns" / "goals.yaml"


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


def _cells(line: DocLine) -> list[str]:
    if line.is_table_row or "\t" in line.text:
        return [c.strip() for c in line.text.split("\t")]
    return [line.text.strip()]


def _is_heading_like(text: str) -> bool:
    t = text.strip()
    return 2 < len(t) < 120 and not t.endswith((".", ":", ",")) and t[:1].isupper()


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


def _judges_goal(sentence: str) -> bool:
    """A sentence that passes a verdict on the goal ("Målet forventes nået", "Det er for tidligt …")."""
    if classify_clause(sentence) is None:
        return False
    return bool(re.search(r"\bmål(?:et|ene|sætningen|tallet)?\b|\bfor\s+tidligt\b|\bikke\s+muligt\b", sentence, re.I))
