"""Builders for the bad inputs the ingest must survive, made on the fly so no fixture rots.

Every builder writes one file and returns its path. The PDFs are small real documents made
with fpdf2 and then damaged the way real downloads are damaged (cut short, xref offsets
wrong, encrypted, scanned), so a test names the failure it guards against, not a blob.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
import pypdfium2 as pdfium
from fpdf import FPDF

if TYPE_CHECKING:
    from PIL.Image import Image

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
AARHUS = CORPUS / "pdf-real" / "aarhus_byraad_2025-08-27.pdf"

MINUTES_LINES = [
    "Beskæftigelsesudvalget",
    "Referat af mødet den 12. marts 2024 kl. 16.00",
    "Mødested: Rådhuset, mødelokale 2",
    "1. Godkendelse af dagsorden",
    "Beslutning: Godkendt.",
    "2. Opfølgning på beskæftigelsesplan 2024",
    "Målet om 200 flere i job er nået. Ledigheden er faldet til 2,9 pct.",
    "Beslutning: Taget til efterretning.",
]


def text_pdf(path: Path, pages: int = 1, lines: list[str] | None = None, font_size: int = 11) -> Path:
    """A plain text PDF of `pages` pages: the minutes above, with the page number on each page."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=font_size)
    body = lines if lines is not None else MINUTES_LINES
    for n in range(1, pages + 1):
        pdf.add_page()
        for line in body:
            pdf.cell(0, font_size * 0.6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, font_size * 0.6, f"Side {n} af {pages}", new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))
    return path


def _source_bytes(path: Path, source: Path | None, pages: int) -> bytes:
    """The bytes of `source`, or of a fresh text PDF made next to `path` and removed again."""
    if source is not None:
        return source.read_bytes()
    scratch = text_pdf(path.with_suffix(".src.pdf"), pages=pages)
    data = scratch.read_bytes()
    scratch.unlink()
    return data


def truncated_pdf(path: Path, source: Path | None = None, keep: float = 0.5) -> Path:
    """A download cut short: the first `keep` share of the bytes of a good PDF."""
    data = _source_bytes(path, source, pages=4)
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def broken_xref_pdf(path: Path, source: Path | None = None) -> Path:
    """A cross-reference table that is no longer one: every offset wrong, the `xref` keyword
    and `startxref` mangled, its offset pointing into the middle of an object. The objects
    themselves are intact, so a reader that rebuilds the table by scanning (pdfium) still gets
    every page; pdfminer gives up."""
    data = _source_bytes(path, source, pages=2)
    data = re.sub(rb"(?m)^(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + 7, m.group(2)), data)
    data = re.sub(rb"(?m)^xref\b", b"xrex", data)
    data = re.sub(rb"startxref\s+(\d+)", lambda m: b"startxrex\n%d" % (int(m.group(1)) // 2), data)
    path.write_bytes(data)
    return path


def encrypted_pdf(path: Path, user: str = "hemmelig", owner: str = "ejer") -> Path:
    """A password-protected PDF (AES-256); with `user=""` it opens without a password."""
    src = text_pdf(path.with_suffix(".src.pdf"))
    with pikepdf.open(src) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner=owner, user=user, R=6))
    src.unlink()
    return path


def page_image(source: Path, page: int = 0, dpi: int = 200) -> Image:
    """Render one page to a PIL image, as a scanner would see it."""
    doc = pdfium.PdfDocument(str(source))
    try:
        pg = doc[page]
        try:
            return pg.render(scale=dpi / 72).to_pil().convert("L")
        finally:
            pg.close()
    finally:
        doc.close()


def scanned_pdf(path: Path, pages: int = 1, lines: list[str] | None = None, dpi: int = 200) -> Path:
    """An image-only PDF: text pages rendered to greyscale images and wrapped as a PDF, no text layer."""
    src = text_pdf(path.with_suffix(".src.pdf"), pages=pages, lines=lines, font_size=14)
    pdf = FPDF(format="A4")
    for n in range(pages):
        pdf.add_page()
        buf = io.BytesIO()
        page_image(src, n, dpi).save(buf, format="PNG")
        pdf.image(buf, x=0, y=0, w=pdf.w, h=pdf.h)
    src.unlink()
    path.write_bytes(bytes(pdf.output()))
    return path


def blank_pdf(path: Path, pages: int = 1) -> Path:
    """Pages with nothing on them: no text layer and no images."""
    pdf = FPDF(format="A4")
    for _ in range(pages):
        pdf.add_page()
    path.write_bytes(bytes(pdf.output()))
    return path


def html_as_pdf(path: Path) -> Path:
    """What a server sends instead of the PDF: an error page saved under the .pdf name."""
    path.write_text("<!DOCTYPE html>\n<html><head><title>404</title></head><body><h1>Siden findes ikke</h1>"
                    "<p>Dokumentet kunne ikke findes.</p></body></html>\n", encoding="utf-8")
    return path


def zip_as_pdf(path: Path) -> Path:
    """A ZIP archive (as some archives deliver attachments) under a .pdf name."""
    inner = text_pdf(path.with_suffix(".inner.pdf"))
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(inner, "referat.pdf")
    inner.unlink()
    return path


def cid_page_pdf(path: Path, page: int = 11) -> Path:
    """One page of the real Aarhus minutes whose font has no usable ToUnicode map: pdfplumber
    reads it as `(cid:NNN)` codes."""
    with pikepdf.open(AARHUS) as src, pikepdf.new() as out:
        out.pages.append(src.pages[page - 1])
        out.save(path)
    return path


def text_then_scanned_pdf(path: Path) -> Path:
    """Page 1 has a text layer, page 2 is only a scanned image of minutes."""
    img = page_image(scanned_pdf(path.with_name("scan-for-" + path.name)), 0, dpi=100)
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in MINUTES_LINES:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.image(img, x=0, y=0, w=pdf.w, h=pdf.h)
    path.write_bytes(bytes(pdf.output()))
    return path


def table_rows(path: Path, reader: str) -> tuple[list[tuple[str, ...]], list[str]]:
    """The table rows (cells) and the other lines' texts that `reader` reads from a PDF."""
    from parsers.readers.pdf import read_pdf

    lines = [ln for page in read_pdf(path, prefer=reader).pages for ln in page.lines]
    return [ln.cells for ln in lines if ln.cells], [ln.text for ln in lines if not ln.cells]
