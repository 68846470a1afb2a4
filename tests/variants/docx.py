"""Blocks to a Word file with python-docx: Heading styles, run-level bold/italic, real tables, and a
running header and page footer that a reader must leave out of the text."""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_document
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Pt

from tests.variants.document import Heading, LabelRow, Para, Rendered, Table, TocLine

TABLE_STYLES = {"grid": "Table Grid", "rules": "Light Shading", "none": None}


def _paragraph_runs(paragraph, text: str, bold: bool, italic: bool, size: float | None = None) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    if size:
        run.font.size = Pt(size)


def _table(doc, block: Table) -> None:
    cols = max(sum(c.colspan for c in row) for row in block.rows)
    table = doc.add_table(rows=len(block.rows), cols=cols)
    style = TABLE_STYLES[block.borders]
    if style:
        table.style = doc.styles[style]
    for r, row in enumerate(block.rows):
        col = 0
        for cell in row:
            target = table.cell(r, col)
            if cell.colspan > 1:
                target = target.merge(table.cell(r, col + cell.colspan - 1))
            lines = cell.text.split("\n")
            first = target.paragraphs[0]
            _paragraph_runs(first, lines[0], cell.bold or (block.header and r == 0), cell.italic)
            for more in lines[1:]:
                _paragraph_runs(target.add_paragraph(), more, cell.bold, cell.italic)
            col += cell.colspan


def write_docx(rendered: Rendered, path: Path) -> Path:
    doc = new_document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = rendered.running_header
    section.footer.paragraphs[0].text = "Side 1"
    for block in rendered.blocks:
        if isinstance(block, Heading):
            if block.bold:
                doc.add_heading(block.text, level=min(block.level, 9))
            else:
                _paragraph_runs(doc.add_paragraph(), block.text, False, False, size=14)
        elif isinstance(block, TocLine):  # Word sets the leader with a right tab stop
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT,
                WD_TAB_LEADER.DOTS)
            _paragraph_runs(paragraph, f"{block.text}\t{block.page}", False, False)
        elif isinstance(block, LabelRow):  # label and statement as paragraphs, the statement indented
            _paragraph_runs(doc.add_paragraph(), block.label, False, False)
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(5)
            _paragraph_runs(paragraph, block.text, False, False)
        elif isinstance(block, Para):
            paragraph = doc.add_paragraph()
            if block.indent:
                paragraph.paragraph_format.left_indent = Pt(18 * block.indent)
            _paragraph_runs(paragraph, block.text, block.bold, block.italic, block.size)
        else:
            _table(doc, block)
    doc.core_properties.title = rendered.running_header
    doc.save(str(path))
    return path
