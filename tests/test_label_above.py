"""A label alone on its line and the statement below it: an unruled two-column table read as lines.

The cases are the conventions of service standards and plans printed from Word (`Formål` /
`At borgeren …` / `Resultat mål` / `At råd og vejledning …` / `Ydelsens målgruppe` / …), written
here as small documents, as text and as PDF lines with their geometry.
"""

from __future__ import annotations

from models.records import DocLine, RawDocument, Verdict
from parsers.extract.goals import extract_goals
from parsers.extract.goals.label_above import label_above_goals
from parsers.layout import normalise
from parsers.readers.text import text_to_pages

SERVICE_STANDARD = """Kvalitetsstandard for råd og vejledning
Formål
At borgeren modtager råd og vejledning, der svarer til behovet.
Resultat mål
At råd og vejledning iværksættes hurtigst muligt og altid inden for 14 dage
efter henvendelse.
Ydelsens målgruppe
Borgere i kommunen, der har behov for råd og vejledning
Succeskriterium
Mindst 90 % af borgerne oplever, at de har fået den vejledning, de havde brug for.
Status
I 2024 svarede 87 % i brugerundersøgelsen, at de havde fået den vejledning, de havde brug for.
Målopfyldelse
Målet er ikke nået.
Lovgrundlag
Lov om social service § 10
"""


def _goals(text: str):  # type: ignore[no-untyped-def]
    doc = normalise(RawDocument(path="x.txt", format="text", reader="text", pages=text_to_pages(text, "text")))
    return extract_goals(doc, [])[0]


def test_label_above_statement_in_text() -> None:
    goals = _goals(SERVICE_STANDARD)
    assert [g.text for g in goals] == [
        "At råd og vejledning iværksættes hurtigst muligt og altid inden for 14 dage efter henvendelse.",
        "Mindst 90 % af borgerne oplever, at de har fået den vejledning, de havde brug for."]
    assert goals[0].verdict is Verdict.none and goals[0].status_text is None
    assert goals[1].status_text and goals[1].status_text.startswith("I 2024 svarede 87 %")
    assert goals[1].verdict is Verdict.not_met


def _pdf_lines(rows: list[tuple[float, str]], italic: set[int] | None = None) -> list[DocLine]:
    out, pos = [], 0
    for n, (x0, text) in enumerate(rows):
        out.append(DocLine(text=text, page=1, start=pos, end=pos + len(text), x0=x0, x1=min(x0 + 5.2 * len(text), 540),
                           italic=n in (italic or set())))
        pos += len(text) + 1
    return out


def test_label_above_statement_by_pdf_geometry() -> None:
    """The statement in the right column, wrapped over lines that start with a capital; the next label at the
    label's left edge ends it, whatever its words."""
    lines = _pdf_lines([
        (57, "Formål"), (193, "At borgeren modtager den hjælp, der svarer til behovet."),
        (57, "Resultat mål"), (193, "At råd og vejledning iværksættes hurtigst muligt og altid inden for"),
        (193, "14 dage efter henvendelse. At borgerne i Lejre Kommune"),
        (193, "Kommune oplever en ensartet sagsbehandling."),
        (57, "Krav til leverandøren og ydelsens indhold i øvrigt"),
        (193, "Leverandøren skal være godkendt."),
    ])
    (goal,) = label_above_goals(lines)
    assert goal.text.startswith("At råd og vejledning") and goal.text.endswith("ensartet sagsbehandling.")


def test_a_label_heading_over_several_goals_is_no_goal_of_its_own() -> None:
    """`Mål` as a heading over three italic goals is a heading: the three are the goals."""
    text = ("Status på målene. Målene er nedenfor angivet med kursiv.\n\nMål\n"
            "*alle unge er i gang enten i uddannelse, job eller anden beskæftigelse.*\n"
            "*95 procent af de unge gennemfører en ungdomsuddannelse.*\n"
            "*de unges ungdomsuddannelse fører til job eller videreuddannelse.*\n\nIndstilling\n")
    doc = normalise(RawDocument(path="x.md", format="markdown", reader="text", pages=text_to_pages(text, "text")))
    goals = extract_goals(doc, [])[0]
    assert len(goals) == 3 and goals[1].text.startswith("95 procent")


def test_label_over_prose_or_a_list_is_no_label_row() -> None:
    """A `Mål` heading over a paragraph that runs into prose, over a bullet list, or over an intro, and the
    theme notes of a workshop (`Målfastsættelse:`), are not label rows."""
    assert not label_above_goals(_pdf_lines([
        (57, "Mål"), (57, "Udvalget drøftede, hvordan målene for næste år kan formuleres, og hvem der"),
        (57, "skal inddrages i arbejdet med dem."), (57, "Forvaltningen udarbejder et oplæg til næste møde, hvor"),
        (57, "også økonomien drøftes."),
    ]))
    text = ("Mål\nDet er Byrådets mål, at:\n• alle unge er i gang med en uddannelse\n• flere får et job\n\n"
            "Workshop om målene\nMålfastsættelse:\nDeltagerne drøftede, hvilke mål der giver mening.\n"
            "Næste skridt\nForvaltningen samler op.\n")
    doc = normalise(RawDocument(path="x.txt", format="text", reader="text", pages=text_to_pages(text, "text")))
    assert not label_above_goals(doc.lines)


