"""PDF reader: pdfium for lines with fonts and ruled tables, pdfplumber as the fallback.

pdfium (`pdfium_page.py`) gives what later stages need (line boxes, bold/italic, table cells)
about 10x faster than pdfplumber, and reads fonts without a usable ToUnicode map that
pdfplumber turns into `(cid:NNN)`. pdfplumber reads the pages pdfium fails on and the files
pdfium refuses; a file is given up on only when both readers fail. The pdfplumber-first
reading (`prefer="pdfplumber"`) is kept for those files and to check that both readers agree.
Pages are closed as soon as they are read so memory stays flat on very long files.

Files with no usable text are told apart, because what the user must do differs: a scan
(pages with images and almost no characters) needs OCR; a file with neither text nor
images has nothing to read.
"""

from __future__ import annotations

import logging
import os
import re
import statistics
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium

from models.records import Line, Page, RawDocument
from parsers.readers.colours import SYMBOLS, Fill, colour_to_rgb, traffic_word, with_fills
from parsers.readers.errors import ATTENTION, ReadError, one_line
from parsers.readers.pdfium_page import page_lines, read_chars
from parsers.readers.rules import implied_edges

# pdfminer and pdfplumber log every oddity of a damaged file as a warning on stderr, amid the
# progress bar; what matters reaches the user as the file's outcome or the document's warnings.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

CID_RE = re.compile(r"\(cid:\d+\)")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# A page with images and fewer visible characters than this is a scan (a stamp or a page
# number may be all the text a scanning workflow adds).
SCANNED_MAX_CHARS = 20
OCR_SKIP_TEXT = "run `ocrmypdf -l dan --skip-text IN OUT` or install the `ocr` extra and pass --ocr"
ENCRYPTED = ("the PDF is password-protected: ask the publisher for an open copy or decrypt it "
             "(qpdf --decrypt --password=PASSWORD IN OUT)")
OCR_FORCE = "run `ocrmypdf -l dan --force-ocr IN OUT` or install the `ocr` extra and pass --ocr"


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
    boxes = [(float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]))
             for c in page.chars if str(c.get("text", "")).strip()]
    implied = implied_edges(page.edges, boxes, float(page.width))
    try:
        settings = {**_TABLE_SETTINGS, "explicit_vertical_lines": [e for e in implied if e["orientation"] == "v"],
                    "explicit_horizontal_lines": [e for e in implied if e["orientation"] == "h"]}
        for table in page.find_tables(settings):
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
    fills = _traffic_fills(page) if tables else []
    for table, rows in tables:
        tx0, ttop, tx1, tbottom = table.bbox
        table_chars = [c for c in page.chars if ttop <= c["top"] <= tbottom and tx0 <= c["x0"] <= tx1]
        for row_obj, row in zip(table.rows, rows, strict=False):
            cells = tuple(_cell_text(c) for c in with_fills(list(row), row_obj.cells, fills))
            while cells and not cells[-1]:
                cells = cells[:-1]
            if not any(cells):
                continue
            x0, top, x1, bottom = row_obj.bbox
            chars = [c for c in table_chars if top <= c["top"] <= bottom and x0 <= c["x0"] <= x1]
            bold, italic, size = _font_flags(chars[:1] if cells and not cells[0] else
                                             [c for c in chars if c["x0"] < (x0 + x1) / 2] or chars)
            entries.append((top, x0, Line(
                text="\t".join(cells), page=number, bbox=(x0, top, x1, bottom),
                bold=bold, italic=italic, size=size, cells=cells)))
    entries.sort(key=lambda e: (round(e[0], 1), e[1]))
    return [e[2] for e in entries]


def _traffic_fills(page: Any) -> list[Fill]:
    """Shapes filled in a traffic-light colour (as pdfium_page reads them), for empty status cells."""
    fills: list[Fill] = []
    symbols = [c for c in page.chars if c.get("text") in SYMBOLS]
    for obj in [*page.rects, *page.curves, *symbols]:
        if obj.get("object_type") != "char" and not obj.get("fill"):
            continue
        rgb = colour_to_rgb(obj.get("non_stroking_color"))
        word = traffic_word(*rgb) if rgb else None
        if word:
            fills.append((float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]), word))
    return fills


