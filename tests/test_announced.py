"""A budget target an ordinary item announces in prose (`et måltal for …`), judged year by year."""

from __future__ import annotations

from models.records import RawDocument, Verdict
from parsers.parse import parse_raw
from parsers.readers.text import text_to_pages

REFERAT = """Referat
Byrådet
Mødedato: 27. august 2025

Punkt 12: Status på busfremkommelighed
Sagsnummer: 25/1234
Sagsfremstilling
Byrådet vedtog i budgetforlig 2023 et måltal for busfremkommelighed. Fra 2023 skal A-bussernes \
fremkommelighed forbedres med 5,5 timer i myldretiden på skoledage.

I 2023 blev fremkommeligheden forbedret med 3,1 timer, men måltallet blev ikke nået.

I 2024 blev fremkommeligheden forbedret med yderligere 2,6 timer, i alt 5,7 timer, og måltallet blev \
dermed nået i 2024.

Forvaltningen foreslår, at indsatsen fortsætter med et nyt måltal for 2026.
Indstilling
Teknik og Miljø indstiller, at
1. orienteringen tages til efterretning.
Beslutning
Taget til efterretning.
"""


def _parse(text: str):  # type: ignore[no-untyped-def]
    return parse_raw(RawDocument(path="x.txt", format="text", reader="text", pages=text_to_pages(text, "text")))


def test_budget_target_in_an_item_with_yearly_judgements() -> None:
    parsed = _parse(REFERAT)
    (goal,) = parsed.goals
    assert goal.text == ("Fra 2023 skal A-bussernes fremkommelighed forbedres med 5,5 timer i myldretiden "
                         "på skoledage.")
    assert goal.verdict is Verdict.met  # the latest year's judgement decides
    assert goal.verdict_text and "ikke nået" in goal.verdict_text and "nået i 2024" in goal.verdict_text
    assert goal.agenda_item == "12"


def test_a_mention_of_a_maaltal_without_a_statement_is_no_goal() -> None:
    text = REFERAT.replace("Fra 2023 skal A-bussernes fremkommelighed forbedres med 5,5 timer i myldretiden på "
                           "skoledage.", "")
    text = text.replace("Byrådet vedtog i budgetforlig 2023 et måltal for busfremkommelighed. ", "")
    assert not [g for g in _parse(text).goals if "måltal" in " ".join(g.confidence_reasons)]


def test_judgements_under_a_status_subheading_reach_back_when_they_name_the_maaltal() -> None:
    text = REFERAT.replace("\nI 2023 blev", "\n**Status 2023**\n\nI 2023 blev", 1).replace(
        "\nI 2024 blev", "\n**Status 2024**\n\nI 2024 blev", 1).replace(
        "Forvaltningen foreslår", "Målet for cyklisterne er ikke nået. Forvaltningen foreslår")
    parsed = parse_raw(RawDocument(path="x.md", format="markdown", reader="text",
                                   pages=text_to_pages(text, "text")))
    goal = next(g for g in parsed.goals if g.text.startswith("Fra 2023 skal"))
    assert goal.verdict is Verdict.met
    assert goal.verdict_text and "cyklisterne" not in goal.verdict_text and "nået i 2024" in goal.verdict_text


def test_the_budget_the_announcement_names_is_the_plan_year() -> None:
    """`vedtog i budgetforlig 2023` / `i budgetaftalen for 2021`: the target belongs to that budget, not to the
    year of a plan the minutes around it follow up on."""
    (goal,) = _parse(REFERAT).goals
    assert (goal.plan, goal.plan_year) == ("Budget 2023", 2023)
    text = REFERAT.replace("Byrådet vedtog i budgetforlig 2023", "Byrådet vedtog i budgetaftalen for 2022")
    (goal,) = _parse(text).goals
    assert (goal.plan, goal.plan_year) == ("Budget 2022", 2022)
