"""One headline measure per goal: the level it aims at, the latest value the status reports, the baseline.

A goal statement and its status are full of figures, and most of them are not what an analyst
charts: "At mindst 80 % af borgerne har deltaget i mindst 4 samtaler de sidste 12 måneder" aims at
80 %, while 4 samtaler and 12 måneder define the indicator; "På landsplan … 13,6 %, mens andelen i
Norddjurs Kommune var 14,6 %" observes 14,6 %, the other is the benchmark. The figure extractor
keeps every figure (the full list stays beside the headline); this module picks one of each from
them by the conventions of Danish follow-ups:

- target: the level in the first sentence that states what shall be, a share or amount before a
  count, a stated comparison before none; durations frame the indicator and are never the level
  unless the goal measures a time. A goal without a level gets a direction (øges / reduceres /
  fastholdes); one that only compares with a benchmark ("svare til landstallet") gets neither.
- observed: the municipality's own figure (not the national one, not a change "et fald på 8,9 %")
  of the target's family with the latest period.
- baseline: an earlier figure of the same unit in the status, with its period.

Words and cues live in `parsers/patterns/headline.yaml`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models.records import HEADLINE_FIELDS, Figure, Goal
from parsers.extract.figures import find_figures

__all__ = ["Headline", "choose_headline", "with_headline", "period_key"]

PATTERNS_FILE = Path(__file__).resolve().parent.parent / "patterns" / "headline.yaml"


@dataclass(frozen=True)
class Headline:
    target_value: float | None = None
    target_unit: str | None = None
    target_comparison: str | None = None
    target_direction: str | None = None
    observed_value: float | None = None
    observed_unit: str | None = None
    observed_period: str | None = None
    baseline_value: float | None = None
    baseline_period: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in HEADLINE_FIELDS}


@dataclass(frozen=True)
class _Vocab:
    family_of: dict[str, str]
    time_units: frozenset[str]
    duration_words: tuple[str, ...]
    family_words: list[tuple[str, re.Pattern[str]]]
    descriptive: re.Pattern[str]
    modal: re.Pattern[str]
    condition: re.Pattern[str]
    benchmark: re.Pattern[str]
    directions: list[tuple[str, re.Pattern[str]]]
    change_prepositions: frozenset[str]
    means: re.Pattern[str]
    aim: re.Pattern[str]
    measure: re.Pattern[str]
    quantity: re.Pattern[str]
    restatement: re.Pattern[str]
    forecast: re.Pattern[str]
    current: re.Pattern[str]
    past: re.Pattern[str]
    start_words: frozenset[str]
    equal: re.Pattern[str]
    comparison_map: dict[str, str]
    national: re.Pattern[str]
    local: re.Pattern[str]
    marker: re.Pattern[str]
    change: re.Pattern[str]
    same_period: re.Pattern[str]
    zero: re.Pattern[str]
    zero_stop: frozenset[str]
    abbreviations: frozenset[str]
    months: tuple[str, ...]


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _words(forms: list[str]) -> re.Pattern[str]:
    """Forms as whole words (a form may end inside a longer word only if it is a stem: `andel`)."""
    return re.compile("|".join(rf"(?<!\w){re.escape(f)}" for f in sorted(forms, key=len, reverse=True)),
                      re.IGNORECASE)


@functools.cache
def _vocab() -> _Vocab:
    data: dict[str, Any] = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    family_of = {unit: fam for fam, units in data["unit_families"].items() for unit in units}
    directions = [(name, re.compile("|".join(rf"(?<!\w){re.escape(f)}(?!\w)" for f in forms), re.IGNORECASE))
                  for name, forms in data["directions"].items()]
    return _Vocab(
        family_of=family_of,
        time_units=frozenset(data["unit_families"]["time"]),
        duration_words=tuple(w.lower() for w in data["duration_goal_words"]),
        family_words=[(fam, re.compile("|".join(rf"{re.escape(w)}" for w in words), re.IGNORECASE))
                      for fam, words in data["family_words"].items()],
        descriptive=_any(data["descriptive_cues"]),
        modal=_any(data["modal_cues"]),
        condition=_any(data["condition_cues"]),
        benchmark=_words(data["benchmark_cues"]),
        directions=directions,
        change_prepositions=frozenset(data["change_prepositions"]),
        means=_any(data["means_cues"]),
        aim=re.compile(r"(?<!\w)at\s+(?:" + "|".join(re.escape(w) for w in data["aim_verbs"]) + r")(?!\w)",
                       re.IGNORECASE),
        measure=_words(data["measure_nouns"]),
        quantity=re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in data["quantity_words"]), re.IGNORECASE),
        restatement=_any(data["restatement_cues"]),
        forecast=_any(data["forecast_cues"]),
        current=_any(data["current_cues"]),
        past=_any(data["observation_cues"]),
        start_words=frozenset(data["start_point_words"]),
        equal=_any(data["equal_cues"]),
        comparison_map=dict(data["comparison_map"]),
        national=_any(data["national_markers"]),
        local=_any(data["local_markers"]),
        marker=_any(data["national_markers"] + data["local_markers"]),
        change=_any(data["change_cues"]),
        same_period=_any(data["same_period_cues"]),
        zero=_any(data["zero_phrases"]),
        zero_stop=frozenset(data["zero_noun_stopwords"]),
        abbreviations=frozenset(data["abbreviations"]),
        months=tuple(data["months"]),
    )


# --------------------------------------------------------------------------------------------
# Sentences and clauses


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a full stop before a capital or digit ends one, unless it closes an
    abbreviation or an ordinal ("pr. 5. november", "1. kvartal"); tabs and line breaks end one too."""
    v = _vocab()
    cuts = [0]
    for m in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ\d\"“(])|[\t\n]+", text):
        if text[m.start()] == ".":
            word = text[max(0, m.start() - 12): m.start()].split()
            token = word[-1].lower().lstrip("(\"“") if word else ""
            if token in v.abbreviations or re.fullmatch(r"\d{1,2}", token):
                continue
        cuts.append(m.end())
    cuts.append(len(text))
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _sentence_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return spans[-1] if spans else (0, 0)