def _pdfium_page_lines(doc: pdfium.PdfDocument, index: int) -> list[Line]:
    page = doc[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-")
    return [Line(text=t.strip(), page=index + 1) for t in text.split("\n") if t.strip()]


def _pdfium_image_count(doc: pdfium.PdfDocument, index: int) -> int:
    page = doc[index]
    try:
        return sum(1 for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    finally:
        page.close()


def ends_with_eof(path: Path) -> bool:
    """True when the file's last 4 KiB hold the `%%EOF` marker a complete PDF ends with.

    A download cut short loses it; a later incremental update that was cut short still
    leaves the earlier, complete revision's marker, which is then the right one to read.
    """
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 4096))
        return b"%%EOF" in fh.read()


def _open_pdfium(path: Path) -> tuple[pdfium.PdfDocument | None, str]:
    """pdfium's document, or None and why; a password is final, since no reader can do without it."""
    try:
        return pdfium.PdfDocument(str(path)), ""
    except pdfium.PdfiumError as exc:
        msg = one_line(str(exc))
        if "password" in msg.lower() or "security" in msg.lower():
            raise ReadError("encrypted", ENCRYPTED) from exc
        return None, msg


def _open_plumber(path: Path) -> tuple[Any, list[Any] | None, str]:
    """pdfplumber's document and its page list (built up front, so a broken page tree fails here
    once and not on every page), or None and why."""
    try:
        plumber = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer is stricter than pdfium about damaged xref tables
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if "password" in type(cause).__name__.lower():
            raise ReadError("encrypted", ENCRYPTED) from exc
        return None, None, one_line(f"{type(cause).__name__}: {cause}")
    try:
        return plumber, list(plumber.pages), ""
    except Exception as exc:
        _close_plumber(plumber)
        return None, None, one_line(f"{type(exc).__name__}: {exc}")


def _close_plumber(plumber: Any) -> None:
    try:
        plumber.close()
    except Exception:  # closing a document whose page tree is broken re-raises the parse error
        stream = getattr(plumber, "stream", None)
        if stream is not None and not getattr(plumber, "stream_is_external", True):
            stream.close()


def _plumber_page(page: Any, number: int) -> tuple[list[Line], float, float, int, int]:
    """Lines, size, character and image counts of one pdfplumber page, closing it whatever happens."""
    try:
        width, height = float(page.width), float(page.height)
        chars = len(page.chars)
        images = len(page.images)
        return _plumber_page_lines(page, number), width, height, chars, images
    finally:
        try:
            page.close()
        except Exception:  # a page that failed half-way may not have caches to flush
            pass


def _visible(lines: list[Line]) -> int:
    return sum(len("".join(ln.text.split())) for ln in lines)


def scanned_pages(pages: list[Page]) -> list[int]:
    """Numbers of the pages that look scanned: images and almost no visible characters."""
    return [p.number for p in pages if p.images and _visible(p.lines) < SCANNED_MAX_CHARS]


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7": page lists stay one short line."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [0]:
        if n == prev + 1:
            prev = n
            continue
        out.append(f"{start}-{prev}" if prev > start else str(start))
        start = prev = n
    return ", ".join(out)


