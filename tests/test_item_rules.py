"""One test per item rule, on small strings: the agenda list as evidence, web numbering, numbered
lines that are not items, flattened transcripts. The layouts at scale: tests/test_item_variants.py."""

from __future__ import annotations

from models.records import AgendaItem, Document, RawDocument
from parsers.layout import normalise
from parsers.readers.text import text_to_pages
from parsers.split import split_items

HEADER = "Referat\nUdvalget for Beskæftigelse\nMødedato: 12.03.2024\n"


def _split(text: str) -> tuple[str, list[AgendaItem]]:
    doc: Document = normalise(RawDocument(path="x.txt", format="text", reader="text",
                                          pages=text_to_pages(text, "text")))
    return split_items(doc)


def _pairs(items: list[AgendaItem]) -> list[tuple[str, str]]:
    return [(i.number, i.title) for i in items]


def test_listed_items_without_a_body_are_stored_and_flagged() -> None:
    profile, items = _split(HEADER + "Punkter på dagsordenen\n1. Godkendelse af dagsorden\n2. Budget 2025\n"
                            "3. Eventuelt\n\nTil toppen\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("3", "Eventuelt")]
    assert profile == "agenda_list"
    assert all(i.listed_only and i.evidence == ["agenda_list"] for i in items)


def test_list_entries_pair_with_body_headings_by_number_and_title() -> None:
    _, items = _split(HEADER + "PUNKTER\n1. Godkendelse af dagsorden\n2. Budget 2025\n3. Eventuelt\n\n"
                      "2. Budget 2025\nSagsnr.: 24/17\nSagsfremstilling\nTekst.\nBeslutning\nGodkendt.\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("3", "Eventuelt")]
    assert [i.listed_only for i in items] == [True, False, True]
    assert items[1].evidence[:3] == ["agenda_list", "body_heading", "case_number"]
    assert items[1].decision == "Godkendt." and items[1].case_number == "24/17"


def test_contents_page_numbers_arabic_or_roman_are_not_title() -> None:
    _, items = _split(HEADER + "Indholdsfortegnelse\n1. Meddelelser ........ 3\n2. Budget 2015 ........ 4\n")
    assert _pairs(items) == [("1", "Meddelelser"), ("2", "Budget 2015")]
    _, items = _split(HEADER + "Indholdsfortegnelse Side\n1. Meddelelser iii\n2. Lokalplan 12 iv\n3. Eventuelt v\n")
    assert _pairs(items) == [("1", "Meddelelser"), ("2", "Lokalplan 12"), ("3", "Eventuelt")]


def test_wrapped_contents_entry_is_joined() -> None:
    _, items = _split(HEADER + "INDHOLDSFORTEGNELSE\nÅbent referat\n1. Meddelelser 3\n"
                      "2. Prioritering af midler til kronisk syge borgere for\nældre 10\n3. Eventuelt 12\n")
    assert _pairs(items)[1] == ("2", "Prioritering af midler til kronisk syge borgere for ældre")


def test_contents_heading_glued_to_its_first_entry() -> None:
    _, items = _split(HEADER + "Indholdsfortegnelse1. Fraværende\n2. Godkendelse af dagsorden\n")
    assert _pairs(items) == [("1", "Fraværende"), ("2", "Godkendelse af dagsorden")]


def test_a_date_after_the_dagsorden_heading_is_not_an_entry() -> None:
    _, items = _split("Dagsorden 8. oktober 2025 kl. 16.00\nByrådssalen\nMødedato: 8. oktober 2025\n")
    assert items == []


def test_pkt_tekst_table() -> None:
    _, items = _split(HEADER + "Pkt.\tTekst\n1\tGodkendelse af dagsorden\n2\tBudget 2025\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025")]


def test_short_lowercase_titles_count_when_the_list_names_them() -> None:
    _, items = _split(HEADER + "Dagsorden\n1. test\n2. test tabel\n\n1. test\nSagsnr.: 24/1\nBeslutning\nOk\n"
                      "2. test tabel\nSagsnr.: 24/2\nBeslutning\nOk\n")
    assert _pairs(items) == [("1", "test"), ("2", "test tabel")]
    assert not any(i.listed_only for i in items)


def test_web_numbering_bullets_time_slots_spaces_and_control_words() -> None:
    body = "Sagsnr.: 24/{n}\nSagsfremstilling\nTekst.\nBeslutning\nGodkendt.\n"
    text = HEADER + "".join(head + "\n" + body.format(n=n) for n, head in enumerate([
        "• 1 Godkendelse af dagsorden", "- 2. Budget 2025 (kl. 12.00-12.05)", "3.      Skolestruktur",
        "81. Lokalplan 1221 Hent som PDF"], start=1))
    _, items = _split(text.replace("81. Lokalplan 1221 Hent som PDF\n", "4. Lokalplan 1221 Hent som PDF\n"
                                   "Udskriv\nTil toppen\n"))
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("3", "Skolestruktur"),
                             ("4", "Lokalplan 1221")]


