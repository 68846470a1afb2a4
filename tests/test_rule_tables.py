"""Tables ruled only between their rows (no column lines) are read as cells, in both PDF readers.

The PDFs are drawn here with fpdf2 the way Word and report generators draw such tables: one
full-width line between rows (no per-cell segments, so the columns must come from the text),
no rule above the header or below the last row, two tables of one width with a heading between
them, and a page whose letterhead and footer rules have the same width as the tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.parse import parse_raw
from parsers.readers.pdf import read_pdf
from parsers.readers.rules import implied_edges
from tests.helpers_pdf import table_rows

COLUMNS = (20.0, 95.0, 160.0)  # mm: statement, status, verdict
ROWS = [
    [("Mål", "Status", "Vurdering")],
    [("1.1 Flere ledige skal i job inden", "63 % var i job efter", "Målet er nået"),
     ("for seks måneder.", "seks måneder.", "")],
    [("1.2 Færre unge skal være på", "Andelen steg til 9,1 %.", "Målet er ikke nået"),
     ("offentlig forsørgelse.", "", "")],
    [("1.3 Sygefraværet skal under 5 %.", "5,8 % i 2024.", "Delvist")],
]


def _table(pdf: FPDF, rows: list[list[tuple[str, str, str]]], line_gap: float = 4.2) -> None:
    """Rows of text lines, a full-width rule between two rows, none above the first or below the last."""
    for n, row in enumerate(rows):
        if n:
            y = pdf.get_y() + 1.2
            pdf.line(COLUMNS[0] - 2, y, 190, y)
            pdf.set_y(y + 1.6)
        for texts in row:
            y = pdf.get_y()
            for x, text in zip(COLUMNS, texts, strict=True):
                pdf.set_xy(x, y)
                pdf.cell(0, line_gap, text)
            pdf.set_y(y + line_gap)


def _minutes(path: Path) -> Path:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.set_y(12)
    pdf.cell(0, 5, "Beskæftigelsesudvalget - Referat")
    pdf.line(18, 18, 190, 18)  # letterhead rule, the tables' width
    pdf.set_y(24)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Opfølgning på beskæftigelsesplanen 2024")
    pdf.set_y(34)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(170, 5, "Nedenfor følger status på målene i beskæftigelsesplanen 2024, som udvalget "
                           "vedtog i december. Tabellen viser målet, status og forvaltningens vurdering.")
    pdf.ln(4)
    _table(pdf, ROWS)
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Tema 2: Virksomhedsservice og rekruttering af arbejdskraft til virksomhederne")
    pdf.ln(9)
    pdf.set_font("Helvetica", "", 10)
    _table(pdf, [[("Mål", "Status", "Vurdering")],
                 [("2.1 Flere virksomheder skal bruge jobcentret.", "412 virksomheder.", "Målet er nået")],
                 [("2.2 Flere praktikpladser skal oprettes.", "Uændret.", "Målet er ikke nået")]])
    pdf.set_y(270)
    pdf.line(18, 268, 190, 268)  # footer rule, the same width again
    pdf.cell(0, 5, "Side 1 af 1")
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("reader", ["pypdfium2", "pdfplumber"])
def test_rows_become_cells_in_both_readers(tmp_path: Path, reader: str) -> None:
    rows, texts = table_rows(_minutes(tmp_path / "regler.pdf"), reader)
    assert rows[0] == ("Mål", "Status", "Vurdering")
    assert rows[1] == ("1.1 Flere ledige skal i job inden for seks måneder.", "63 % var i job efter seks måneder.",
                       "Målet er nået")
    assert rows[3] == ("1.3 Sygefraværet skal under 5 %.", "5,8 % i 2024.", "Delvist")
    # the heading between the two tables and the page's own rules stay text, not rows
    assert ("Mål", "Status", "Vurdering") == rows[4]
    assert len(rows) == 7
    assert any(t.startswith("Tema 2: Virksomhedsservice") for t in texts)
    assert any(t.startswith("Beskæftigelsesudvalget") for t in texts)


def test_goals_and_verdicts_from_a_rules_only_table(tmp_path: Path) -> None:
    parsed = parse_raw(read_pdf(_minutes(tmp_path / "regler.pdf")))
    found = {g.text: g.verdict.value for g in parsed.goals}
    assert found == {
        "Flere ledige skal i job inden for seks måneder.": "met",
        "Færre unge skal være på offentlig forsørgelse.": "not_met",
        "Sygefraværet skal under 5 %.": "partly_met",
        "Flere virksomheder skal bruge jobcentret.": "met",
        "Flere praktikpladser skal oprettes.": "not_met",
    }


def _box(x0: float, top: float, text: str) -> tuple[float, float, float, float]:
    return (x0, top, x0 + 5.0 * len(text), top + 10.0)


def _rule(top: float, x0: float = 50.0, x1: float = 550.0) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": top, "width": x1 - x0, "height": 0.0, "orientation": "h",
            "object_type": "line"}


def test_prose_between_rules_of_one_width_is_no_table() -> None:
    """A letterhead rule and a footer rule around ordinary paragraphs imply nothing."""
    boxes = []
    for k in range(20):
        top = 100.0 + 14 * k + (10 if k % 5 == 0 else 0)
        x = 50.0
        for word in ("Udvalget", "drøftede", "sagen", "og", "besluttede", "at", "sende", "den", "videre"):
            boxes.append(_box(x, top, word))
            x += 5.0 * len(word) + 3.0
    assert implied_edges([_rule(80.0), _rule(420.0)], boxes, 600.0) == []


def test_columns_come_from_segment_cuts_when_the_rules_are_cut() -> None:
    """Per-cell borders (Word, fpdf2) cut every rule where the columns meet: those are the boundaries,
    even where a cell's text would leave a wider gap elsewhere."""
    edges = []
    for top in (120.0, 140.0):
        edges += [_rule(top, 50.0, 250.0), _rule(top, 250.0, 550.0)]
    boxes = [_box(55, 105, "Mål"), _box(255, 105, "Status"),
             _box(55, 125, "Flere"), _box(255, 125, "Nået"),
             _box(55, 145, "Færre"), _box(255, 145, "Ikke")]
    xs = sorted({round(e["x0"], 1) for e in implied_edges(edges, boxes, 600.0) if e["orientation"] == "v"})
    assert xs == [50.0, 250.0, 550.0]


_coord = st.floats(min_value=0, max_value=600, allow_nan=False)


@given(rules=st.lists(st.tuples(_coord, _coord, _coord), max_size=12),
       boxes=st.lists(st.tuples(_coord, _coord, st.floats(min_value=0.5, max_value=80), st.floats(0.5, 20)),
                      max_size=60))
@settings(max_examples=300, deadline=None)
def test_any_rules_and_text_give_edges_inside_the_rules(rules: list, boxes: list) -> None:
    """Whatever a page draws, implying column lines ends in edges (never an exception), and every implied
    vertical line stands within the horizontal extent of the rules it was implied from."""
    edges = [_rule(top, min(a, b), max(a, b) + 1.0) for a, b, top in rules]
    glyphs = [(x, top, x + w, top + h) for x, top, w, h in boxes]
    implied = implied_edges(edges, glyphs, 600.0)
    lo = min((e["x0"] for e in edges), default=0.0)
    hi = max((e["x1"] for e in edges), default=0.0)
    for e in implied:
        assert e["orientation"] in ("h", "v") and e["top"] <= e["bottom"]
        assert lo - 1e-6 <= e["x0"] <= e["x1"] <= hi + 1e-6