def read_pdf(path: Path, max_pages: int | None = None, prefer: str = "pypdfium2") -> RawDocument:
    """Read every page with pdfium (`prefer="pdfplumber"`: the older pdfplumber-first reading),
    falling back page by page and file by file to the other reader; raise `ReadError` when
    neither can read the file."""
    if prefer == "pdfplumber":
        return _read_plumber_first(path, max_pages)
    complete = ends_with_eof(path)
    fdoc, fium_error = _open_pdfium(path)
    if fdoc is None:
        return _read_plumber_first(path, max_pages, complete=complete, fdoc=None, fium_error=fium_error)
    warnings: list[str] = []
    plumber: list[Any] = []  # [document, pages] once a page needs pdfplumber
    try:
        count = len(fdoc)
        _check_pages(count, max_pages)
        pages = [_read_fium_page(path, fdoc, index, plumber, warnings) for index in range(count)]
    finally:
        if plumber and plumber[0] is not None:
            _close_plumber(plumber[0])
        fdoc.close()
    return _finish(path, pages, "pypdfium2", warnings, complete)


def _check_pages(count: int, max_pages: int | None) -> None:
    if max_pages is not None and count > max_pages:
        raise ReadError("too_large", f"the PDF has {count} pages, more than the limit of {max_pages}; "
                        "raise --max-pages to read it")


def _read_fium_page(path: Path, fdoc: pdfium.PdfDocument, index: int, plumber: list[Any],
                    warnings: list[str]) -> Page:
    """One page with pdfium; pdfplumber when pdfium fails on it (a damaged content stream)."""
    number = index + 1
    try:
        page = fdoc[index]
        try:
            text = read_chars(page)
        finally:
            page.close()
        return Page(number=number, lines=page_lines(text, number), width=text.width, height=text.height,
                    chars=len(text.chars), images=text.images, reader="pypdfium2")
    except Exception as exc:  # pdfium's own error or a page it describes inconsistently
        reason = one_line(str(exc)) or type(exc).__name__
    if not plumber:
        doc, plumber_pages, _ = _open_plumber(path)
        plumber.extend([doc, plumber_pages])
        if plumber_pages is not None and len(plumber_pages) != len(fdoc):
            plumber[1] = None
    plumber_pages = plumber[1]
    if plumber_pages is not None:
        try:
            lines, width, height, chars, images = _plumber_page(plumber_pages[index], number)
            warnings.append(f"page {number}: pdfium failed ({reason}); read with pdfplumber")
            return Page(number=number, lines=lines, width=width, height=height, chars=chars, images=images,
                        reader="pdfplumber")
        except Exception as exc:
            reason = f"{reason}; pdfplumber: {type(exc).__name__}"
    warnings.append(f"page {number}: neither reader could read it ({reason})")
    return Page(number=number, lines=[], reader="pypdfium2")


def _finish(path: Path, pages: list[Page], reader: str, warnings: list[str], complete: bool) -> RawDocument:
    """The document, or the `ReadError` that says why it has no usable text."""
    visible = [_visible(p.lines) for p in pages]
    if sum(visible) == 0:
        if any(p.images for p in pages):
            raise ReadError("needs_ocr", f"scanned PDF without text layer: {OCR_SKIP_TEXT}")
        raise ReadError("empty", "the PDF has no text layer and no images (blank pages, or text drawn as "
                                 f"outlines): if its pages show text, {OCR_FORCE}")
    scanned = scanned_pages(pages)
    if scanned and all(n < SCANNED_MAX_CHARS for n in visible):
        raise ReadError("needs_ocr", f"scanned PDF with almost no text layer ({sum(visible)} characters on "
                                     f"{len(pages)} pages): {OCR_FORCE}")
    if scanned:
        many = len(scanned) > 1
        warnings.append(f"{ATTENTION}page{'s' if many else ''} {_ranges(scanned)} look{'' if many else 's'} "
                        f"scanned (images, almost no text) and {'their' if many else 'its'} text is missing: "
                        "OCR the file (--ocr) to read them")
    if not complete:
        warnings.append(f"{ATTENTION}the PDF does not end with %%EOF and may be truncated (pages missing): "
                        "download it again to be sure")
    return RawDocument(path=str(path), format="pdf", pages=pages, reader=reader, warnings=warnings)