def test_participants_decision_points_and_references_are_not_items() -> None:
    text = (HEADER + "Deltagere:\n1. Udvalgsformand Anne Holm (A)\n2. Næstformand Per Dahl (V)\n\n"
            "1. Godkendelse af dagsorden\nSagsfremstilling\nTekst.\nBeslutning\nUdvalget besluttede:\n"
            "1. Lokaludvalget udsatte sagen.\n2. Forvaltningen udarbejder et notat.\n"
            "2. Budget 2025\nSagsfremstilling\nTekst.\nBeslutning\nPunktet blev behandlet sammen med:\n"
            "4. Årsberetning 2023\n3. Regnskab 2023\nSagsfremstilling\nTekst.\nBeslutning\nGodkendt.\n"
            "4. Årsberetning 2023\nSagsfremstilling\nTekst.\nBeslutning\nGodkendt.\n")
    _, items = _split(text)
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("3", "Regnskab 2023"),
                             ("4", "Årsberetning 2023")]
    assert items[3].decision == "Godkendt."


def test_flattened_transcript_pages_are_cut_back_into_items() -> None:
    pages = [
        "Referat Udvalget for Beskæftigelse Mødedato: 12.03.2024 " + "Mødet blev holdt på rådhuset. " * 14,
        "2 Indholdsfortegnelse Side 1. Godkendelse af dagsorden 3 2. Budget 2015 3 3. Eventuelt 4",
        "3 1. Godkendelse af dagsorden Dok.nr.: 1965 Sagsid.: 14/40 Åben sag Beslutning Godkendt. "
        "2. Budget 2015 Dok.nr.: 1966 Sagsid.: 14/41 Åben sag Sagsfremstilling Tekst om budgettet. "
        "Beslutning Godkendt med bemærkninger.",
        "4 3. Eventuelt Dok.nr.: 1967 Sagsid.: 14/42 Åben sag Beslutning Intet.",
    ]
    _, items = _split("\f".join(pages))
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2015"), ("3", "Eventuelt")]
    assert [i.case_number for i in items] == ["14/40", "14/41", "14/42"]
    assert items[1].decision == "Godkendt med bemærkninger." and not any(i.listed_only for i in items)


def test_an_annex_contents_page_is_not_an_agenda() -> None:
    _, items = _split("Projektbeskrivelse\nIndhold\n1. Indledning 3\n2. Formål 4\n3. Succeskriterier 6\n\n"
                      "1. Indledning\nProjektet handler om et aktivitetscenter.\n")
    assert items == []


