"""Each reader on a real or hand-made file: pages of lines, with cells and font flags kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.readers import read_document
from parsers.readers.errors import ReadError
from parsers.readers.html import html_to_lines
from parsers.readers.pdf import read_pdf
from parsers.readers.text import text_to_pages
from tests.conftest import corpus_path


def test_text_reader_keeps_tab_cells_and_form_feed_pages() -> None:
    pages = text_to_pages("Mål 1.1\tAntallet af sager reduceres.\nStatus\tI 2023 blev 10 sager sendt.\fSide to", "text")
    assert len(pages) == 2
    assert pages[0].lines[0].cells == ("Mål 1.1", "Antallet af sager reduceres.")
    assert pages[1].lines[0].text == "Side to" and pages[1].number == 2


def test_text_reader_decodes_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "gammel.txt"
    path.write_bytes("Målopfyldelse: Målet er nået".encode("cp1252"))
    doc = read_document(path)
    assert doc.pages[0].lines[0].text == "Målopfyldelse: Målet er nået"


def test_html_reader_marks_italics_headings_and_table_rows() -> None:
    lines = html_to_lines(
        "<html><body><h2>2. Klimaplan</h2><p>Indledning. <em>Målet er, at udledningen reduceres med 70 %.</em></p>"
        "<table><tr><td>Status</td><td>41 % lavere</td></tr></table></body></html>")
    texts = [ln.text for ln in lines]
    assert texts[0] == "2. Klimaplan" and lines[0].bold
    assert any(ln.italic and "70 %" in ln.text for ln in lines)
    assert lines[-1].cells == ("Status", "41 % lavere")


def test_pdf_reader_reads_ruled_table_by_cells() -> None:
    doc = read_document(corpus_path("pdf", "norddjurs_opfoelgning_2023-2024_tabel.pdf"))
    rows = [ln.cells for p in doc.pages for ln in p.lines if ln.cells]
    wrapped = [r for r in rows if r[0].startswith("Mål 5.2 – Ansættelser")]
    assert wrapped, "the wrapped left-column cell must stay one cell"
    assert "vilkår" in wrapped[0][0].replace("\n", " ")
    assert wrapped[0][1].startswith("At Arbejdsmarkedsafdelingen")


def test_pdf_reader_reads_cid_page_with_lines_and_fonts() -> None:
    """pdfplumber gives `(cid:NNN)` on Aarhus page 11; pdfium reads the words, with boxes and fonts."""
    path = corpus_path("pdf-real", "aarhus_byraad_2025-08-27.pdf")
    doc = read_document(path)
    assert len(doc.pages) == 28 and doc.reader == "pypdfium2"
    assert not any("(cid:" in ln.text for p in doc.pages for ln in p.lines)
    line = next(ln for ln in doc.pages[10].lines if "november 2023" in ln.text)
    assert line.bbox is not None and line.size and not line.bold
    old = read_pdf(path, prefer="pdfplumber")
    assert old.pages[10].reader == "pypdfium2" and any("cid" in w for w in old.warnings)


def test_pdf_reader_keeps_font_flags() -> None:
    doc = read_document(corpus_path("pdf-real", "aarhus_byraad_2025-08-27.pdf"))
    heading = next(ln for ln in doc.pages[2].lines if ln.text.startswith("Punkt 1:"))
    assert heading.bold and heading.size and heading.size > 12
    assert heading.bbox is not None


def test_empty_file_is_refused_with_kind(tmp_path: Path) -> None:
    path = tmp_path / "tom.pdf"
    path.write_bytes(b"")
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.kind == "empty"
