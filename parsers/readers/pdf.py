"""PDF reader: pdfplumber for lines with fonts and ruled tables, pypdfium2 as the fallback.

pdfplumber gives what later stages need (line boxes, bold/italic, table cells); pdfium is
used where pdfplumber's text is garbage (`(cid:NNN)` from fonts without a usable ToUnicode
map) or where pdfplumber cannot parse a damaged file that pdfium still renders.
Pages are closed as soon as they are read so memory stays flat on very long files.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium

from models.records import Line, Page, RawDocument
from parsers.readers.errors import ReadError

CID_RE = re.compile(r"\(cid:\d+\)")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _font_flags(chars: list[dict[str, Any]]) -> tuple[bool, bool, float | None]:
    visible = [c for c in chars if c.get("text", "").strip()]
    if not visible:
        return False, False, None
    names = [str(c.get("fontname", "")).lower() for c in visible]
    bold = sum("bold" in n or "black" in n or "heavy" in n for n in names) > len(names) / 2
    italic = sum("italic" in n or "oblique" in n for n in names) > len(names) / 2
    size = round(statistics.median(float(c.get("size", 0)) for c in visible), 1)
    return bold, italic, size


def _cell_text(text: str | None) -> str:
    return " ".join((text or "").split("\n")).strip()


def _plumber_page_lines(page: Any, number: int) -> list[Line]:
    """Text lines in reading order, with each ruled table replaced by one line per row."""
    tables = []
    try:
        for table in page.find_tables(_TABLE_SETTINGS):
            rows = table.extract()
            ncols = max((len(r) for r in rows), default=0)
            if ncols < 2 or len(rows) < 2:
                continue
            tables.append((table, rows))
    except Exception:  # a broken drawing must not cost the page its text
        tables = []

    def in_table(top: float, bottom: float, x0: float) -> bool:
        mid = (top + bottom) / 2
        for table, _ in tables:
            tx0, ttop, tx1, tbottom = table.bbox
            if ttop - 1 <= mid <= tbottom + 1 and tx0 - 1 <= x0 <= tx1 + 1:
                return True
        return False

    entries: list[tuple[float, float, Line]] = []
    for tl in page.extract_text_lines(return_chars=True, strip=True):
        if in_table(tl["top"], tl["bottom"], tl["x0"]):
            continue
        bold, italic, size = _font_flags(tl.get("chars", []))
        bbox = (float(tl["x0"]), float(tl["top"]), float(tl["x1"]), float(tl["bottom"]))
        entries.append((tl["top"], tl["x0"], Line(
            text=tl["text"], page=number, bbox=bbox, bold=bold, italic=italic, size=size)))
    for table, rows in tables:
        for row_obj, row in zip(table.rows, rows, strict=False):
            cells = tuple(_cell_text(c) for c in row)
            while cells and not cells[-1]:
                cells = cells[:-1]
            if not any(cells):
                continue
            x0, top, x1, bottom = row_obj.bbox
            chars = [c for c in page.chars if top <= c["top"] <= bottom and x0 <= c["x0"] <= x1]
            bold, italic, size = _font_flags(chars[:1] if cells and not cells[0] else
                                             [c for c in chars if c["x0"] < (x0 + x1) / 2] or chars)
            entries.append((top, x0, Line(
                text="\t".join(cells), page=number, bbox=(x0, top, x1, bottom),
                bold=bold, italic=italic, size=size, cells=cells)))
    entries.sort(key=lambda e: (round(e[0], 1), e[1]))
    return [e[2] for e in entries]


def _pdfium_page_lines(doc: pdfium.PdfDocument, index: int) -> list[Line]:
    page = doc[index]
    try:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
    finally:
        page.close()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-")
    return [Line(text=t.strip(), page=index + 1) for t in text.split("\n") if t.strip()]


def _open_pdfium(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise ReadError("encrypted", "the PDF is password-protected: ask the publisher for an open copy "
                            "or decrypt it (qpdf --decrypt --password=… IN OUT)") from exc
        raise ReadError("corrupt", f"the PDF cannot be parsed ({exc}); it may be truncated or damaged") from exc


def read_pdf(path: Path, max_pages: int | None = None) -> RawDocument:
    """Read every page; fall back page by page to pdfium, and to pdfium alone if pdfplumber fails."""
    fdoc = _open_pdfium(path)
    warnings: list[str] = []
    try:
        count = len(fdoc)
        if max_pages is not None and count > max_pages:
            raise ReadError("too_large", f"the PDF has {count} pages, more than the limit of {max_pages}; "
                            "raise --max-pages to read it")
        pages: list[Page] = []
        try:
            plumber = pdfplumber.open(str(path))
        except Exception as exc:  # pdfminer is stricter than pdfium about damaged xref tables
            plumber = None
            warnings.append(f"pdfplumber could not open the file ({type(exc).__name__}); read with pdfium")
        reader = "pdfplumber" if plumber is not None else "pypdfium2"
        for index in range(count):
            number = index + 1
            lines: list[Line] | None = None
            chars = images = 0
            width = height = None
            if plumber is not None:
                try:
                    page = plumber.pages[index]
                    width, height = float(page.width), float(page.height)
                    chars = len(page.chars)
                    images = len(page.images)
                    lines = _plumber_page_lines(page, number)
                    page.close()
                except Exception as exc:
                    warnings.append(f"page {number}: pdfplumber failed ({type(exc).__name__}); read with pdfium")
                    lines = None
            page_reader = "pdfplumber"
            if lines is None or sum(len(CID_RE.findall(ln.text)) for ln in lines) >= 3:
                if lines is not None:
                    warnings.append(f"page {number}: (cid:NNN) glyph codes in the text layer; read with pdfium")
                lines = _pdfium_page_lines(fdoc, index)
                page_reader = "pypdfium2"
                if not chars:
                    chars = sum(len(ln.text) for ln in lines)
                    images = images or _pdfium_image_count(fdoc, index)
            pages.append(Page(number=number, lines=lines, width=width, height=height,
                              chars=chars, images=images, reader=page_reader))
        if plumber is not None:
            plumber.close()
    finally:
        fdoc.close()
    total_chars = sum(len(ln.text.strip()) for p in pages for ln in p.lines)
    if total_chars == 0:
        if any(p.images for p in pages):
            raise ReadError("needs_ocr", "scanned PDF without text layer: run `ocrmypdf -l dan --skip-text IN OUT` "
                            "or install the `ocr` extra and pass --ocr")
        raise ReadError("empty", "the PDF has no text layer and no images: nothing to read")
    return RawDocument(path=str(path), format="pdf", pages=pages, reader=reader, warnings=warnings)


def _pdfium_image_count(doc: pdfium.PdfDocument, index: int) -> int:
    page = doc[index]
    try:
        return sum(1 for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    finally:
        page.close()