def test_a_numbered_list_under_a_heading_inside_an_item_is_no_agenda() -> None:
    _, items = _split(HEADER + "1. Godkendelse af dagsorden\nSagsnr.: 24/1\nBeslutning\nGodkendt.\n"
                      "2. Skoleplan\nSagsnr.: 24/2\nSagsfremstilling\nIndhold\n1. Skoler\n2. Veje\n"
                      "Beslutning\nGodkendt.\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Skoleplan")]


def test_a_list_header_row_with_more_columns() -> None:
    _, items = _split(HEADER + "Pkt.\tTekst\tSag\n1\tGodkendelse af dagsorden\t24/1\n2\tBudget 2025\t24/2\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025")]


def test_a_headless_list_at_the_top_of_a_cut_page() -> None:
    _, items = _split(HEADER + "Deltagere:\n1. Udvalgsformand Anne Holm (A)\n2. Næstformand Per Dahl (V)\n\n"
                      "1. Godkendelse af dagsorden\n2. Budget 2025\n3. Eventuelt\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("3", "Eventuelt")]
    assert all(i.listed_only for i in items)
    _, items = _split(HEADER + "1. Godkendelse af dagsorden\n2. Budget 2025\n")
    assert items == [], "two numbered lines alone are too little to call a list"


def test_a_contents_page_on_one_line_and_headings_with_their_labels_on_the_same_line() -> None:
    _, items = _split(HEADER + "2 Indholdsfortegnelse Side 1. Godkendelse af dagsorden 3 2. Budget 2015 3\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2015")]
    _, items = _split(HEADER + "1. Godkendelse af dagsorden Sagsnr.: 24/1 Åben sag\nBeslutning\nGodkendt.\n"
                      "2. Budget 2015 Sagsnr.: 24/2 Åben sag\nBeslutning\nGodkendt.\n")
    assert [(i.number, i.title, i.case_number) for i in items] == [
        ("1", "Godkendelse af dagsorden", "24/1"), ("2", "Budget 2015", "24/2")]


def test_list_entries_with_teasers_control_lines_and_glued_numbers() -> None:
    _, items = _split(HEADER + "Punkter på dagsordenen\n1.Godkendelse af dagsorden\nUdskriv | Del\n"
                      "2.Budget 2025\nForslag til budget for det kommende år.\n3.Eventuelt\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("3", "Eventuelt")]


def test_bodies_for_far_apart_listed_items_keep_their_bodies() -> None:
    titles = ["Godkendelse", "Budget", "Skoler", "Veje", "Havn", "Klima", "Kultur", "Idræt", "Eventuelt"]
    listing = "".join(f"{n}. {t}\n" for n, t in enumerate(titles, start=1))
    body = "{n}. {t}\nSagsfremstilling\nTekst.\nBeslutning\nGodkendt.\n"
    _, items = _split(HEADER + "Dagsorden\n" + listing + "\n" + body.format(n=1, t=titles[0])
                      + body.format(n=9, t=titles[8]))
    assert [i.number for i in items] == [str(n) for n in range(1, 10)]
    assert [i.number for i in items if not i.listed_only] == ["1", "9"]


def test_pkt_abbreviation_in_headings() -> None:
    _, items = _split(HEADER + "Pkt. 1: Godkendelse af dagsorden\nSagsnr.: 24/1\nBeslutning\nGodkendt.\n"
                      "Pkt. 2: Budget 2025\nSagsnr.: 24/2\nBeslutning\nGodkendt.\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025")]


def test_unnumbered_body_headings_take_their_numbers_from_the_list() -> None:
    _, items = _split(HEADER + "Dagsorden\n1. Godkendelse af dagsorden\n2. Budget 2025\n3. Eventuelt\n\n"
                      "Budget 2025\nSagsnr.: 24/2\nBeslutning\nGodkendt.\n"
                      "Eventuelt\nSagsnr.: 24/3\nBeslutning\nIntet.\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("3", "Eventuelt")]
    assert [i.case_number for i in items] == [None, "24/2", "24/3"]


def test_list_rows_that_carry_their_case_numbers() -> None:
    _, items = _split(HEADER + "Punkt\tTitel\n1\tGodkendelse af dagsorden EMN-2023-009832\tHent som PDF Kopier link\n"
                      "2\tForslag til budget 2026-2029 EMN-2025-008308 . Resume Vores hverdag leves der.\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Forslag til budget 2026-2029")]
    assert [(i.case_number, i.listed_only) for i in items] == [("EMN-2023-009832", False), ("EMN-2025-008308", False)]