_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s[-–]\s")


# --------------------------------------------------------------------------------------------
# Periods


_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_PART = re.compile(r"(\d)\.\s*(kvartal|halvår)", re.IGNORECASE)
_PART_SPAN = re.compile(r"(\d)\.\s*[-–]\s*(\d)\.\s*(kvartal|halvår)", re.IGNORECASE)
_NUMDATE = re.compile(r"(?<!\d)(\d{1,2})[.-](\d{1,2})[.-](\d{4}|\d{2})(?!\d)")
_STEM = re.compile(r"(?<!\w)([a-zæøå]{3})-(\d{2})(?!\d)", re.IGNORECASE)


def period_key(period: str | None) -> tuple[int, int] | None:
    """(last month, first month) a period covers, as year·12 + month, for ordering observations.

    "marts 2024" → March 2024 both ends; "1. kvartal 2024" → Jan–Mar 2024; "2. halvår 2023-1. halvår
    2024" → Jul 2023–Jun 2024; "2024" → Jan–Dec 2024. None when the period names no year.
    """
    if not period:
        return None
    v = _vocab()
    text = period.lower()
    m = _NUMDATE.search(text)
    if m and 1 <= int(m.group(2)) <= 12:
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
        return year * 12 + int(m.group(2)), year * 12 + int(m.group(2))
    stem = _STEM.search(text)
    years = [int(y) for y in _YEAR.findall(text)]
    if not years and stem and stem.group(1).lower() in v.months:
        year, month = 2000 + int(stem.group(2)), v.months.index(stem.group(1).lower()) + 1
        return year * 12 + month, year * 12 + month
    if not years:
        return None
    # every month-like mark in reading order: (position, first month, last month)
    marks: list[tuple[int, int, int]] = []
    taken: list[tuple[int, int]] = []
    for m in _PART_SPAN.finditer(text):
        size = 3 if m.group(3) == "kvartal" else 6
        marks.append((m.start(), size * int(m.group(1)) - size + 1, size * int(m.group(2))))
        taken.append((m.start(), m.end()))
    for m in _PART.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        size = 3 if m.group(2) == "kvartal" else 6
        marks.append((m.start(), size * int(m.group(1)) - size + 1, size * int(m.group(1))))
    for m in re.finditer(r"(?<!\w)(" + "|".join(v.months) + r")[a-zæøå]*\.?", text):
        month = v.months.index(m.group(1)) + 1
        marks.append((m.start(), month, month))
    marks.sort()
    first_month = marks[0][1] if marks else 1
    last_month = marks[-1][2] if marks else 12
    return years[-1] * 12 + last_month, years[0] * 12 + first_month


# --------------------------------------------------------------------------------------------
# Target


@dataclass(frozen=True)
class _Found:
    """A figure found in a string of the goal, with its offsets into that string."""

    figure: Figure
    start: int
    end: int


def _found(text: str, role: str) -> list[_Found]:
    return [_Found(f, f.start or 0, f.end or 0) for f in find_figures(text, role)]