def _read_plumber_first(path: Path, max_pages: int | None, complete: bool | None = None,
                        fdoc: pdfium.PdfDocument | None = None, fium_error: str | None = None) -> RawDocument:
    """pdfplumber on every page, pdfium for the pages it cannot read: the reading before pdfium
    came first, kept for files pdfium refuses and for comparing the two readers."""
    if complete is None:
        complete = ends_with_eof(path)
    if fium_error is None:
        fdoc, fium_error = _open_pdfium(path)
    plumber = plumber_pages = None
    warnings: list[str] = []
    try:
        plumber, plumber_pages, plumber_error = _open_plumber(path)
        if fdoc is None and plumber_pages is None:
            if not complete:
                raise ReadError("corrupt", "the PDF is truncated (it stops before its end-of-file marker "
                                           f"%%EOF, {path.stat().st_size} bytes): download it again")
            raise ReadError("corrupt", f"the PDF is damaged beyond repair (pdfium: {fium_error}; pdfminer: "
                                       f"{plumber_error}): download it again or re-export it")
        if fdoc is not None and plumber_pages is not None and len(plumber_pages) != len(fdoc):
            warnings.append(f"pdfplumber sees {len(plumber_pages)} pages, pdfium {len(fdoc)}; read with pdfium")
            _close_plumber(plumber)
            plumber = plumber_pages = None
        elif fdoc is None:
            warnings.append(f"pdfium could not open the file ({fium_error}); read with pdfplumber")
        elif plumber_pages is None:
            warnings.append(f"pdfplumber could not open the file ({plumber_error}); read with pdfium")
        count = len(fdoc) if fdoc is not None else len(plumber_pages or [])
        _check_pages(count, max_pages)
        reader = "pdfplumber" if plumber_pages is not None else "pypdfium2"
        pages = [_read_page(fdoc, plumber_pages, index, warnings) for index in range(count)]
    finally:
        if plumber is not None:
            _close_plumber(plumber)
        if fdoc is not None:
            fdoc.close()
    return _finish(path, pages, reader, warnings, complete)


def _read_page(fdoc: pdfium.PdfDocument | None, plumber_pages: list[Any] | None, index: int,
               warnings: list[str]) -> Page:
    """One page: pdfplumber when it gives real text, pdfium when it fails, gives `(cid:NNN)` codes
    or finds nothing that pdfium can read."""
    number = index + 1
    lines: list[Line] | None = None
    chars = images = 0
    width = height = None
    if plumber_pages is not None:
        try:
            lines, width, height, chars, images = _plumber_page(plumber_pages[index], number)
        except Exception as exc:
            warnings.append(f"page {number}: pdfplumber failed ({type(exc).__name__}); read with pdfium")
            lines = None
    reader = "pdfplumber"
    plumber_read = lines is not None
    if fdoc is not None:
        cids = sum(len(CID_RE.findall(ln.text)) for ln in lines) if lines else 0
        if lines is None or cids >= 3 or not _visible(lines):
            try:
                fium_lines = _pdfium_page_lines(fdoc, index)
            except pdfium.PdfiumError as exc:
                warnings.append(f"page {number}: pdfium failed ({one_line(str(exc))})")
                fium_lines = []
            if lines is None or cids >= 3 or _visible(fium_lines):
                if cids >= 3:
                    warnings.append(f"page {number}: (cid:NNN) glyph codes in the text layer; read with pdfium")
                elif lines is not None:
                    warnings.append(f"page {number}: pdfplumber found no text; read with pdfium")
                lines = fium_lines
                reader = "pypdfium2"
                chars = chars or sum(len(ln.text) for ln in lines)
        # Images only matter on a page with almost no text (is it a scan?), and pdfplumber
        # already counted them on the pages it could read.
        if not plumber_read and _visible(lines or []) < SCANNED_MAX_CHARS:
            try:
                images = _pdfium_image_count(fdoc, index)
            except pdfium.PdfiumError:
                images = 0
    elif lines is None:
        lines = []
    return Page(number=number, lines=lines or [], width=width, height=height, chars=chars, images=images,
                reader=reader)
