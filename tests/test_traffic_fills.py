"""A status cell that is only a colour (a filled cell or a coloured dot) is read as its traffic light.

Drawn here with fpdf2 as follow-up tables are: a ruled grid whose `Trafiklys` column holds no text,
only green, yellow and red fills or dots; the header row is shaded grey, which is no verdict.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.parse import parse_raw
from parsers.readers.colours import colour_to_rgb, traffic_word
from parsers.readers.pdf import read_pdf
from tests.helpers_pdf import table_rows

ROWS = [
    ("1.1 Flere ledige skal i job inden for seks måneder.", "63 % i job.", (0, 166, 81), "cell"),
    ("1.2 Sygefraværet skal under 5 % i 2024.", "5,4 % i 2024.", (255, 192, 0), "dot"),
    ("1.3 Færre unge skal være på offentlig forsørgelse.", "Andelen steg.", (220, 30, 30), "cell"),
    ("1.4 Flere virksomheder skal bruge jobcentret.", "Ikke opgjort.", None, "cell"),
]


def _follow_up(path: Path) -> Path:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Opfølgning på beskæftigelsesplanen 2024", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_fill_color(200, 200, 200)  # grey header shading: not a traffic light
    for width, text in ((100, "Mål"), (50, "Status"), (30, "Trafiklys")):
        pdf.cell(width, 9, text, border=1, fill=True)
    pdf.ln(9)
    pdf.set_font("Helvetica", "", 9)
    for statement, status, colour, shape in ROWS:
        y = pdf.get_y()
        pdf.cell(100, 9, statement[:60], border=1)
        pdf.cell(50, 9, status, border=1)
        x = pdf.get_x()
        if colour is not None:
            pdf.set_fill_color(*colour)
            if shape == "cell":
                pdf.rect(x, y, 30, 9, style="F")
            else:
                pdf.ellipse(x + 12, y + 2, 5, 5, style="F")
        pdf.cell(30, 9, "", border=1)
        pdf.ln(9)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("reader", ["pypdfium2", "pdfplumber"])
def test_colour_only_cells_read_as_traffic_lights(tmp_path: Path, reader: str) -> None:
    rows, _ = table_rows(_follow_up(tmp_path / "trafiklys.pdf"), reader)
    assert rows[0] == ("Mål", "Status", "Trafiklys")
    assert [r[2] if len(r) > 2 else "" for r in rows[1:]] == ["grøn", "gul", "rød", ""]


def test_traffic_light_cells_become_verdicts(tmp_path: Path) -> None:
    parsed = parse_raw(read_pdf(_follow_up(tmp_path / "trafiklys.pdf")))
    verdicts = {g.goal_id: (g.verdict.value, g.verdict_text) for g in parsed.goals}
    assert verdicts == {"1.1": ("met", "grøn"), "1.2": ("partly_met", "gul"), "1.3": ("not_met", "rød"),
                        "1.4": ("none", None)}


def test_colour_words() -> None:
    assert traffic_word(0.0, 0.65, 0.32) == "grøn"
    assert traffic_word(1.0, 0.75, 0.0) == "gul"
    assert traffic_word(0.86, 0.12, 0.12) == "rød"
    assert traffic_word(0.78, 0.78, 0.78) is None  # grey shading
    assert traffic_word(0.2, 0.4, 0.9) is None  # blue header
    assert traffic_word(0.95, 0.97, 0.93) is None  # pale banding
    assert colour_to_rgb((0.0, 0.0, 1.0, 0.0)) == (1.0, 1.0, 0.0)  # CMYK yellow
    assert colour_to_rgb("pattern1") is None  # type: ignore[arg-type]


def _html(path: Path) -> Path:
    path.write_text("""<html><body><h2>Opfølgning på beskæftigelsesplanen 2024</h2>
<table><tr><th>Mål</th><th>Status</th><th>Trafiklys</th></tr>
<tr><td>1.1 Flere ledige skal i job inden for seks måneder.</td><td>63 % i job.</td>
    <td style="background-color: #00B050"></td></tr>
<tr><td>1.2 Sygefraværet skal under 5 % i 2024.</td><td>5,4 % i 2024.</td>
    <td><span style="color: orange">&#9679;</span></td></tr>
<tr><td>1.3 Færre unge skal være på offentlig forsørgelse.</td><td>Andelen steg.</td><td bgcolor="red"></td></tr>
<tr><td>1.4 Flere virksomheder skal bruge jobcentret.</td><td>Ikke opgjort.</td>
    <td style="background:#dddddd"></td></tr>
</table></body></html>""", encoding="utf-8")
    return path


def _docx(path: Path) -> Path:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    doc = Document()
    doc.add_heading("Opfølgning på beskæftigelsesplanen 2024", level=2)
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Mål", "Status", "Trafiklys"), strict=True):
        cell.text = text
    for statement, status, colour, shape in ROWS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = statement, status
        if colour is None:
            continue
        hex_colour = "".join(f"{c:02X}" for c in colour)
        if shape == "dot":
            cells[2].paragraphs[0].add_run("●").font.color.rgb = RGBColor(*colour)
        else:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:fill"), hex_colour)
            cells[2]._tc.get_or_add_tcPr().append(shd)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("make", [_html, _docx], ids=["html", "docx"])
def test_colour_only_cells_in_html_and_word(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    from parsers.readers import read_document

    path = make(tmp_path / ("trafiklys.html" if make is _html else "trafiklys.docx"))
    parsed = parse_raw(read_document(path))
    verdicts = {g.goal_id: (g.verdict.value, g.verdict_text) for g in parsed.goals}
    assert verdicts == {"1.1": ("met", "grøn"), "1.2": ("partly_met", "gul"), "1.3": ("not_met", "rød"),
                        "1.4": ("none", None)}


@pytest.mark.parametrize("reader", ["pypdfium2", "pdfplumber"])
def test_a_coloured_symbol_alone_in_a_pdf_cell(tmp_path: Path, reader: str) -> None:
    """A green or red `•` printed as text (Word's traffic-light bullets) reads as its colour; a black one
    stays itself."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # as Word's PDF export: the bullet is in the font's encoding
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    for statement, colour in (("Mål", None), ("1.1 Flere skal i job.", (0, 150, 70)),
                              ("1.2 Færre skal på ydelse.", (210, 20, 20)), ("1.3 Flere i uddannelse.", (0, 0, 0))):
        pdf.set_text_color(0, 0, 0)
        pdf.cell(100, 9, statement, border=1)
        pdf.cell(40, 9, "Status" if colour is None else "Se note", border=1)
        if colour is not None:
            pdf.set_text_color(*colour)
        pdf.cell(30, 9, "Trafiklys" if colour is None else "•", border=1, align="C")
        pdf.ln(9)
    path = tmp_path / "prikker.pdf"
    pdf.output(str(path))
    rows, _ = table_rows(path, reader)
    assert [r[2] for r in rows] == ["Trafiklys", "grøn", "rød", "•"]
