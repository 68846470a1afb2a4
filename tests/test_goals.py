"""Goal extraction on strings (each layout alone) and on the real Norddjurs follow-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.records import RawDocument, Verdict
from parsers.extract.goals import extract_goals, split_title
from parsers.extract.verdicts import normalise_verdict
from parsers.layout import normalise
from parsers.parse import parse_file
from parsers.readers.text import text_to_pages
from tests.conftest import corpus_path

ROOT = Path(__file__).resolve().parent.parent


def _goals(text: str):  # type: ignore[no-untyped-def]
    doc = normalise(RawDocument(path="x.txt", format="text", reader="text", pages=text_to_pages(text, "text")))
    return extract_goals(doc, [])


@pytest.mark.parametrize(("phrase", "verdict", "expectation"), [
    ("Målet er ikke nået.", Verdict.not_met, None),
    ("Målet er endnu ikke nået ved denne opfølgning", Verdict.not_met, None),
    ("Målet er nået ved denne opfølgning", Verdict.met, None),
    ("Det er endnu for tidligt at følge op på målet", Verdict.too_early, None),
    ("Det er ikke muligt at følge op på målet pga. dataudfordringer.", Verdict.not_measurable, None),
    ("Målet er udgået.", Verdict.dropped, None),
    ("Målet forventes nået.", Verdict.expected_met, None),
    ("Målet forventes ikke at blive nået i 2025.", Verdict.expected_not_met, None),
    ("Målet er delvist opfyldt.", Verdict.partly_met, None),
    ("Målet er ikke nået, men forventes opfyldt i 2025.", Verdict.not_met, Verdict.expected_met),
    ("Se, hvordan det går (afventer data)", Verdict.not_measurable, None),
    ("Status følger i næste kvartal.", Verdict.none, None),
    ("Målet vurderes nået.", Verdict.met, None),
    ("Målet vurderes ikke at blive nået.", Verdict.expected_not_met, None),
    ("Målet er overopfyldt.", Verdict.met, None),
    ("Målet nås ikke i år.", Verdict.not_met, None),
    ("Målet er næsten nået.", Verdict.partly_met, None),
    ("Data foreligger endnu ikke.", Verdict.too_early, None),
])
def test_verdict_phrases(phrase: str, verdict: Verdict, expectation: Verdict | None) -> None:
    assert normalise_verdict(phrase) == (verdict, expectation)


@pytest.mark.parametrize(("cell", "title", "text"), [
    ("Fokusmål samtaler At mindst 80 % af borgerne", "Fokusmål samtaler", "At mindst 80 % af borgerne"),
    ("Samarbejde med de største virksomheder i Norddjurs Kommune Der oprettes forløb",
     "Samarbejde med de største virksomheder i Norddjurs Kommune", "Der oprettes forløb"),
    ("Bæredygtig indsats for uddannelseshjælpsmodtagere og FGU elever Andelen af unge",
     "Bæredygtig indsats for uddannelseshjælpsmodtagere og FGU elever", "Andelen af unge"),
    ("25 åriges uddannelsesniveau I 2030 skal mindst 90 %", "25 åriges uddannelsesniveau", "I 2030 skal mindst 90 %"),
])
def test_split_title_from_statement(cell: str, title: str, text: str) -> None:
    assert split_title(cell) == (title, text)


def test_tab_separated_follow_up_table() -> None:
    goals, _ = _goals(
        "Opfølgning på mål i Beskæftigelsesplan 2025\t\nFlere i job\t\n"
        "Mål 1.1 – Fokusmål samtaler\tAt mindst 85 % af borgerne har haft 4 samtaler\n"
        "Status\tI juni 2025 havde 86,1 % haft 4 samtaler\nMålopfyldelse\tMålet er nået\n"
        "Mål 1.2 – Tilbud\tAt mindst 70 % har haft et tilbud\nStatus\tData mangler\n"
        "Målopfyldelse\tDet er for tidligt at følge op\n")
    assert [(g.goal_id, g.title, g.verdict, g.theme, g.plan_year) for g in goals] == [
        ("1.1", "Fokusmål samtaler", Verdict.met, "Flere i job", 2025),
        ("1.2", "Tilbud", Verdict.too_early, "Flere i job", 2025)]
    assert goals[0].kind == "fokusmål"
    assert goals[0].status_text == "I juni 2025 havde 86,1 % haft 4 samtaler"


def test_line_broken_table_with_wrapped_title() -> None:
    goals, _ = _goals(
        "Opfølgning på lokale mål i Beskæftigelsesplan 2024\nFlere med handicap i job\n"
        "Mål 5.2 – Ansættelser på særlige vilkår\nmed Norddjurs Kommune som arbejdsgi-\nver\n"
        "At Arbejdsmarkedsafdelingen understøtter, at flere bliver ansat\n"
        "Status I maj 2024 var der 163 fleksjobansatte\n"
        "Målopfyldelse Målet er endnu ikke nået ved denne opfølg-\nning\n")
    (goal,) = goals
    assert goal.title == "Ansættelser på særlige vilkår med Norddjurs Kommune som arbejdsgiver"
    assert goal.text == "At Arbejdsmarkedsafdelingen understøtter, at flere bliver ansat"
    assert goal.verdict is Verdict.not_met and goal.verdict_text == "Målet er endnu ikke nået ved denne opfølgning"
    assert "table read as lines" in goal.confidence_reasons


def test_goal_id_mentioned_in_prose_is_not_a_goal() -> None:
    goals, _ = _goals("Udvalget besluttede at genoptage opgørelsen af mål 3.2 næste år.\n"
                      "Mål 3.2 bliver drøftet igen i januar.\n")
    assert goals == []


def test_prose_goal_with_closing_verdict_sentence() -> None:
    goals, _ = _goals("Målet er, at 90 % af de unge er i uddannelse efter 12 måneder. I 2024 var andelen 88,2 %. "
                      "Målet forventes nået.\n")
    (goal,) = goals
    assert goal.text.startswith("90 % af de unge")
    assert goal.verdict is Verdict.expected_met and goal.status_text == "I 2024 var andelen 88,2 %."
    assert goal.layout == "prose" and goal.confidence < 1


def test_list_goals_need_an_intro_that_names_them() -> None:
    listed, _ = _goals("To overordnede målsætninger\n• Der skal være 3000 flere borgere i 2030\n"
                       "• Andelen af tilfredse borgere skal stige til 80 % i 2030\n")
    assert len(listed) == 2 and listed[0].theme == "To overordnede målsætninger"
    strategies, _ = _goals("Aftalen indeholder fire satsninger:\n• Unge skal hurtigt i uddannelse\n"
                           "• Unge skal ikke falde fra uddannelsen\n")
    assert strategies == []


def test_slides_and_budget_minutes_yield_no_goals() -> None:
    assert parse_file(corpus_path("text", "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt")).goals == []
    assert parse_file(corpus_path("pages", "gribskov_amu-2013-09-25-referat.txt")).goals == []
    assert parse_file(corpus_path("pages", "holbaek_aeldre-sundhed-2020-06-04-referat.txt")).goals == []


@pytest.mark.parametrize("folder,suffix", [("text", "txt"), ("pdf", "pdf")])
def test_norddjurs_follow_ups(folder: str, suffix: str) -> None:
    parsed = parse_file(corpus_path(folder, f"norddjurs_beskaeftigelsesraad_2024-08-29.{suffix}"))
    by_year = {y: [g for g in parsed.goals if g.plan_year == y] for y in (2023, 2024)}
    assert len(by_year[2023]) == 25 and len(by_year[2024]) == 22
    assert all(g.agenda_item == "3" for g in by_year[2023]) and all(g.agenda_item == "4" for g in by_year[2024])
    g12 = next(g for g in by_year[2024] if g.goal_id == "1.2")
    assert (g12.title, g12.kind, g12.verdict) == ("Fokusmål samtaler", "fokusmål", Verdict.met)
    dropped = next(g for g in by_year[2023] if g.goal_id == "3.1.1")
    assert dropped.verdict is Verdict.dropped
    summaries = {s.agenda_item: s for s in parsed.summaries}
    assert summaries["4"].counts == {"met": 8, "not_met": 6, "too_early": 8}
    assert summaries["4"].mismatch, "the declared 8/6/8 disagrees with the table (9/5/8)"
    assert summaries["4"].extracted == {"met": 9, "not_met": 5, "too_early": 8}
    assert not summaries["3"].mismatch, "2023 agrees once the dropped goal is left out"


def test_demo_minutes_plant_a_mismatch() -> None:
    parsed = parse_file(ROOT / "data" / "raw" / "eksempel_beskaeftigelsesudvalget_2024-09-10.pdf")
    assert [g.goal_id for g in parsed.goals] == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2"]
    wrapped = next(g for g in parsed.goals if g.goal_id == "3.1")
    assert wrapped.title == "Ansættelser på særlige vilkår med Eksempel Kommune som arbejdsgiver"
    (summary,) = parsed.summaries
    assert summary.mismatch and summary.counts["met"] == 3 and summary.extracted["met"] == 2


def test_column_table_with_header_row() -> None:
    goals, _ = _goals(
        "Opfølgning på Sundhedspolitik 2022\nMål\tStatus\tMålopfyldelse\n"
        "1. Flere borgere skal være røgfri\tAndelen af rygere er faldet til 14 %\tDelvist opfyldt\n"
        "2. Mindst 60 % skal være fysisk aktive\tI 2022 var 58 % aktive\tIkke nået\n"
        "3. Ventetiden på genoptræning skal være under 2 uger\tVentetiden var 9 dage\tGrøn\n")
    assert [(g.goal_id, g.verdict) for g in goals] == [
        ("1", Verdict.partly_met), ("2", Verdict.not_met), ("3", Verdict.met)]
    assert goals[1].text == "Mindst 60 % skal være fysisk aktive"
    assert goals[1].status_text == "I 2022 var 58 % aktive"


def test_label_rows_without_goal_ids() -> None:
    goals, _ = _goals("Mål: Ventetiden på genoptræning skal under 14 dage\nStatus: 11 dage i 2024\n"
                      "Forventet målopfyldelse: Målet forventes nået\n")
    (goal,) = goals
    assert goal.goal_id is None and goal.text == "Ventetiden på genoptræning skal under 14 dage"
    assert goal.status_text == "11 dage i 2024" and goal.verdict is Verdict.expected_met


def test_a_duration_that_frames_a_target_is_its_window_not_the_target() -> None:
    """`Efter 4 måneders ledighed … en plan for 80 %`: the 80 % is the target a chart draws; a bounded
    duration (`indenfor 1 måned`) is a target itself."""
    goals, _ = _goals(
        "Opfølgning på Beskæftigelsesplan 2024\n"
        "Mål 2.1 – Planer\tEfter 4 måneders ledighed skal der foreligge en plan for 80 % af de ledige\n"
        "Status\t67,7 % havde en plan de sidste 12 måneder\nMålopfyldelse\tMålet er ikke nået\n"
        "Mål 4.2 – Hurtig plan\tBorgere på ledighedsydelse skal indenfor 1 måned have en plan\n"
        "Status\t20 % havde en plan\nMålopfyldelse\tMålet er ikke nået\n"
        "Mål 5.8 – Unge\tAndelen af unge, som 1 måned efter afsluttet forløb er i job, skal stige\n"
        "Status\tAndelen steg\nMålopfyldelse\tMålet er nået\n")
    roles = {g.goal_id: [(f.role, f.raw) for f in g.figures] for g in goals}
    assert roles["2.1"] == [("window", "4 måneders"), ("target", "80 %"), ("observed", "67,7 %"),
                            ("window", "12 måneder")]
    assert roles["4.2"] == [("target", "1 måned"), ("observed", "20 %")]
    assert roles["5.8"] == [("window", "1 måned")]
