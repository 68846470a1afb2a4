"""One test per layout profile, on small strings and on the real documents of that system."""

from __future__ import annotations

from models.records import Document
from parsers.layout import normalise
from parsers.meeting import extract_meeting
from parsers.readers import read_document
from parsers.readers.text import text_to_pages
from parsers.split import section_kind, split_items
from tests.conftest import corpus_path


def _text_doc(text: str) -> Document:
    from models.records import RawDocument
    return normalise(RawDocument(path="x.txt", format="text", reader="text", pages=text_to_pages(text, "text")))


def _split(path):  # type: ignore[no-untyped-def]
    doc = normalise(read_document(path))
    profile, items = split_items(doc)
    return doc, profile, items


def test_firstagenda_profile_on_aarhus() -> None:
    doc, profile, items = _split(corpus_path("pdf-real", "aarhus_byraad_2025-08-27.pdf"))
    assert profile == "firstagenda"
    assert [i.number for i in items] == [str(n) for n in range(1, 22)]
    assert items[1].title == ("Svar på forslag fra DD om principbeslutning om at sikre Havnens Perles fremtid "
                              "på Aarhus Ø")
    assert items[6].title.endswith("ny 2030-fremskrivning")
    assert items[1].case_number == "EMN-2025-003383"
    assert items[20].title == "Lukket: Køb af landbrugsejendom" and items[20].closed
    assert items[0].decision == "Godkendt."
    assert items[1].page_start == 4 and items[1].page_end == 5
    for item in items:
        assert doc.text[item.start:item.end].lstrip().startswith(f"Punkt {item.number}:")


def test_edoc_profile_on_ballerup() -> None:
    doc, profile, items = _split(corpus_path("pdf-real", "ballerup_sfu_referat_2012-12-04_edoc.pdf"))
    assert profile == "numbered"
    assert [i.number for i in items] == [str(n) for n in range(1, 9)]
    assert items[0].case_number == "2011-29298"
    assert items[1].decision == "Indstillingen godkendt"
    assert items[2].page_start == 6
    kinds = [s.kind for s in items[1].sections]
    assert {"summary", "case", "recommendation", "decision"} <= set(kinds)
    meeting = extract_meeting(doc, items, profile)
    assert meeting.body == "Sundheds- og Forebyggelsesudvalget"
    assert meeting.date == "2012-12-04" and meeting.time == "13:00"
    assert "Birte Kramhøft (F)" in meeting.participants


def test_acadre_profile_on_norddjurs_text() -> None:
    doc, profile, items = _split(corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt"))
    assert [i.number for i in items] == [str(n) for n in range(1, 8)], "Bilagsoversigt must not add items"
    assert all(i.case_number == "15.00.00.G01 24/11" for i in items)
    assert items[1].decision == "Drøftet."
    meeting = extract_meeting(doc, items, profile)
    assert (meeting.municipality, meeting.body, meeting.date) == ("Norddjurs", "Norddjurs Beskæftigelsesråd",
                                                                  "2024-08-29")


def test_markdown_profile_on_randers() -> None:
    doc, profile, items = _split(corpus_path("text", "randers_beskaeftigelsesudvalget_2024-12-03.txt"))
    assert [i.number for i in items] == [str(n) for n in range(122, 136)], "the TOC yields no items"
    assert items[10].title == "Lukket" and items[10].closed
    assert items[0].decision.startswith("Godkendt.")
    meeting = extract_meeting(doc, items, profile)
    assert meeting.place == "C.2.25" and meeting.time == "16:30"
    assert "Kasper Fuhr Christensen" in meeting.participants


def test_generic_fallback_yields_no_items_for_slides() -> None:
    _, profile, items = _split(corpus_path("text", "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt"))
    assert profile == "generic" and items == []


def test_numbered_list_inside_body_is_not_an_item() -> None:
    doc = _text_doc("1. Godkendelse af dagsorden\nSagsnr.: 2025-1\nBeslutning\nGodkendt.\n"
                    "2. Budget\nSagsnr.: 2025-2\nSagsfremstilling\nDer er tre spor:\n"
                    "2013. Det foreslås at gøre mere.\nBeslutning\nGodkendt.\n")
    _, items = split_items(doc)
    assert [(i.number, i.title) for i in items] == [("1", "Godkendelse af dagsorden"), ("2", "Budget")]


def test_toc_run_is_not_items() -> None:
    doc = _text_doc("Indhold\n1. Første sag\n2. Anden sag\n\n1. Første sag\nSagsnr.: 1\nBeslutning\nOk\n"
                    "2. Anden sag\nSagsnr.: 2\nBeslutning\nOk\n")
    _, items = split_items(doc)
    assert [i.number for i in items] == ["1", "2"]
    assert all(i.case_number for i in items)


def test_section_headings() -> None:
    assert section_kind("Beslutning i Norddjurs Beskæftigelsesråd den 29-08-2024") == "decision"
    assert section_kind("Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2") == "decision"
    assert section_kind("### **Beslutning**") == "decision"
    assert section_kind("Økonomiske konsekvenser") == "economy"
    assert section_kind("Beslutningen blev truffet efter en lang drøftelse af sagen.") is None


def test_generic_profile_finds_unnumbered_headings_with_case_numbers() -> None:
    doc = _text_doc("Referat\nGodkendelse af dagsorden\nSagsnr.: 2024-0017\nBeslutning\nGodkendt.\n\n"
                    "Ny skolestruktur\nSagsnr.: 2024-0018\nSagsfremstilling\nDer er fire skoler.\n")
    profile, items = split_items(doc)
    assert profile == "generic"
    assert [(i.number, i.title, i.case_number) for i in items] == [
        ("1", "Godkendelse af dagsorden", "2024-0017"), ("2", "Ny skolestruktur", "2024-0018")]


def test_punkt_plain_profile() -> None:
    doc = _text_doc("Punkt 3 Beskæftigelsesplan 2022\n\nBeslutningstema\nÆndringer til planen\nBeslutning\nGodkendt\n")
    profile, items = split_items(doc)
    assert profile == "punkt_plain" and [(i.number, i.title) for i in items] == [("3", "Beskæftigelsesplan 2022")]