def test_italic_goal_wrapped_before_a_long_word_is_one_goal() -> None:
    """A line that ends short only because the next word (`gennemsnitligt`) did not fit goes on; a lower-case
    statement after a closed one starts a new goal; a wrapped `9. eller 10. klasse` is no list item."""
    from parsers.extract.goals.typography import typography_goals

    rows = [(57, "Status på målene. Målene er nedenfor angivet med kursiv.", False),
            (57, "Antallet af fuldtidspersoner på offentlig forsørgelse skal i 2019 højest at være 3.760", True),
            (57, "gennemsnitligt 4.000 fuldtidspersoner over hele året.", True),
            (57, "Status: Der var 3.810 fuldtidspersoner i 2019.", False),
            (57, "Mindst 35 % af en ungdomsårgang skal vælge en erhvervsuddannelse direkte efter", True),
            (57, "9. eller 10. klasse.", True),
            (57, "Status: 32 % valgte en erhvervsuddannelse.", False)]
    lines, pos = [], 0
    for x0, text, italic in rows:
        width = 4.75 * len(text) if italic else 5.2 * len(text)
        x1 = 539.0 if text.endswith("direkte efter") else x0 + width
        lines.append(DocLine(text=text, page=1, start=pos, end=pos + len(text), x0=x0, x1=x1, italic=italic))
        pos += len(text) + 1
    assert lines[1].x1 is not None and lines[1].x1 < 539 - 40  # short: the long word went to the next line
    goals = typography_goals(lines)
    assert [g.text for g in goals] == [
        "Antallet af fuldtidspersoner på offentlig forsørgelse skal i 2019 højest at være 3.760 gennemsnitligt "
        "4.000 fuldtidspersoner over hele året.",
        "Mindst 35 % af en ungdomsårgang skal vælge en erhvervsuddannelse direkte efter 9. eller 10. klasse."]


def test_the_slides_give_no_goals() -> None:
    """Presentation slides: short lines, labels and figures everywhere, and no goal (corpus, text and PDF)."""
    import pytest

    from parsers.parse import parse_file
    from tests.conftest import CORPUS

    paths = [CORPUS / "text" / "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt",
             CORPUS / "pdf" / "norddjurs_arbejdsmarkedsafdelingen_slides_2023.pdf"]
    if not all(p.exists() for p in paths):
        pytest.skip("the corpus is not beside the project (../shared/corpus)")
    for path in paths:
        assert parse_file(path).goals == [], path.name


def test_colon_labels_and_a_second_at_sentence_stay_with_their_row() -> None:
    text = ("Kvalitetsstandard\nFormål:\nAt borgeren modtager råd og vejledning.\nResultatmål:\n"
            "At råd og vejledning iværksættes hurtigst muligt og altid inden for 14 dage\nefter henvendelse.\n"
            "At borgeren oplever en ensartet sagsbehandling.\nYdelsens målgruppe:\nBorgere i kommunen\n")
    (goal,) = _goals(text)
    assert goal.text == ("At råd og vejledning iværksættes hurtigst muligt og altid inden for 14 dage efter "
                         "henvendelse. At borgeren oplever en ensartet sagsbehandling.")


def test_label_and_statement_in_rows_of_their_own() -> None:
    """A Word table whose label cell and statement cell sit in rows of their own (each row one filled cell)."""
    text = ("Kvalitetsstandard for råd og vejledning\n\nFormål\t\n\tAt borgeren modtager råd og vejledning.\n"
            "Resultat mål\t\n\tAt råd og vejledning iværksættes hurtigst muligt og altid inden for 14 dage efter "
            "henvendelse.\nYdelsens målgruppe\t\n\tBorgere i kommunen\n\nLovgrundlag: Serviceloven.\n")
    (goal,) = _goals(text)
    assert goal.text.startswith("At råd og vejledning") and goal.text.endswith("efter henvendelse.")


def test_the_last_row_of_a_table_that_ends_its_document_or_item() -> None:
    text = "Formål\nAt borgeren får hjælp.\nResultat mål\nAt 90 % af henvendelserne besvares inden for 14 dage.\n"
    (goal,) = _goals(text)
    assert goal.text == "At 90 % af henvendelserne besvares inden for 14 dage."
    (goal,) = _goals(text + "Beslutning\nGodkendt.\n")
    assert goal.text == "At 90 % af henvendelserne besvares inden for 14 dage."
