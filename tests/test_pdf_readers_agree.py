"""pdfium (the default) and pdfplumber read the same text from every corpus PDF page.

pdfium became the first reader for speed; pdfplumber remains the fallback and the reference
for how lines, table rows and font flags are built. Text is compared after layout clean-up of
each line, modulo whitespace. Pages with text turned sideways (a vertical banner) are the
exception: pdfium's glyph boxes for it differ, so its letters join other lines; there the same
letters must be read. Everywhere else the lines are the same, with the same font flags, sizes
and table cells.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models.records import Page
from parsers.layout import clean_chars
from parsers.readers.pdf import read_pdf
from tests.conftest import CORPUS

PDFS = sorted(p for folder in ("pdf", "pdf-real", "annexes") for p in (CORPUS / folder).glob("*.pdf"))


def _text(page: Page) -> str:
    return "".join("".join(clean_chars(ln.text).split()) for ln in page.lines)


@pytest.mark.skipif(not PDFS, reason="corpus not beside the project (../shared/corpus)")
@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_readers_agree_on_every_page(path: Path) -> None:
    fium = read_pdf(path)
    plumber = read_pdf(path, prefer="pdfplumber")
    assert fium.reader == "pypdfium2" and len(fium.pages) == len(plumber.pages)
    compared = same_lines = 0
    for a, b in zip(fium.pages, plumber.pages, strict=True):
        assert a.reader == "pypdfium2"
        if b.reader != "pdfplumber":  # a (cid:NNN) page: pdfplumber cannot read it, so no reference
            continue
        compared += 1
        if [ln.text.split() for ln in a.lines] != [ln.text.split() for ln in b.lines]:
            # text turned sideways: the glyph boxes differ, so its letters join other lines
            assert sorted(_text(a)) == sorted(_text(b)), f"page {a.number}"
            continue
        assert _text(a) == _text(b), f"page {a.number}"
        same_lines += 1
        assert [(ln.bold, ln.italic, ln.cells) for ln in a.lines] == \
               [(ln.bold, ln.italic, ln.cells) for ln in b.lines], f"page {a.number}"
        assert [ln.size for ln in a.lines] == pytest.approx([ln.size for ln in b.lines], abs=0.5), f"page {a.number}"
    assert compared >= len(fium.pages) - 1
    if path.parent.name != "annexes":  # the annex has a sideways banner on every page; the minutes have none
        assert same_lines == compared
