"""Layout clean-up rules, each on a string or a page, plus the real running headers."""

from __future__ import annotations

import pytest

from models.records import Line, Page, RawDocument
from parsers.layout import join_hyphenated, normalise
from parsers.readers import read_document
from tests.conftest import corpus_path


@pytest.mark.parametrize(("first", "second", "joined"), [
    ("mellem Rehabiliteringsteamet og Pen-", "sionsnævnet", "mellem Rehabiliteringsteamet og Pensionsnævnet"),
    ("orientering om ny 2030-", "fremskrivning", "orientering om ny 2030-fremskrivning"),
    ("parkering i kommunale P-", "huse", "parkering i kommunale P-huse"),
    ("Sundheds-", "og Forebyggelsesudvalget", "Sundheds- og Forebyggelsesudvalget"),
    ("medlemmer af en a-", "kasse", "medlemmer af en a-kasse"),
    ("Der oprettes 10 IGU-", "pladser", "Der oprettes 10 IGU-pladser"),
    ("Målet er endnu ikke nået ved denne opfølg-", "ning", "Målet er endnu ikke nået ved denne opfølgning"),
    ("per 17 - 66-", "årig", "per 17 - 66-årig"),
    ("uddannelses- eller", "jobforberedende", "uddannelses- eller jobforberedende"),
])
def test_hyphenation(first: str, second: str, joined: str) -> None:
    assert join_hyphenated(first, second) == joined


def _doc(pages: list[list[str]]) -> RawDocument:
    return RawDocument(path="x.pdf", format="pdf", reader="test", pages=[
        Page(number=n, lines=[Line(text=t, page=n) for t in lines]) for n, lines in enumerate(pages, start=1)])


def test_running_header_and_page_stamps_dropped() -> None:
    pages = [["Udvalget 29-08-2024", f"Tekst på side {n} om mål.", "Mere tekst her.", f"Side {n} af 3"]
             for n in range(1, 4)]
    doc = normalise(_doc(pages))
    assert "Udvalget 29-08-2024" not in doc.text
    assert "Side" not in doc.text
    assert "Tekst på side 2 om mål." in doc.text


def test_hyphen_across_page_break_and_offsets() -> None:
    doc = normalise(_doc([["Overskrift", "antallet af sa-"], ["Overskrift", "ger reduceres."]]))
    assert "antallet af sager" in doc.text
    for line in doc.lines:
        assert doc.text[line.start:line.end] == line.text
    assert doc.lines[-1].page == 2


def test_footer_inside_flowing_text_dropped() -> None:
    raw = RawDocument(path="x.txt", format="text", reader="text", pages=[Page(number=1, lines=[
        Line(text=t, page=1) for t in ["Drøftet.", "", " Norddjurs Beskæftigelsesråd 29-08-2024 ", "", "5", "",
                                       "3.  Opfølgning på mål"]])])
    doc = normalise(raw)
    assert "29-08-2024" not in doc.text and "\n5\n" not in doc.text
    assert "3.  Opfølgning på mål" in doc.text


def test_ballerup_five_line_header_removed() -> None:
    doc = normalise(read_document(corpus_path("pdf-real", "ballerup_sfu_referat_2012-12-04_edoc.pdf")))
    assert "Dato: 04.12.2012" not in doc.text
    assert not any(line.text.startswith("Side ") for line in doc.lines)
    assert "Sagsnr.: 2012-28504" in doc.text


def test_table_rows_become_tab_separated_lines() -> None:
    doc = normalise(read_document(corpus_path("pdf", "norddjurs_opfoelgning_2023-2024_tabel.pdf")))
    row = next(ln for ln in doc.lines if ln.text.startswith("Mål 1.1\t"))
    assert row.is_table_row
    assert row.text.split("\t")[1].startswith("Antallet af sager, der vandrer mellem Rehabiliteringsteamet og "
                                              "Pensionsnævnet")
