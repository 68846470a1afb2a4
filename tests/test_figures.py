"""Figures: numbers with unit, scale, comparison and period, from Danish goal and status text.

The expectations live in tests/data/figures_cases.yaml: fragments of the real corpus with every
figure they hold, fragments that hold none, and a few hand-made strings for the rules the corpus
does not exercise. Below them, tests that walk the vocabulary file itself, so a surface form
added to parsers/patterns/figures.yaml is tested the moment it is added.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from models.records import Figure
from parsers.extract.figures import PATTERNS_FILE, find_figures, parse_danish_number
from tests.conftest import corpus_path

CASES = yaml.safe_load((Path(__file__).parent / "data" / "figures_cases.yaml").read_text(encoding="utf-8"))
VOCAB = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))

FIELDS = ("raw", "value", "unit", "scale", "comparison", "period")


def _as_rows(figures: list[Figure]) -> list[tuple[Any, ...]]:
    return [(f.raw, f.value, f.unit, f.scale, f.comparison, f.period) for f in figures]


def _expected(rows: list[list[Any]]) -> list[tuple[Any, ...]]:
    return [(raw, pytest.approx(float(value)), *rest) for raw, value, *rest in rows]


def _case_id(case: dict[str, Any]) -> str:
    return case["text"][:50]


# --------------------------------------------------------------------------------------------
# The table


@pytest.mark.parametrize("case", CASES["cases"], ids=_case_id)
def test_corpus_fragment(case: dict[str, Any]) -> None:
    assert _as_rows(find_figures(case["text"])) == _expected(case["figures"])


@pytest.mark.parametrize("case", CASES["negatives"], ids=_case_id)
def test_not_a_figure(case: dict[str, Any]) -> None:
    assert find_figures(case["text"]) == []


@pytest.mark.parametrize("case", CASES["rules"], ids=_case_id)
def test_rule(case: dict[str, Any]) -> None:
    assert _as_rows(find_figures(case["text"])) == _expected(case["figures"])


def test_table_is_large_enough() -> None:
    """The brief asks for at least 70 real expressions; guard against the file shrinking."""
    assert sum(len(c["figures"]) for c in CASES["cases"]) >= 70
    assert len(CASES["negatives"]) >= 30


# --------------------------------------------------------------------------------------------
# parse_danish_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("93,9", 93.9),
        ("2.035", 2035.0),
        ("1.508.832", 1508832.0),
        ("137,75", 137.75),
        ("-8,5", -8.5),
        ("997.898,5", 997898.5),
        ("3,978", 3.978),
        ("0,8", 0.8),
        ("230.985,70", 230985.7),
        ("0", 0.0),
        ("2024", 2024.0),
        ("\u22128,5", -8.5),  # typographic minus
        ("1\u00a0508\u00a0832", 1508832.0),  # no-break-space grouping
        ("  42,6 ", 42.6),
    ],
)
def test_parse_danish_number(text: str, value: float) -> None:
    assert parse_danish_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "abc",
        "6.13",
        "3.1.1",
        "12.00",
        "15.00.00",
        "30.09.2024",
        "1.2345",
        "0.800",
        "5,",
        ",5",
        "1,2,3",
        "2.03",
        "1.508.83",
        "12 %",
        "24/11",
        "1 508.832",
        "--5",
    ],
)
def test_parse_danish_number_rejects_junk(junk: str) -> None:
    with pytest.raises(ValueError):
        parse_danish_number(junk)


# --------------------------------------------------------------------------------------------
# Offsets, role


def test_offsets_slice_raw_out_of_every_case() -> None:
    for case in CASES["cases"] + CASES["rules"]:
        for figure in find_figures(case["text"]):
            assert case["text"][figure.start : figure.end] == figure.raw


def test_base_offset_points_into_the_whole_document() -> None:
    document = "Mål 1.2\tAt mindst 80 % af borgerne har deltaget i mindst 4 samtaler de sidste 12 måneder"
    passage_start = document.index("At mindst")
    figures = find_figures(document[passage_start:], base_offset=passage_start)
    assert [document[f.start : f.end] for f in figures] == ["80 %", "4", "12 måneder"]


def test_offsets_survive_line_breaks_inside_a_figure() -> None:
    text = "placeret som nr. \n\n69 og andelen 12,7 \n\n% i 1. kvartal 2024"
    figures = find_figures(text)
    assert [text[f.start : f.end] for f in figures] == ["nr. \n\n69", "12,7 \n\n%"]
    shifted = find_figures(text, base_offset=1000)
    assert [(f.start, f.end) for f in shifted] == [(f.start + 1000, f.end + 1000) for f in figures]


def test_role_is_copied() -> None:
    text = "I marts 2024 havde 89,9 % deltaget i mindst 4 samtaler"
    assert {f.role for f in find_figures(text)} == {"target"}
    assert {f.role for f in find_figures(text, role="observed")} == {"observed"}


def test_period_text_is_whitespace_normalised() -> None:
    (figure,) = find_figures("mens 135 ledige star- tede et forløb i 1. kvartal \n\n2024")
    assert figure.period == "1. kvartal 2024"


# --------------------------------------------------------------------------------------------
# The vocabulary file, form by form


def _unit_forms() -> list[tuple[str, str]]:
    sections = VOCAB["units"] | VOCAB["time_units"]
    return [(form, unit) for unit, forms in sections.items() for form in forms]


@pytest.mark.parametrize(("form", "unit"), _unit_forms())
def test_every_unit_form(form: str, unit: str) -> None:
    (figure,) = find_figures(f"Målet er 7 {form} i 2030.")
    assert (figure.raw, figure.value, figure.unit, figure.period) == (f"7 {form}", 7.0, unit, "2030")


def test_unit_names_are_snake_case_english() -> None:
    names = set(VOCAB["units"]) | set(VOCAB["time_units"]) | set(VOCAB["prefix_units"]) | {"count"}
    assert all(name.isascii() and name == name.lower() and " " not in name for name in names)


@pytest.mark.parametrize(
    ("form", "unit"), [(f, u) for u, forms in VOCAB["prefix_units"].items() for f in forms]
)
def test_every_prefix_unit_form(form: str, unit: str) -> None:
    (figure,) = find_figures(f"Kommunen er {form} 12 i landet.")
    assert (figure.raw, figure.value, figure.unit) == (f"{form} 12", 12.0, unit)


@pytest.mark.parametrize(
    ("form", "name", "factor"),
    [(f, s["name"], s["factor"]) for s in VOCAB["scales"] for f in s["forms"] + s.get("currency_only", [])],
)
def test_every_scale_form(form: str, name: str, factor: int) -> None:
    (figure,) = find_figures(f"Der er afsat 2,5 {form} kr. til projektet.")
    assert (figure.value, figure.unit, figure.scale) == (pytest.approx(2.5 * factor), "dkk", name)


def test_currency_only_scale_needs_currency() -> None:
    """A scale written "t." counts only in "t. kr."; on its own it must not turn 2,5 into 2.500."""
    assert _as_rows(find_figures("Der er 2,5 t. til rådighed.")) == [("2,5", 2.5, None, None, None, None)]


@pytest.mark.parametrize(
    ("form", "comparison"), [(f, c) for c, forms in VOCAB["comparisons_before"].items() for f in forms]
)
def test_every_comparison_before(form: str, comparison: str) -> None:
    (figure,) = find_figures(f"Andelen skal være {form} 40 % af de ledige.")
    assert (figure.raw, figure.comparison) == ("40 %", comparison)


@pytest.mark.parametrize(
    ("form", "comparison"),
    [(f, c) for c, forms in VOCAB["comparisons_before_duration"].items() for f in forms],
)
def test_duration_comparisons_bind_only_durations(form: str, comparison: str) -> None:
    (weeks,) = find_figures(f"Sagen afgøres {form} 4 uger.")
    assert (weeks.unit, weeks.comparison) == ("weeks", comparison)
    (share,) = find_figures(f"Sagen afgøres {form} 40 % af sagerne.")
    assert share.comparison is None


@pytest.mark.parametrize(
    ("form", "comparison"), [(f, c) for c, forms in VOCAB["comparisons_after"].items() for f in forms]
)
def test_every_comparison_after(form: str, comparison: str) -> None:
    (figure,) = find_figures(f"Sager med en varighed på 2 år {form} i januar 2022.")
    assert (figure.raw, figure.unit, figure.comparison, figure.period) == (
        "2 år",
        "years",
        comparison,
        "januar 2022",
    )


@pytest.mark.parametrize(("word", "value"), list(VOCAB["number_words"].items()))
def test_every_number_word(word: str, value: float) -> None:
    (figure,) = find_figures(f"Sagen skal afgøres senest {word} uger fra modtagelsen.")
    assert (figure.raw, figure.value, figure.unit, figure.comparison) == (
        f"{word} uger",
        value,
        "weeks",
        "at_most",
    )


@pytest.mark.parametrize("article", VOCAB["article_number_words"])
def test_article_is_not_a_count(article: str) -> None:
    assert find_figures(f"Der udarbejdes {article} plan for {article} forløb.") == []


@pytest.mark.parametrize("month", VOCAB["periods"]["months"] + VOCAB["periods"]["month_abbreviations"])
def test_every_month_makes_a_period(month: str) -> None:
    (figure,) = find_figures(f"Andelen var 12,5 % i {month} 2024.")
    assert figure.period == f"{month} 2024"


@pytest.mark.parametrize(
    "preposition", ["i", "pr.", "fra", "frem til", "for", "siden", "i løbet af", "vedrørende"]
)
def test_year_after_a_preposition_is_a_period(preposition: str) -> None:
    (figure,) = find_figures(f"Andelen var 12,5 % {preposition} 2024.")
    assert figure.period == "2024"


def test_year_after_a_noun_is_a_name_not_a_period() -> None:
    (figure,) = find_figures("Beskæftigelsesplan 2023 sætter målet til 12,5 %.")
    assert figure.period is None


# --------------------------------------------------------------------------------------------
# Period attachment


def test_period_after_the_figure_in_its_clause_wins_over_one_before() -> None:
    text = "I 2022 var andelen 41 %, og i 2024 skal 60 % være påbegyndt en uddannelse i 2027."
    assert [(f.raw, f.period) for f in find_figures(text)] == [("41 %", "2022"), ("60 %", "2027")]


def test_no_period_crosses_a_sentence() -> None:
    text = "I 2023 blev 10 sager sendt til revurdering. Dette svarer til et fald på 8,9 %."
    assert [(f.raw, f.period) for f in find_figures(text)] == [("10", "2023"), ("8,9 %", None)]


def test_no_period_crosses_a_table_cell() -> None:
    text = (
        "Status\tI marts 2024 havde 89,9 % deltaget\n"
        "Målopfyldelse\tMålet er nået\n"
        "Mål 1.3\tmindst 70 % af borgerne"
    )
    assert [(f.raw, f.period) for f in find_figures(text)] == [("89,9 %", "marts 2024"), ("70 %", None)]


# --------------------------------------------------------------------------------------------
# Whole documents


@pytest.mark.parametrize(
    "name",
    [
        "norddjurs_beskaeftigelsesraad_2024-08-29.txt",
        "norddjurs_opfoelgning_2023-2024_tabel.txt",
        "randers_beskaeftigelsesudvalget_2024-12-03.txt",
        "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt",
    ],
)
def test_whole_document_invariants(name: str) -> None:
    """Over a whole document: offsets hold, bare integers stay out, and no figure overlaps a date,
    a case number, a goal id or a clock time."""
    text = corpus_path("text", name).read_text(encoding="utf-8")
    figures = find_figures(text)
    assert len(figures) > 10
    for figure in figures:
        assert text[figure.start : figure.end] == figure.raw
        assert figure.unit is not None or figure.comparison is not None or any(c in figure.raw for c in ",.")
    not_figures = re.compile(
        r"\d{1,2}-\d{2}-\d{4}"  # 29-08-2024
        r"|\d{2}\.\d{2}\.\d{2,4}"  # 30.09.2024, 15.00.00
        r"|\d+/\d+"  # 24/11, 30733/24
        r"|[Mm]ål \d+(?:\.\d+)*"  # Mål 3.1.1
        r"|kl\. \d+[:.]\d+"  # kl. 16:30
        r"|\d{1,2}\. (?:januar|marts|april|maj|juni|august|september|oktober|november|december) \d{4}"
    )
    spans = [m.span() for m in not_figures.finditer(text)]
    assert spans
    for figure in figures:
        assert not any(s < figure.end and figure.start < e for s, e in spans), figure