def _direction(text: str) -> str | None:
    """The first direction word of the statement, unless it compares with a benchmark ("færre … end") or
    is the means ("ved at reducere"); none for a qualitative aim ("at styrke kommunens image")."""
    v = _vocab()
    if v.aim.search(text) and not v.measure.search(text) and not v.quantity.search(text):
        return None
    hits: list[tuple[int, str]] = []
    for name, pattern in v.directions:
        for m in pattern.finditer(text):
            clause = _CLAUSE_END.search(text, m.end())
            rest = text[m.end(): clause.start() if clause else len(text)]
            if re.search(r"(?<!\w)end(?!\w)", rest.split(".")[0]):
                continue
            if v.means.search(text[max(0, m.start() - 20): m.start()]):
                continue
            hits.append((m.start(), name))
    return min(hits)[1] if hits else None


def _is_change(text: str, start: int) -> bool:
    """"øges med 2 timer", "reduceres med 3,978 mio. kr.": the figure is an amount of change."""
    before = text[max(0, start - 20): start].split()
    return bool(before) and before[-1].lower() in _vocab().change_prepositions


def _duration_goal(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in _vocab().duration_words)


def _target(text: str) -> tuple[_Found | None, str | None, str | None]:
    """(the target figure, its comparison, the direction) of a goal statement."""
    v = _vocab()
    spans = _sentences(text)
    durations = _duration_goal(text)
    candidates: list[tuple[tuple[int, int, int, int, int], _Found]] = []
    for f in _found(text, "target"):
        unit = f.figure.unit
        if unit is None and f.figure.scale is None:
            continue
        change = _is_change(text, f.start)
        if unit in v.time_units and not (durations or change):
            continue
        if v.condition.search(text[max(0, f.start - 40): f.start]):
            continue
        a, b = _sentence_of(spans, f.start)
        sentence = text[a:b]
        descriptive = bool(v.descriptive.search(sentence) or v.national.search(sentence)) and not v.modal.search(
            sentence)
        tier = 0 if v.family_of.get(unit or "", "other") not in ("count", "time") else (1 if unit == "count" else 2)
        has_cmp = f.figure.comparison in v.comparison_map
        before = text[max(0, f.start - 20): f.start].split()
        start_point = bool(before) and before[-1].lower() in v.start_words
        candidates.append(((int(descriptive), int(change or start_point), tier, int(not has_cmp), f.start), f))
    direction = _direction(text)
    if spans:
        a, b = spans[0]
        first = text[a:b]
        if v.benchmark.search(first) and not any(a <= f.start < b for _, f in candidates):
            return None, None, None  # "skal svare til landstallet": a benchmark, no level of its own
    if not candidates:
        return None, None, direction
    best = min(candidates, key=lambda c: c[0])[1]
    comparison = v.comparison_map.get(best.figure.comparison or "")
    if comparison is None and v.equal.search(text[max(0, best.start - 30): best.start]):
        comparison = "equal"
    if comparison is None:
        change = _is_change(text, best.start)
        comparison = "at_most" if direction == "decrease" and not change else "at_least"
    return best, comparison, None


# --------------------------------------------------------------------------------------------
# Observed and baseline


def _with_zeros(status: str) -> str:
    """The status with "ingen sager" / "ikke … nogen pladser" written as "0 sager", so the figure
    extractor reads the zero with its noun and period."""
    v = _vocab()

    def repl(m: re.Match[str]) -> str:
        noun = re.match(r"[^\W\d_]+", status[m.end():])
        if noun is None or noun.group().lower() in v.zero_stop:
            return m.group()
        return "0 "

    out = v.zero.sub(repl, status)
    # an acronym before its noun ("0 IGU pladser") is read as a count of the noun
    return re.sub(r"\b0 ([A-ZÆØÅ]{2,}) ([a-zæøå])", r"0 \1-\2", out)


def _scope(text: str, spans: list[tuple[int, int]], found: list[_Found], i: int) -> str:
    """'national' or 'local': the marker in the figure's own clause after it, else the last one before it."""
    v = _vocab()
    f = found[i]
    a, b = _sentence_of(spans, f.start)
    nxt = min([g.start for g in found[i + 1:] if g.start >= f.end] + [b])
    clause = _CLAUSE_END.search(text, f.end, nxt)
    tail = text[f.end: clause.start() if clause else nxt]
    if v.national.search(tail):
        return "national"
    if v.local.search(tail):
        return "local"
    markers = list(v.marker.finditer(text, a, f.start))
    if markers and v.national.fullmatch(markers[-1].group()):
        return "national"
    return "local"


def _status_family(goal_text: str, target: _Found | None) -> str | None:
    v = _vocab()
    if target is not None:
        return v.family_of.get(target.figure.unit or "", target.figure.unit)
    hits = [(m.start(), fam) for fam, pattern in v.family_words for m in [pattern.search(goal_text)] if m]
    return min(hits)[1] if hits else None


def _overlap(text: str, f: _Found, found: list[_Found], target_sentence: str) -> int:
    """How many words around the figure (its noun) the target's sentence shares."""
    nxt = min([g.start for g in found if g.start >= f.end] + [len(text)])
    words = re.findall(r"[^\W\d_]{5,}", text[f.end: min(nxt, f.end + 60)].lower())
    wanted = set(re.findall(r"[^\W\d_]{5,}", target_sentence.lower()))
    return sum(1 for w in words if w in wanted)


