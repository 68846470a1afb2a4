"""Find the figures in Danish goal statements and status texts.

A goal reads "mindst 80 % af borgerne … i 2030" and its follow-up "I marts 2024 havde 89,9 % …";
to compare the two, each number has to come out with its unit, scale, comparison and the period
it refers to. Minutes are full of numbers that are *not* figures (dates, case numbers, goal ids,
ordinals, age groups), so the extractor is deliberately conservative: a bare integer with no
unit, counted noun or comparison around it is never reported.

What `raw` covers: the number with whatever printed unit belongs to it — a prefix unit
("nr. 64", "index 105,9"), a denominator ("36 ud af 38"), a scale phrase ("3,8 på en skala fra
1 til 5"), scale and unit ("3,978 mio. kr."). The comparison word, a counted noun ("borgere")
and the period are not part of `raw`; they are in their own fields or, for the noun, nowhere.

The vocabulary (units, scale words, comparison words, months, …) lives in
`parsers/patterns/figures.yaml`; this module turns it into regular expressions, compiled once
per process.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from models.records import Figure

__all__ = ["find_figures", "parse_danish_number"]

PATTERNS_FILE = Path(__file__).resolve().parent.parent / "patterns" / "figures.yaml"

# Whitespace allowed between a number and its unit, including the line breaks of PDF text
# ("12,7\n%"). A tab is a table-cell boundary, so it never joins a number to a unit.
_WS = r"[ \u00a0\u202f\r\n]"
_MINUSES = "-\u2212"  # for `in` tests
# minus and dash, escaped for use inside a regex character class
_MINUS_CLASS = r"\-\u2212"
_DASH_CLASS = r"\-\u2013"

# Danish grouping: a dot before exactly three digits is a thousands separator, a comma is the
# decimal mark. Spaces (plain, no-break, thin) are accepted as grouping too, when every group
# has three digits.
_DANISH_NUMBER = re.compile(
    r"(?P<sign>[+\-\u2212])?"
    r"(?P<int>[1-9]\d{0,2}(?P<sep>[.\u00a0\u202f ])\d{3}(?:(?P=sep)\d{3})*|\d+)"
    r"(?:,(?P<frac>\d+))?"
)

# A maximal run of digits with dots and commas inside. It is validated as a whole, so "15.00.00"
# or "6.13" is rejected instead of being read as "15" and "00".
_RUN = re.compile(r"\d(?:[\d.,]*\d)?")
# "-26" after "0" in "0-26 uger", "-08-2024" after "29": the rest of a dash-joined chain.
_DASH_CHAIN = re.compile(rf"(?:[{_DASH_CLASS}]\d(?:[\d.,]*\d)?)+")
# "9. eller", "1. kvartal", "19. december": a number followed by a dot and a lower-case word or
# another number is an ordinal or a date, never a quantity.
_ORDINAL = re.compile(rf"\.{_WS}+(?:[^\W\d_A-ZÆØÅ]|\d)")
# No figure or skipped chain is longer than this; bounds the look-back when checking overlaps.
_MAX_SPAN = 200
_TOKEN_STRIP_LEFT = "([{\"'“”‘’*<>"
_TOKEN_STRIP_RIGHT = ",:;)]}\"'“”‘’*<>"


def parse_danish_number(s: str) -> float:
    """Parse a number printed the Danish way.

    The comma is always the decimal mark, so "3,978" is 3.978 (usually followed by "mio. kr."),
    and a dot is only ever a thousands separator, so "6.13" or "12.00" is not a number at all:
    those are goal ids and clock times, and refusing them here is what keeps them out of the
    figures.

    Raises ValueError when `s` is not a Danish number.
    """
    return float(_parse_decimal(s))


def _parse_decimal(s: str) -> Decimal:
    m = _DANISH_NUMBER.fullmatch(s.strip())
    if not m:
        raise ValueError(f"not a Danish number: {s!r} (expected e.g. '93,9', '2.035' or '997.898,5')")
    digits = re.sub(r"[.\u00a0\u202f ]", "", m.group("int"))
    if m.group("frac"):
        digits += "." + m.group("frac")
    value = Decimal(digits)
    return -value if m.group("sign") in ("-", "\u2212") else value


# --------------------------------------------------------------------------------------------
# Vocabulary


def _form_pattern(form: str) -> str:
    """One vocabulary form as regex: spaces match any whitespace, words end at a word boundary."""
    pattern = rf"{_WS}+".join(re.escape(part) for part in form.split())
    if form[0].isalnum():
        pattern = r"(?<!\w)" + pattern
    elif form in ("<", ">", "≤", "≥"):
        pattern = r"(?<![\w/\"'<>])" + pattern  # a comparison sign, not the end of "<b>"
    if form[-1].isalnum():
        pattern += r"(?!\w)"
    return pattern


def _alternation(forms: list[str]) -> str:
    """Longest form first, because regex alternation takes the first match, not the longest."""
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))
    return "|".join(_form_pattern(f) for f in ordered)


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def _lookup(section: dict[str, list[str]]) -> dict[str, str]:
    """Invert {canonical: [forms]} into {normalised form: canonical}."""
    return {_norm(form): canonical for canonical, forms in section.items() for form in forms}


@dataclass(frozen=True)
class _Vocab:
    unit_of: dict[str, str]
    time_units: frozenset[str]
    prefix_unit_of: dict[str, str]
    scale_of: dict[str, tuple[str, int]]
    scaled_currency: dict[str, str]
    scale_factor: dict[str, int]
    cmp_before: dict[str, str]
    cmp_before_duration: dict[str, str]
    cmp_after: dict[str, str]
    number_words: dict[str, Decimal]
    article_words: frozenset[str]
    reference_words: frozenset[str]
    reference_suffixes: tuple[str, ...]
    ordinal_nouns: frozenset[str]
    age_cues: frozenset[str]
    age_word_prefix: str
    stopwords: frozenset[str]
    months: frozenset[str]
    abbreviations: frozenset[str]
    year_prepositions: frozenset[str]
    suffix_re: re.Pattern[str]
    cmp_after_re: re.Pattern[str]
    ud_af_re: re.Pattern[str]
    prefix_unit_re: re.Pattern[str]
    cmp_before_re: re.Pattern[str]
    range_join_re: re.Pattern[str]
    rank_ordinal_re: re.Pattern[str]
    number_word_re: re.Pattern[str]
    noun_re: re.Pattern[str]
    period_re: re.Pattern[str]


@functools.cache
def _vocab() -> _Vocab:
    """Load figures.yaml and compile every pattern, once per process."""
    data: dict[str, Any] = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    units, time_units = data["units"], data["time_units"]
    unit_of = _lookup(units) | _lookup(time_units)
    time_forms = [f for forms in time_units.values() for f in forms]

    scale_of: dict[str, tuple[str, int]] = {}
    plain_scales: list[str] = []
    currency_only: list[str] = []
    for entry in data["scales"]:
        for form in entry["forms"] + entry.get("currency_only", []):
            scale_of[_norm(form)] = (entry["name"], int(entry["factor"]))
        plain_scales += entry["forms"]
        currency_only += entry.get("currency_only", [])
    scale_factor = {entry["name"]: int(entry["factor"]) for entry in data["scales"]}
    dkk = _alternation(units["dkk"])
    currency_only_re = "|".join(rf"{re.escape(f)}(?={_WS}*(?:{dkk}))" for f in currency_only)

    suffix_re = re.compile(
        rf"{_WS}*(?:"
        rf"(?P<score>(?:{_alternation(data['score_phrases'])}){_WS}+\d+{_WS}*(?:til|[{_DASH_CLASS}]){_WS}*\d+(?!\d))"
        rf"|(?P<scaledcur>{_alternation(list(data['scaled_currency']))})"
        rf"|(?P<scale>{_alternation(plain_scales)}|{currency_only_re})(?:{_WS}*(?P<cur>{dkk}))?"
        rf"|(?P<unit>{_alternation(list(unit_of))})"
        rf"|(?P<adj>[^\W\d_]{{3,}}e){_WS}+(?P<tunit>{_alternation(time_forms)})"
        r")",
        re.IGNORECASE,
    )

    after_forms = [f for forms in data["comparisons_after"].values() for f in forms]
    cmp_after_re = re.compile(rf"{_WS}+(?P<cmp>{_alternation(after_forms)})", re.IGNORECASE)
    ud_af_re = re.compile(
        rf"{_WS}+ud{_WS}+af{_WS}+(?:(?:de{_WS}+)?(?:seneste|sidste|samlet){_WS}+)?(?P<den>\d(?:[\d.,]*\d)?)"
        r"(?![\w.,]\d|\w)",
        re.IGNORECASE,
    )
    prefix_forms = [f for forms in data["prefix_units"].values() for f in forms]
    prefix_unit_re = re.compile(rf"(?P<pre>{_alternation(prefix_forms)}){_WS}+(?:på{_WS}+)?$", re.IGNORECASE)
    before_forms = [f for forms in data["comparisons_before"].values() for f in forms]
    duration_forms = [f for forms in data["comparisons_before_duration"].values() for f in forms]
    cmp_before_re = re.compile(
        rf"(?P<cmp>{_alternation(before_forms + duration_forms)}){_WS}*"
        rf"(?:(?P<gap>{_alternation(data['comparison_gap_words'])}){_WS}+)?$",
        re.IGNORECASE,
    )
    range_join_re = re.compile(
        rf"{_WS}*[{_DASH_CLASS}]{_WS}*(?=[\d{_MINUS_CLASS}])|{_WS}+(?P<word>til{_WS}+og{_WS}+med|til|og|eller){_WS}+(?=\d)",
        re.IGNORECASE,
    )
    rank_ordinal_re = re.compile(
        rf"\.{_WS}+(?P<word>{_alternation(data['rank_ordinal_words'])})", re.IGNORECASE
    )
    number_word_re = re.compile(
        rf"(?<![\w-])(?:{_alternation(list(data['number_words']))})(?![\w-])", re.IGNORECASE
    )
    # A counted noun: a lower-case word ("borgere", "a-kasser") or an acronym compound ("IGU-pladser").
    noun_re = re.compile(rf"{_WS}+(?P<noun>[^\W\d_A-ZÆØÅ][\w-]*|[A-ZÆØÅ]{{2,}}\w*-[\w-]+)")

    nf, p = data["not_figures"], data["periods"]
    return _Vocab(
        unit_of=unit_of,
        time_units=frozenset(time_units),
        prefix_unit_of=_lookup(data["prefix_units"]),
        scale_of=scale_of,
        scaled_currency={_norm(k): v for k, v in data["scaled_currency"].items()},
        scale_factor=scale_factor,
        cmp_before=_lookup(data["comparisons_before"]),
        cmp_before_duration=_lookup(data["comparisons_before_duration"]),
        cmp_after=_lookup(data["comparisons_after"]),
        number_words={_norm(k): Decimal(str(v)) for k, v in data["number_words"].items()},
        article_words=frozenset(data["article_number_words"]),
        reference_words=frozenset(_norm(w) for w in nf["reference_words"]),
        reference_suffixes=tuple(nf["reference_suffixes"]),
        ordinal_nouns=frozenset(nf["ordinal_nouns"]),
        age_cues=frozenset(nf["age_cues"]),
        age_word_prefix=nf["age_word_prefix"],
        stopwords=frozenset(data["count_stopwords"]),
        months=frozenset(p["months"]) | frozenset(m.rstrip(".") for m in p["month_abbreviations"]),
        abbreviations=frozenset(a.lower() for a in data["sentence_abbreviations"] + p["month_abbreviations"]),
        year_prepositions=frozenset(p["year_prepositions"]),
        suffix_re=suffix_re,
        cmp_after_re=cmp_after_re,
        ud_af_re=ud_af_re,
        prefix_unit_re=prefix_unit_re,
        cmp_before_re=cmp_before_re,
        range_join_re=range_join_re,
        rank_ordinal_re=rank_ordinal_re,
        number_word_re=number_word_re,
        noun_re=noun_re,
        period_re=_period_pattern(p),
    )


def _period_pattern(p: dict[str, Any]) -> re.Pattern[str]:
    """One alternation of every period shape, the longest shapes first so ranges win."""
    month = _alternation(p["months"] + p["month_abbreviations"])
    q_month = rf"(?:(?:{_alternation(p['month_qualifiers'])}){_WS}+)?(?:{month})"
    join = "|".join(
        rf"{_WS}*[{_DASH_CLASS}]{_WS}*" if j in ("-", "–") else rf"{_WS}+{_form_pattern(j)}{_WS}+"
        for j in sorted(p["range_joiners"], key=len, reverse=True)
    )
    year = r"(?<![\d.,/])(?:19[5-9]\d|20\d\d)(?!\d|[.,]\d)"
    part = rf"\d\.{_WS}*(?:{_alternation(p['year_parts'])})"
    day = r"(?<![\d.])(?:[12]\d|3[01]|0?[1-9])\."
    stems = "|".join(re.escape(s) for s in p["month_stems"])
    shapes = [
        # 2. halvår 2023-1. halvår 2024; 3. kvartal 2023 - 2. kvartal 2024
        rf"(?P<part_range>{part}{_WS}+{year}(?:{join}){part}{_WS}+{year})",
        # 1.-3. kvartal 2023
        rf"(?P<part_span>\d\.{_WS}*[{_DASH_CLASS}]{_WS}*{part}(?:{_WS}+{year})?)",
        # 1. januar 2025 - 30. juni 2026
        rf"(?P<date_range>{day}{_WS}*(?:{month})(?:{_WS}+{year})?(?:{join}){day}{_WS}*(?:{month}){_WS}+{year})",
        # januar-april 2024; januar-medio juni 2024; august 2023 - august 2024
        rf"(?P<month_range>{q_month}(?:{_WS}+{year})?(?:{join}){q_month}{_WS}+{year})",
        # 1. kvartal 2024; 2. halvår
        rf"(?P<part>{part}(?:{_WS}+{year})?)",
        # 1. januar 2021; 30. september
        rf"(?P<date>{day}{_WS}*(?:{month})(?:{_WS}+{year})?)",
        # 29-08-2024; 30.09.2024; 27.11.24 (day and month checked in code)
        r"(?P<numdate>(?<![\d.,\w-])(?P<d>\d{1,2})(?P<sep>[.-])(?P<m>\d{1,2})(?P=sep)(?:\d{4}|\d{2})"
        r"(?![\d\w]|[.,-]\w))",
        # december 2023; medio februar 2024; Sept. 2023
        rf"(?P<month_year>{q_month}{_WS}+{year})",
        # okt-23 (table headers)
        rf"(?P<month_stem>(?<!\w)(?:{stems})-\d{{2}}(?!\d))",
        # 2022-2023; 2021 til og med 2025; 2022 og 2023 (only after a preposition)
        rf"(?P<year_range>{year}(?:{join}|{_WS}+og{_WS}+|/){year})",
        # 2023 (only after a preposition)
        rf"(?P<year>{year})",
    ]
    return re.compile("|".join(shapes), re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Periods and sentence structure


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str


def _tokens_before(text: str, pos: int, n: int = 2) -> list[str]:
    """The last `n` whitespace-separated tokens before `pos`, lower-cased, nearest last."""
    tokens = text[max(0, pos - 80) : pos].split()[-n:]
    return [t.lstrip(_TOKEN_STRIP_LEFT).rstrip(_TOKEN_STRIP_RIGHT).lower() for t in tokens]


def _find_periods(text: str) -> list[_Span]:
    """Every period expression, as printed, without the preposition that introduced it."""
    v = _vocab()
    periods: list[_Span] = []
    for m in v.period_re.finditer(text):
        kind = m.lastgroup
        if kind == "numdate" and not (1 <= int(m.group("d")) <= 31 and 1 <= int(m.group("m")) <= 12):
            continue
        if kind in ("year", "year_range"):
            before = _tokens_before(text, m.start(), 1)
            if not before or before[-1] not in v.year_prepositions:
                continue
        periods.append(_Span(m.start(), m.end(), " ".join(m.group().split())))
    return periods


def _cuts(text: str) -> tuple[list[int], list[int]]:
    """Sentence and clause boundaries, as sorted offsets.

    A full stop ends a sentence only before a capital or a number, and not after an
    abbreviation ("pr. 1. januar") or an ordinal ("1. kvartal"). A single line break never ends
    one (PDF text wraps mid-sentence); a blank line does unless the text plainly runs on.
    """
    v = _vocab()
    sentences = {0, len(text)}
    for m in re.finditer(r"\t", text):
        sentences.add(m.start())
    for m in re.finditer(r"[.!?](?P<ws>[ \u00a0\r\n]+)(?=[\"“(]?(?P<next>[A-ZÆØÅ#<•\d]))", text):
        word = text[max(0, m.start() - 30) : m.start() + 1].split()[-1].lstrip(_TOKEN_STRIP_LEFT).lower()
        if word in v.abbreviations:
            continue
        if m.group("next").isdigit() and re.fullmatch(r"\d{1,3}\.", word):
            continue
        sentences.add(m.end("ws"))
    for m in re.finditer(r"\n[ \u00a0]*(?=[#<•*]|-\s)", text):
        sentences.add(m.end())
    for m in re.finditer(r"\S(?P<gap>[ \u00a0]*\n[ \u00a0\r]*\n\s*)(?=\S)", text):
        prev, nxt = text[m.start()], text[m.end()]
        if not (prev.islower() or prev in ",-(" or nxt.islower()):
            sentences.add(m.end())
    clauses = set(sentences)
    for m in re.finditer(r",(?=\s)|;|:(?=\s)|\s[-\u2013]\s", text):
        clauses.add(m.end())
    return sorted(sentences), sorted(clauses)


def _enclosing(cuts: list[int], pos: int) -> tuple[int, int]:
    i = bisect_right(cuts, pos)
    return cuts[i - 1], cuts[i] if i < len(cuts) else cuts[-1]


def _attach_period(
    start: int, end: int, periods: list[_Span], starts: list[int], cuts: tuple[list[int], list[int]]
) -> str | None:
    """The nearest period after the figure in its clause, else before it, else nearest in the sentence.

    "I 2023 var 11 % …; i 2024 skal 60 % … i 2027": a target's own year usually follows it, a
    status figure's reference date usually opens the sentence, and a period in another sentence
    belongs to another statement.
    """
    s_start, s_end = _enclosing(cuts[0], start)
    c_start, c_end = _enclosing(cuts[1], start)
    window = periods[bisect_left(starts, s_start) : bisect_left(starts, s_end)]
    inside = [p for p in window if p.end <= s_end and (p.end <= start or p.start >= end)]
    after = [p for p in inside if p.start >= end and p.end <= c_end]
    if after:
        return min(after, key=lambda p: p.start).text
    before = [p for p in inside if p.end <= start and p.start >= c_start]
    if before:
        return max(before, key=lambda p: p.end).text
    if inside:
        return min(inside, key=lambda p: (p.start - end) if p.start >= end else (start - p.end) - 0.5).text
    return None


# --------------------------------------------------------------------------------------------
# Figures


@dataclass
class _Tail:
    """What follows a number: its unit, scale and where the printed figure ends."""

    unit: str | None = None
    scale: str | None = None
    factor: int = 1
    end: int = 0
    comparison: str | None = None
    skip: bool = False  # the number is an age, a school year, … — not a figure


def _read_tail(text: str, pos: int, *, year_like: bool, allow_count: bool = True) -> _Tail:
    """Read the unit (and denominator, scale, trailing comparison) after a number ending at `pos`."""
    v = _vocab()
    tail = _Tail(end=pos)
    ud = v.ud_af_re.match(text, pos)
    if ud:
        try:
            _parse_decimal(ud.group("den"))
        except ValueError:
            ud = None
    at = ud.end() if ud else pos
    m = v.suffix_re.match(text, at)
    if m and m.group("score"):
        tail.unit, tail.end = "score", m.end()
    elif m and m.group("scaledcur"):
        tail.unit, tail.scale, tail.end = "dkk", v.scaled_currency[_norm(m.group("scaledcur"))], m.end()
        tail.factor = v.scale_factor[tail.scale]
    elif m and m.group("scale"):
        tail.scale, tail.factor = v.scale_of[_norm(m.group("scale"))]
        tail.end = m.end()
        if m.group("cur"):
            tail.unit = "dkk"
        elif allow_count and _count_noun(text, m.end()):
            tail.unit = "count"
    elif m and (m.group("unit") or m.group("tunit")):
        tail.unit, tail.end = v.unit_of[_norm(m.group("unit") or m.group("tunit"))], m.end()
    elif ud:
        tail.unit, tail.end = "count", ud.end()
    else:
        noun = v.noun_re.match(text, pos)
        if noun:
            word = noun.group("noun").lower().rstrip("-")
            if word.startswith(v.age_word_prefix) or word in v.ordinal_nouns:
                tail.skip = True
            elif allow_count and not year_like and _count_noun(text, pos):
                tail.unit = "count"
    if tail.unit is not None or tail.scale is not None:
        after = v.cmp_after_re.match(text, tail.end)
        if after:
            tail.comparison = v.cmp_after[_norm(after.group("cmp"))]
    return tail


def _count_noun(text: str, pos: int) -> bool:
    """Is the word after `pos` a noun being counted ("60 borgere"), not a function word ("25 til")?"""
    v = _vocab()
    m = v.noun_re.match(text, pos)
    if not m:
        return False
    word = m.group("noun").lower()
    if word.endswith("-") or len(word) < 2:
        return False  # "sammenhæn-" hyphenated across a line, "t." an abbreviation: not a noun
    return not (
        word in v.stopwords
        or word.rstrip(".") in v.stopwords
        or word in v.months
        or word in v.number_words
        or word in v.ordinal_nouns
        or word.startswith(v.age_word_prefix)
    )


class _Scanner:
    """One pass over one text; holds the text-wide context each number is judged against."""

    def __init__(self, text: str, role: str, base_offset: int) -> None:
        self.text = text
        self.role = role
        self.base = base_offset
        self.v = _vocab()
        self.periods = _find_periods(text)
        self.period_starts = [p.start for p in self.periods]
        self.cuts = _cuts(text)
        self.figures: list[Figure] = []
        self.taken: list[tuple[int, int]] = []  # sorted spans no later number may start inside

    # -- context helpers ---------------------------------------------------------------------

    def _masked(self, pos: int) -> bool:
        """Inside a period ("1. kvartal 2024") or a span already read as part of another figure."""
        i = bisect_right(self.period_starts, pos) - 1
        if i >= 0 and pos < self.periods[i].end:
            return True
        return self._overlaps(pos, pos + 1)

    def _take(self, start: int, end: int) -> None:
        insort(self.taken, (start, end))

    def _overlaps(self, start: int, end: int) -> bool:
        # Taken spans are short (a figure, a date chain), so only those starting shortly before
        # `start` can reach it; looking back a bounded stretch keeps a long document linear.
        i = bisect_left(self.taken, (end, 0))
        while i > 0 and self.taken[i - 1][0] > start - _MAX_SPAN:
            i -= 1
            s, e = self.taken[i]
            if s < end and start < e:
                return True
        return False

    def _is_reference(self, token: str) -> bool:
        """After "Mål", "pkt.", "§", "lokalplan" a number names something; it does not count anything."""
        if token in self.v.reference_words:
            return True
        return token not in self.v.prefix_unit_of and token.endswith(self.v.reference_suffixes)

    def _comparison_before(self, pos: int, unit: str | None) -> tuple[str | None, int]:
        """The comparison printed before `pos`, and where it starts (the age test looks behind it).

        "senest"/"inden for" bound a duration ("senest seks uger") but not a share ("inden for
        5 områder"), so those forms count only when the unit is a time unit.
        """
        m = self.v.cmp_before_re.search(self.text, max(0, pos - 40), pos)
        if not m:
            return None, pos
        form = _norm(m.group("cmp"))
        if form in self.v.cmp_before:
            return self.v.cmp_before[form], m.start()
        if unit in self.v.time_units and form in self.v.cmp_before_duration:
            return self.v.cmp_before_duration[form], m.start()
        return None, pos

    def _is_age(self, pos: int, unit: str | None) -> bool:
        """Age groups ("unge under 30 år", "i alderen 25 år") are not durations."""
        if unit not in ("years", None):
            return False
        return any(t in self.v.age_cues for t in _tokens_before(self.text, pos, 2))

    def _emit(self, start: int, end: int, value: Decimal, tail: _Tail, comparison: str | None) -> None:
        self.figures.append(
            Figure(
                raw=self.text[start:end],
                value=float(value * tail.factor),
                unit=tail.unit,
                scale=tail.scale,
                comparison=comparison,
                period=_attach_period(start, end, self.periods, self.period_starts, self.cuts),
                role=self.role,
                start=self.base + start,
                end=self.base + end,
            )
        )
        self._take(start, end)

    # -- numbers written with digits ---------------------------------------------------------

    def scan_digits(self) -> None:
        for m in _RUN.finditer(self.text):
            if not self._masked(m.start()):
                self._digit_figure(m.start(), m.end())

    def _digit_figure(self, s: int, e: int) -> None:
        text, v = self.text, self.v
        before = text[s - 1] if s else ""
        if before and (before.isalnum() or before in "_/:.,½"):
            return  # PD1, CO2e, 24/11, 16:30
        start = s
        if before and before in _MINUSES:
            if s >= 2 and (text[s - 2].isalnum() or text[s - 2] in "./,"):
                return  # EMN-2025-003383, 00.22.00-P35-1-24, okt-23
            start = s - 1
        after = text[e : e + 2]
        if after[:1] in ("/", ":") and after[1:2].isdigit():
            return  # 30733/24, kl. 16:30
        if after[:1] == "." and after[1:2].isalpha() or after[:1].isalpha():
            return  # 15.00.00.G01, 348Borgere, 3F
        if re.match(rf"[{_DASH_CLASS}]{_WS}*[^\W\d_]", after + text[e + 2 : e + 6]):
            return  # 25-årige, 4-ugers, hyphenated line breaks
        try:
            value = _parse_decimal(text[start:e])
        except ValueError:
            return  # 6.13, 15.00.00, 12.00
        run = text[s:e]
        if text[e : e + 1] == "½":
            value += Decimal("0.5") if value >= 0 else Decimal("-0.5")
            e += 1
        year_like = bool(re.fullmatch(r"(19|20)\d\d", run))
        separated = "," in run or "." in run

        if _ORDINAL.match(text, e):
            rank = v.rank_ordinal_re.match(text, e)
            if rank:  # "den 8. laveste andel"
                self._emit(start, rank.end(), value, _Tail(unit="rank", end=rank.end()), None)
            return  # 9. eller 10. klasse, 1. at, 2. behandling

        prev = _tokens_before(text, start, 1)
        prefix = v.prefix_unit_re.search(text, max(0, start - 30), start)
        if prefix:
            word_before = _tokens_before(text, prefix.start(), 1)
            if word_before and self._is_reference(word_before[-1]):
                return  # lokalplan nr. 411, sag nr. 28
            self._prefixed_figure(
                prefix.start(), start, e, value, v.prefix_unit_of[_norm(prefix.group("pre"))]
            )
            return
        reference = bool(prev) and self._is_reference(prev[-1])
        chain = _DASH_CHAIN.match(text, e)
        if chain:
            if reference:
                self._take(start, chain.end())
            else:
                self._glued_range(start, e, value, chain)
            return

        tail = _read_tail(text, e, year_like=year_like)
        if tail.skip:
            return
        if reference and tail.unit in (None, "count"):
            return  # Mål 10, pkt. 61, § 101, tabel 1 viser; but "landsplan 16,3 procent" is a figure
        if tail.unit is None and tail.scale is None:
            if self._spaced_range(start, e, value, prev):
                return
        comparison, cmp_start = self._comparison_before(start, tail.unit)
        comparison = comparison or tail.comparison
        if tail.unit is None and tail.scale is None and not (separated or comparison):
            return  # bare integers: list numbers, ids, years
        if year_like and tail.unit is None:
            return
        if self._is_age(cmp_start, tail.unit):
            return
        self._emit(start, max(tail.end, e), value, tail, comparison)

    def _prefixed_figure(self, pre_start: int, start: int, e: int, value: Decimal, unit: str) -> None:
        """nr. 64, plads 52, index 105,9 — optionally "nr. 97 ud af 98"."""
        ud = self.v.ud_af_re.match(self.text, e)
        end = ud.end() if ud else e
        comparison, _ = self._comparison_before(pre_start, unit)
        self._emit(pre_start, end, value, _Tail(unit=unit, end=end), comparison)

    def _glued_range(self, start: int, e: int, low: Decimal, chain: re.Match[str]) -> None:
        """40-50 %, 0-26 uger; anything else dash-joined (dates, case numbers, age groups) is dropped."""
        self._take(start, chain.end())
        parts = re.split(rf"[{_DASH_CLASS}]", chain.group())[1:]
        if len(parts) != 1:
            return  # 29-08-2024, 2012-20-1
        try:
            high = _parse_decimal(parts[0])
        except ValueError:
            return
        if not (low < high and len(parts[0]) <= len(self.text[start:e].lstrip(_MINUSES)) + 1):
            return  # 2012-202935, 24-11
        if all(re.fullmatch(r"(19|20)\d\d", x) for x in (self.text[start:e], parts[0])):
            return  # overslagsårene 2019-2021
        tail = _read_tail(self.text, chain.end(), year_like=False)
        if tail.skip or tail.unit in (None, "years"):
            return  # 3-4 (table), 16-29 år, 30-64 årige
        b_start = chain.start() + 1
        self._pair(start, e, low, b_start, high, tail)

    def _spaced_range(self, start: int, e: int, low: Decimal, prev: list[str]) -> bool:
        """mellem 670 og 740 sager, 20 – 25 år, 2 til 3 uger: the first number borrows the second's unit."""
        join = self.v.range_join_re.match(self.text, e)
        if not join:
            return False
        word = _norm(join.group("word") or "-")
        if word == "og" and not (prev and prev[-1] == "mellem"):
            return False
        b = _RUN.match(self.text, join.end() + (1 if self.text[join.end()] in _MINUSES else 0))
        if not b:
            return False
        b_start = join.end()
        try:
            high = _parse_decimal(self.text[b_start : b.end()])
        except ValueError:
            return False
        if re.match(rf"[{_DASH_CLASS}.]\w|\w", self.text[b.end() : b.end() + 2]):
            return False  # 17 - 66-årig, 20 - 2. kvartal
        tail = _read_tail(self.text, b.end(), year_like=False)
        if tail.skip or tail.unit == "years":
            self._take(start, tail.end if tail.unit else b.end())
            return True  # 20 til og med 25 år, 20 – 25 år: age groups
        if tail.unit is None:
            return False
        if word == "eller" or (word == "til" and prev and prev[-1] == "fra"):
            # "2 eller 3 uger", "fra 50 til 60 borgere": the unit is shared, the bounds are not.
            comparison, _ = self._comparison_before(start, tail.unit)
            self._emit(start, e, low, _Tail(unit=tail.unit, scale=tail.scale, factor=tail.factor), comparison)
            return True
        self._pair(start, e, low, b_start, high, tail)
        return True

    def _pair(self, a_start: int, a_end: int, low: Decimal, b_start: int, high: Decimal, tail: _Tail) -> None:
        """Emit a range as two figures: the low end as at_least, the high end as at_most."""
        comparison, cmp_start = self._comparison_before(a_start, tail.unit)
        if self._is_age(cmp_start, tail.unit):
            return
        a_tail = _Tail(unit=tail.unit, scale=tail.scale, factor=tail.factor, end=a_end)
        self._emit(a_start, a_end, low, a_tail, comparison or "at_least")
        self._emit(b_start, tail.end, high, tail, comparison or "at_most")

    # -- numbers written as words ------------------------------------------------------------

    def scan_words(self) -> None:
        for m in self.v.number_word_re.finditer(self.text):
            if self._masked(m.start()) or self._overlaps(m.start(), m.end()):
                continue
            word = m.group().lower()
            article = word in self.v.article_words
            tail = _read_tail(self.text, m.end(), year_like=False, allow_count=not article)
            if tail.skip or tail.unit is None or tail.scale is not None:
                continue
            if article and tail.unit not in self.v.time_units:
                continue  # "en plan", "et fald": the article, not the numeral
            comparison, cmp_start = self._comparison_before(m.start(), tail.unit)
            if self._is_age(cmp_start, tail.unit):
                continue
            end = tail.end if tail.unit != "count" else m.end()
            self._emit(m.start(), end, self.v.number_words[word], tail, comparison or tail.comparison)


def find_figures(text: str, role: str = "target", base_offset: int = 0) -> list[Figure]:
    """Every quantitative figure in `text`, in reading order.

    `role` is copied onto each figure ("target" for a goal statement, "observed" for status
    text), because the same sentence shape means different things in the two. `base_offset` is
    added to `start`/`end` so a caller passing a slice of `Document.text` gets offsets into the
    whole document.
    """
    scanner = _Scanner(text, role, base_offset)
    scanner.scan_digits()
    scanner.scan_words()
    return sorted(scanner.figures, key=lambda f: (f.start or 0, f.end or 0))
