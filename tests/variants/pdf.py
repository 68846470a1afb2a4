"""Blocks to an A4 PDF with fpdf2: a running header and a page stamp on every page, real tables.

Helvetica in WinAnsi (cp1252) encoding, as Word's own PDF export of Danish minutes often is: it holds
æøå, the en dash, bullets and quotes of every gold text, needs no font file on the machine, and
costs nothing to load (an embedded TrueType font took a fifth of a second per document).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from tests.variants.document import Block, Heading, LabelRow, Para, Rendered, Table, TocLine

FONT = "Helvetica"
BODY_PT = 10
TABLE_PT = 8.5
HEADING_PT = {1: 15, 2: 13, 3: 11.5, 4: 10.5}
BORDERS = {"grid": "ALL", "rules": "HORIZONTAL_LINES", "none": "NONE"}


class _Minutes(FPDF):
    def __init__(self, running_header: str) -> None:
        super().__init__(format="A4")
        self.running_header = running_header
        self.core_fonts_encoding = "windows-1252"
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=20)
        # Fixed dates, so the same gold renders to the same bytes on every run.
        self.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))

    def header(self) -> None:
        self.set_font(FONT, "", 8)
        self.set_y(10)
        self.cell(0, 4, self.running_header, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_y(22)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.cell(0, 4, f"Side {self.page_no()} af {{nb}}", align="C")


def _style(bold: bool, italic: bool) -> str:
    return ("B" if bold else "") + ("I" if italic else "")


def _para(pdf: _Minutes, block: Para) -> None:
    size = block.size or BODY_PT
    pdf.set_font(FONT, _style(block.bold, block.italic), size)
    indent = 8 * block.indent
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, size * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.2)


def _toc_line(pdf: _Minutes, block: TocLine) -> None:
    """Dot leaders filling the line to the page number, the way word processors set a contents list."""
    pdf.set_font(FONT, "", BODY_PT)
    number = f" {block.page}"
    lines, line = [], ""
    for word in block.text.split():  # wrap by hand: fpdf's own wrapped lines come back re-encoded
        if line and pdf.get_string_width(f"{line} {word}") > pdf.epw - 25:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for line in lines[:-1]:
        pdf.cell(0, BODY_PT * 0.5, line, new_x="LMARGIN", new_y="NEXT")
    last = lines[-1] + " "
    room = pdf.epw - pdf.get_string_width(last + number)
    dots = "." * max(3, int(room / pdf.get_string_width(".")) - 1)
    pdf.cell(0, BODY_PT * 0.5, f"{last}{dots}{number}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _heading(pdf: _Minutes, block: Heading) -> None:
    size = HEADING_PT.get(block.level, BODY_PT)
    pdf.ln(2)
    pdf.set_font(FONT, "B" if block.bold else "", size)
    pdf.multi_cell(0, size * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: _Minutes, block: Table) -> None:
    cols = max(sum(c.colspan for c in row) for row in block.rows)
    widths = block.widths or tuple(1.0 for _ in range(cols))
    pdf.set_font(FONT, "", TABLE_PT)
    with pdf.table(col_widths=widths, borders_layout=BORDERS[block.borders], first_row_as_headings=False,
                   text_align="LEFT", v_align="TOP", line_height=TABLE_PT * 0.5, padding=1.5) as table:
        for row in block.rows:
            out = table.row()
            for cell in row:
                style = FontFace(emphasis=_style(cell.bold, cell.italic))
                out.cell(cell.text, colspan=cell.colspan, style=style)
    pdf.ln(3)


LABEL_COLUMN_MM = 48


def _label_row(pdf: _Minutes, block: LabelRow) -> None:
    """The label at the left edge, the statement in the right column starting on the line below it: the
    label cell's text sits higher than the statement's, so the text layer gives it a line of its own."""
    if pdf.will_page_break(3 * BODY_PT * 0.5):
        pdf.add_page()
    pdf.set_font(FONT, "", BODY_PT)
    pdf.cell(LABEL_COLUMN_MM, BODY_PT * 0.5, block.label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(pdf.l_margin + LABEL_COLUMN_MM)
    pdf.multi_cell(pdf.epw - LABEL_COLUMN_MM, BODY_PT * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def write_pdf(rendered: Rendered, path: Path) -> Path:
    pdf = _Minutes(rendered.running_header)
    pdf.add_page()
    block: Block
    for block in rendered.blocks:
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Para):
            _para(pdf, block)
        elif isinstance(block, TocLine):
            _toc_line(pdf, block)
        elif isinstance(block, LabelRow):
            _label_row(pdf, block)
        else:
            _table(pdf, block)
    pdf.output(str(path))
    return path