def _observed(status: str, goal_text: str, target: _Found | None, target_is_change: bool
              ) -> tuple[_Found | None, _Found | None, str | None]:
    """(observed figure, baseline figure, observed period) from the status text."""
    v = _vocab()
    text = _with_zeros(status)
    zeros = text != status
    found = _found(text, "observed")
    spans = _sentences(text)
    family = _status_family(goal_text, target)
    target_sentence = ""
    if target is not None:
        a, b = _sentence_of(_sentences(goal_text), target.start)
        target_sentence = goal_text[a:b]
    local: list[tuple[_Found, bool]] = []
    for i, f in enumerate(found):
        unit = f.figure.unit
        if unit is None or (unit in v.time_units and family != "time"):
            continue
        if zeros and f.figure.value == 0 and not f.figure.period:
            continue  # a zero without a period says nothing measurable
        if _scope(text, spans, found, i) == "national":
            continue
        sentence_start = _sentence_of(spans, f.start)[0]
        restated = list(v.restatement.finditer(text, sentence_start, f.start))
        if restated and not any(restated[-1].end() <= g.start < f.start for g in found):
            continue  # "Nu opfyldes målsætningen om, at 80 % …": the target again (the first figure after it)
        forecast = v.forecast.search(text, sentence_start, f.start)
        if forecast and not v.past.search(text, forecast.end(), f.start):
            continue  # "Det forventes, at andelen i 2025 bliver 20 %": a forecast, not an observation
        change = bool(v.change.search(text[max(0, f.start - 30): f.start]))
        local.append((f, change))
    pool = [f for f, change in local if change == target_is_change] or (
        [f for f, change in local if not change] if target_is_change else [])
    if family is not None:
        same = [f for f in pool if v.family_of.get(f.figure.unit or "", f.figure.unit) == family]
        if target is not None or same:
            pool = same
    if not pool:
        return None, None, None
    spans_of = {f.start: _sentence_of(spans, f.start) for f in pool}
    current = [f for f in pool if not f.figure.period and v.current.search(text, *spans_of[f.start])]
    dated = [f for f in pool if period_key(f.figure.period)]
    if current:
        tied = current  # "Nu er andelen 18,2 %": now is later than any dated figure
    elif dated:
        latest = max(period_key(f.figure.period) or (0, 0) for f in dated)
        tied = [f for f in dated if period_key(f.figure.period) == latest]
    else:
        tied = pool
    scores = [_overlap(text, f, found, target_sentence) for f in tied]
    if len(tied) > 1 and scores.count(max(scores)) > 1 and len({f.figure.value for f in tied}) > 1:
        return None, None, None  # parallel values (DU1, DU2, DU3; two age groups): none is the headline
    observed = tied[scores.index(max(scores))]
    period = observed.figure.period
    if period is None and v.same_period.search(text[observed.end:]):
        keyed = [(period_key(f.figure.period), f.figure.period) for f in found if period_key(f.figure.period)]
        period = max(keyed)[1] if keyed else None
    baseline = None
    key = period_key(observed.figure.period) or ((10**9, 10**9) if observed in current else None)
    if key is not None:
        earlier = [f for f in pool if f is not observed and f.figure.unit == observed.figure.unit
                   and (period_key(f.figure.period) or key)[0] < key[0]]
        if earlier:
            baseline = min(earlier, key=lambda f: (period_key(f.figure.period), f.start))
    return observed, baseline, period


# --------------------------------------------------------------------------------------------


def choose_headline(text: str, status_text: str | None) -> Headline:
    """The headline measure of one goal from its statement and its status text."""
    target, comparison, direction = _target(text or "")
    target_is_change = target is not None and _is_change(text or "", target.start)
    observed = baseline = None
    period = None
    if status_text:
        observed, baseline, period = _observed(status_text, text or "", target, target_is_change)
    return Headline(
        target_value=target.figure.value if target else None,
        target_unit=target.figure.unit if target else None,
        target_comparison=comparison,
        target_direction=direction,
        observed_value=observed.figure.value if observed else None,
        observed_unit=observed.figure.unit if observed else None,
        observed_period=period,
        baseline_value=baseline.figure.value if baseline else None,
        baseline_period=baseline.figure.period if baseline else None,
    )


def with_headline(goal: Goal) -> Goal:
    """The goal with its headline fields set; a failure here leaves the goal as extracted."""
    try:
        headline = choose_headline(goal.text, goal.status_text)
    except Exception:  # an odd statement costs its headline, never the goal or the document
        return goal
    return goal.model_copy(update=headline.as_dict())