def test_a_numbered_list_of_sentences_at_the_top_is_no_agenda() -> None:
    _, items = _split(HEADER + "Målene er:\n1. Flere unge skal i uddannelse.\n2. Færre skal være ledige.\n"
                      "3. Flere virksomheder skal samarbejde med jobcentret.\n")
    assert items == []


def test_lone_punkt_number_with_the_title_on_the_next_line() -> None:
    profile, items = _split(HEADER + "Punkt 1\nGodkendelse af dagsorden\nSagsnr.: 24/17\nSagsfremstilling\nTekst.\n"
                            "Beslutning\nGodkendt.\n\nPkt. 2\nBudget 2025 for ældreområdet og\nplejeboliger\n"
                            "Sag nr. 24/18\nIndstilling\nForvaltningen indstiller, at\n1. sagen drøftes\n"
                            "Beslutning\nGodkendt.\n\nDagsordenspunkt 3\nEventuelt\nBeslutning\nIntet.\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025 for ældreområdet og plejeboliger"),
                             ("3", "Eventuelt")]
    assert [i.case_number for i in items] == ["24/17", "24/18", None]
    assert [i.decision for i in items] == ["Godkendt.", "Godkendt.", "Intet."]


def test_a_lone_punkt_number_before_a_sentence_is_no_heading() -> None:
    _, items = _split(HEADER + "1. Budget 2025\nSagsnr.: 24/17\nBeslutning\nUdvalget henviste til\nPunkt 4\n"
                      "Sagen blev drøftet og sendt videre til byrådet med bemærkninger.\n")
    assert _pairs(items) == [("1", "Budget 2025")]


_UNNUMBERED = (HEADER + "Indholdsfortegnelse\nGodkendelse af dagsorden ........ 3\nBudget 2025 for ældreområdet og\n"
               "plejeboliger ........ 4\nLokalplan 12 ........ 5\nEventuelt ........ 6\n\n"
               "1. Godkendelse af dagsorden\nSagsnr.: 24/17\nBeslutning\nGodkendt.\n\n"
               "2. Budget 2025 for ældreområdet og plejeboliger\nSagsnr.: 24/18\nBeslutning\nGodkendt.\n")


def test_unnumbered_contents_entries_take_the_numbers_consecutive_bodies_imply() -> None:
    _, items = _split(_UNNUMBERED)
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025 for ældreområdet og plejeboliger"),
                             ("3", "Lokalplan 12"), ("4", "Eventuelt")]
    assert [i.listed_only for i in items] == [False, False, True, True]
    assert items[0].evidence[:2] == ["agenda_list", "body_heading"]


def test_unnumbered_contents_entries_invent_no_numbers() -> None:
    # the bodies skip a number in list order: the list only confirms them
    _, items = _split(_UNNUMBERED.replace("2. Budget 2025 for", "3. Budget 2025 for"))
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("3", "Budget 2025 for ældreområdet og plejeboliger")]
    assert not any(i.listed_only for i in items)
    # one body alone is no known start
    _, items = _split(_UNNUMBERED.split("\n2. Budget")[0] + "\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden")]
    # a body item the list does not name: the list is not the meeting's agenda
    _, items = _split(_UNNUMBERED + "\n3. Vejnavne\nSagsnr.: 24/19\nBeslutning\nGodkendt.\n")
    assert _pairs(items) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2025 for ældreområdet og plejeboliger"),
                             ("3", "Vejnavne")]
