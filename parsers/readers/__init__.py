"""Readers turn a file into a `RawDocument`: pages of lines with provenance.

One module per format; `read_document` picks by the first bytes before the suffix, so a
mislabelled file is refused with a message that says what it really is instead of being
stored as garbage: a `.pdf` that is an HTML page is almost always a saved error or login
page, and a ZIP may carry several documents that must be unpacked to be read one by one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from models.records import RawDocument
from parsers.readers.errors import ReadError
from parsers.readers.html import read_html
from parsers.readers.pdf import read_pdf
from parsers.readers.text import read_text

SUPPORTED_SUFFIXES = {".pdf", ".txt", ".md", ".markdown", ".html", ".htm"}
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _looks_html(head: bytes) -> bool:
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<body" in low:
        return True
    return low.startswith((b"<?xml", b"<!--")) and b"<html" in head[:2048].lower()


def sniff_format(path: Path, head: bytes) -> str:
    """Name the format from the content first, the suffix second.

    ZIP comes first because a stored (uncompressed) ZIP holding a PDF shows `%PDF-` in its
    first kilobyte too, and pdfium would happily read the first member and drop the rest.
    """
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _looks_html(head):
        return "html"
    if b"%PDF-" in head[:1024]:  # the spec allows junk before the header
        return "pdf"
    if suffix == ".pdf":
        return "not-pdf"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".txt", ".md", ".markdown"):
        return "text"
    return "unknown"


def _zip_members(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    if not names:
        return " (empty)"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f" (holding {shown})"


def read_document(path: Path) -> RawDocument:
    """Read any supported file; raises `ReadError` with a kind and a message naming the problem."""
    with path.open("rb") as fh:
        head = fh.read(2048)
    if not head:
        raise ReadError("empty", "the file is empty (0 bytes): download or export it again")
    kind = sniff_format(path, head)
    suffix = path.suffix.lower()
    if kind == "pdf":
        return read_pdf(path)
    if kind == "html":
        if suffix == ".pdf":
            raise ReadError("corrupt", "named .pdf but it is an HTML page (often a download error or login "
                                       "page): download the PDF again, or rename it to .html if it holds the "
                                       "minutes themselves")
        return read_html(path)
    if kind == "text":
        return read_text(path)
    if kind == "zip":
        raise ReadError("unsupported", f"the file is a ZIP archive{_zip_members(path)}, not a document: "
                                       "unpack it and ingest the files inside")
    if kind == "not-pdf":
        raise ReadError("corrupt", "named .pdf but it has no PDF header: it is not a PDF (or badly damaged); "
                                   "download it again")
    raise ReadError("unsupported", f"unsupported file type {path.suffix or '(no suffix)'}: "
                                   f"convert it to PDF, HTML or text")
