"""Find the figures in Danish goal statements and status texts.

A goal reads "mindst 80 % af borgerne … i 2030" and its follow-up "I marts 2024 havde 89,9 % …";
to compare the two, each number has to come out with its unit, scale, comparison and the period
it refers to. Municipal minutes are full of numbers that are *not* figures (dates, case numbers,
goal ids, ordinals, age groups), so the extractor is deliberately conservative: a bare integer
with nothing around it is never reported.

The vocabulary (units, scale words, comparison words, months, …) lives in
`parsers/patterns/figures.yaml`; this module only turns it into regular expressions, compiled
once per process.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from models.records import Figure

__all__ = ["find_figures", "parse_danish_number"]

PATTERNS_FILE = Path(__file__).resolve().parent.parent / "patterns" / "figures.yaml"

# Whitespace that may sit between a number and its unit. A tab is a table-cell boundary, so it
# never joins a number in one cell to a unit in the next.
_WS = r"[ \u00a0\u202f\r\n]"
_MINUS = "-\u2212"
_DASHES = "-\u2013"

# Danish grouping: a dot before exactly three digits is a thousands separator, a comma is the
# decimal mark. "1.508.832", "997.898,5", "3,978", "-8,5". Spaces (plain, no-break, thin) are also
# accepted as grouping when every group has three digits.
_DANISH_NUMBER = re.compile(
    r"(?P<sign>[+\-\u2212])?"
    r"(?P<int>[1-9]\d{0,2}(?:(?P<sep>[.\u00a0\u202f ])\d{3})(?:(?P=sep)\d{3})*|\d+)"
    r"(?:,(?P<frac>\d+))?"
)

# A maximal run of digits with dots and commas inside it; validated afterwards, so "15.00.00"
# or "6.13" is seen whole and rejected rather than read as "15" and "00".
_RUN = re.compile(r"\d(?:[\d.,]*\d)?")


def parse_danish_number(s: str) -> float:
    """Parse a number printed the Danish way.

    The comma is always the decimal mark, so "3,978" is 3.978 (three point nine seven eight,
    usually followed by "mio. kr."), and a dot is only ever a thousands separator, so "6.13" or
    "12.00" is not a number at all: those are goal ids and clock times, and refusing them here
    is what keeps them out of the figures.

    Raises ValueError when `s` is not a Danish number.
    """
    return float(_parse_decimal(s))


def _parse_decimal(s: str) -> Decimal:
    text = s.strip()
    m = _DANISH_NUMBER.fullmatch(text)
    if not m:
        raise ValueError(f"not a Danish number: {s!r} (expected e.g. '93,9', '2.035' or '997.898,5')")
    digits = re.sub(r"[.\u00a0\u202f ]", "", m.group("int"))
    if m.group("frac"):
        digits += "." + m.group("frac")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees digits
        raise ValueError(f"not a Danish number: {s!r}") from exc
    return -value if m.group("sign") in ("-", "\u2212") else value


# --------------------------------------------------------------------------------------------
# Vocabulary


def _form_pattern(form: str) -> str:
    """One vocabulary form as regex: spaces match any whitespace, words end at a word boundary."""
    pattern = rf"{_WS}+".join(re.escape(part) for part in form.split())
    if form[-1].isalnum():
        pattern += r"(?!\w)"
    if form[0].isalnum():
        pattern = r"(?<!\w)" + pattern
    return pattern


def _alternation(forms: list[str]) -> str:
    """Longest form first, because regex alternation takes the first match, not the longest."""
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))
    return "|".join(_form_pattern(f) for f in ordered)


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


@dataclass(frozen=True)
class _Vocab:
    unit_of: dict[str, str]
    time_units: frozenset[str]
    prefix_unit_of: dict[str, str]
    scale_of: dict[str, tuple[str, int]]
    scale_factor: dict[str, int]
    scaled_currency: dict[str, str]
    comparison_before: dict[str, str]
    comparison_before_duration: dict[str, str]
    comparison_after: dict[str, str]
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
    after_cmp_re: re.Pattern[str]
    ud_af_re: re.Pattern[str]
    prefix_unit_re: re.Pattern[str]
    cmp_before_re: re.Pattern[str]
    rank_ordinal_re: re.Pattern[str]
    number_word_re: re.Pattern[str]
    noun_re: re.Pattern[str]
    period_re: re.Pattern[str]


@functools.cache
def _vocab() -> _Vocab:
    """Load figures.yaml and compile every pattern once per process."""
    data: dict[str, Any] = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))

    unit_of = {_norm(f): unit for unit, forms in data["units"].items() for f in forms}
    time_of = {_norm(f): unit for unit, forms in data["time_units"].items() for f in forms}
    prefix_unit_of = {_norm(f): unit for unit, forms in data["prefix_units"].items() for f in forms}

    scale_of: dict[str, tuple[str, int]] = {}
    scale_factor: dict[str, int] = {}
    currency_only: list[str] = []
    for entry in data["scales"]:
        scale_factor[entry["name"]] = int(entry["factor"])
        for f in entry["forms"]:
            scale_of[_norm(f)] = (entry["name"], int(entry["factor"]))
        for f in entry.get("currency_only", []):
            scale_of[_norm(f)] = (entry["name"], int(entry["factor"]))
            currency_only.append(f)
    plain_scales = [f for e in data["scales"] for f in e["forms"]]
    scaled_currency = {_norm(k): v for k, v in data["scaled_currency"].items()}

    def by_value(section: dict[str, list[str]]) -> dict[str, str]:
        return {_norm(f): value for value, forms in section.items() for f in forms}

    comparison_before = by_value(data["comparisons_before"])
    comparison_before_duration = by_value(data["comparisons_before_duration"])
    comparison_after = by_value(data["comparisons_after"])

    dkk_forms = data["units"]["dkk"]
    score = _alternation(data["score_phrases"])
    suffix_re = re.compile(
        rf"{_WS}*(?:"
        rf"(?P<score>(?:{score}){_WS}+\d+{_WS}*(?:til|[{_DASHES}]){_WS}*\d+(?!\d))"
        rf"|(?P<scaledcur>{_alternation(list(data['scaled_currency']))})"
        rf"|(?P<scale>{_alternation(plain_scales)}|"
        rf"{'|'.join(re.escape(f) + rf'(?={_WS}*(?:kr|kroner))' for f in currency_only)})"
        rf"(?:{_WS}*(?P<cur>{_alternation(dkk_forms)}))?"
        rf"|(?P<unit>{_alternation(list(unit_of) + list(time_of))})"
        rf"|(?P<adj>[^\W\d_]{{3,}}e){_WS}+(?P<tunit>{_alternation(list(time_of))})"
        r")",
        re.IGNORECASE,
    )
    after_cmp_re = re.compile(rf"{_WS}+(?P<cmp>{_alternation(list(data['comparisons_after']['at_least']) + list(data['comparisons_after']['at_most']))})", re.IGNORECASE)  # noqa: E501
    ud_af_re = re.compile(
        rf"{_WS}+ud{_WS}+af{_WS}+(?:(?:de{_WS}+)?(?:seneste|sidste|samlet|i\s+alt){_WS}+)?"
        rf"(?P<den>\d(?:[\d.,]*\d)?)(?![\d\w])",
        re.IGNORECASE,
    )
    prefix_unit_re = re.compile(rf"(?:{_alternation(list(data['prefix_units']['rank']) + list(data['prefix_units']['index']))}){_WS}+(?:på{_WS}+)?$", re.IGNORECASE)  # noqa: E501

    gap = _alternation(data["comparison_gap_words"])
    all_cmp = list(comparison_before) + list(comparison_before_duration)
    cmp_forms = [f for f in data["comparisons_before"]["at_least"] + data["comparisons_before"]["at_most"]
                 + data["comparisons_before"]["more_than"] + data["comparisons_before"]["less_than"]
                 + data["comparisons_before"]["approx"] + data["comparisons_before_duration"]["at_most"]]
    assert len(cmp_forms) >= len(set(all_cmp))
    cmp_before_re = re.compile(
        rf"(?P<cmp>{_alternation(cmp_forms)}){_WS}*(?:(?P<gap>{gap}){_WS}+)?$", re.IGNORECASE
    )
    rank_ordinal_re = re.compile(
        rf"\.{_WS}+(?P<word>{_alternation(data['rank_ordinal_words'])})", re.IGNORECASE
    )
    number_words = {_norm(k): Decimal(str(v)) for k, v in data["number_words"].items()}
    number_word_re = re.compile(rf"(?<![\w-])(?:{_alternation(list(data['number_words']))})(?![\w-])",
                                re.IGNORECASE)
    # A counted noun: a lower-case word ("borgere", "a-kasser") or an acronym compound ("IGU-pladser").
    noun_re = re.compile(rf"{_WS}+(?P<noun>[^\W\d_A-ZÆØÅ][\w-]*|[A-ZÆØÅ]{{2,}}[\w]*-[\w-]+)")

    p = data["periods"]
    month = _alternation(p["months"] + p["month_abbreviations"])
    qual = _alternation(p["month_qualifiers"])
    part = _alternation(p["year_parts"])
    join = "|".join(
        rf"{_WS}*[{_DASHES}]{_WS}*" if j in ("-", "–") else rf"{_WS}+{_form_pattern(j)}{_WS}+"
        for j in sorted(p["range_joiners"], key=len, reverse=True)
    )
    year = r"(?<![\d.,/])(?:19[5-9]\d|20\d\d)(?![\d]|[.,]\d)"
    q_month = rf"(?:(?:{qual}){_WS}+)?(?:{month})"
    yp = rf"\d{{1,2}}\.{_WS}*(?:{part})"
    day = r"(?<![\d.])(?:[1-9]|[12]\d|3[01])\."
    stems = "|".join(re.escape(s) for s in p["month_stems"])
    period_re = re.compile(
        "|".join(
            [
                # 2. halvår 2023-1. halvår 2024, 3. kvartal 2023 - 2. kvartal 2024
                rf"(?P<part_range>{yp}{_WS}+{year}(?:{join}){yp}{_WS}+{year})",
                # 1.-3. kvartal 2023
                rf"(?P<part_span>\d\.{_WS}*[{_DASHES}]{_WS}*{yp}(?:{_WS}+{year})?)",
                # 1. januar 2025 - 30. juni 2026
                rf"(?P<date_range>{day}{_WS}*(?:{month})(?:{_WS}+{year})?(?:{join}){day}{_WS}*(?:{month}){_WS}+{year})",
                # januar-april 2024, januar-medio juni 2024, august 2023 - august 2024
                rf"(?P<month_range>{q_month}(?:{_WS}+{year})?(?:{join}){q_month}{_WS}+{year})",
                # 1. kvartal 2024, 2. halvår
                rf"(?P<part>{yp}(?:{_WS}+{year})?)",
                # pr. 1. januar 2021, 30. september
                rf"(?P<date>{day}{_WS}*(?:{month})(?:{_WS}+{year})?)",
                # 29-08-2024, 30.09.2024, 27.11.24
                r"(?P<numdate>(?<![\d.,-])\d{1,2}([.-])\d{1,2}\2(?:\d{4}|\d{2})(?![\d]|[.,]\d))",
                # december 2023, medio februar 2024, Sept. 2023
                rf"(?P<month_year>{q_month}{_WS}+{year})",
                # okt-23
                rf"(?P<month_stem>(?<!\w)(?:{stems})-\d{{2}}(?!\d))",
                # 2022-2023, 2021 til og med 2025, 2022 og 2023 (only after a preposition)
                rf"(?P<year_range>{year}(?:{join}|{_WS}+og{_WS}+|/){year})",
                rf"(?P<year>{year})",
            ]
        ),
        re.IGNORECASE,
    )

    nf = data["not_figures"]
    return _Vocab(
        unit_of=unit_of | time_of,
        time_units=frozenset(data["time_units"]),
        prefix_unit_of=prefix_unit_of,
        scale_of=scale_of,
        scale_factor=scale_factor,
        scaled_currency=scaled_currency,
        comparison_before=comparison_before,
        comparison_before_duration=comparison_before_duration,
        comparison_after=comparison_after,
        number_words=number_words,
        article_words=frozenset(data["article_number_words"]),
        reference_words=frozenset(_norm(w) for w in nf["reference_words"]),
        reference_suffixes=tuple(nf["reference_suffixes"]),
        ordinal_nouns=frozenset(nf["ordinal_nouns"]),
        age_cues=frozenset(nf["age_cues"]),
        age_word_prefix=nf["age_word_prefix"],
        stopwords=frozenset(data["count_stopwords"]),
        months=frozenset(p["months"]) | frozenset(s.rstrip(".") for s in p["month_abbreviations"]),
        abbreviations=frozenset(a.lower() for a in data["sentence_abbreviations"]),
        year_prepositions=frozenset(p["year_prepositions"]),
        suffix_re=suffix_re,
        after_cmp_re=after_cmp_re,
        ud_af_re=ud_af_re,
        prefix_unit_re=prefix_unit_re,
        cmp_before_re=cmp_before_re,
        rank_ordinal_re=rank_ordinal_re,
        number_word_re=number_word_re,
        noun_re=noun_re,
        period_re=period_re,
    )
