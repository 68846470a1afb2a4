"""Readers turn a file into a `RawDocument`: pages of lines with provenance.

One module per format; `read_document` picks by suffix and, for mislabelled files,
by the first bytes, so a `.pdf` that is really HTML is read as HTML or refused clearly.
"""

from __future__ import annotations

from pathlib import Path

from models.records import RawDocument
from parsers.readers.errors import ReadError
from parsers.readers.html import read_html
from parsers.readers.pdf import read_pdf
from parsers.readers.text import read_text

SUPPORTED_SUFFIXES = {".pdf", ".txt", ".md", ".markdown", ".html", ".htm"}


def sniff_format(path: Path, head: bytes) -> str:
    """Name the format from the content first, the suffix second."""
    suffix = path.suffix.lower()
    stripped = head.lstrip()
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    low = stripped[:512].lower()
    if low.startswith(b"<!doctype html") or low.startswith(b"<html") or b"<body" in low[:512]:
        return "html"
    if suffix == ".pdf":
        return "not-pdf"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".txt", ".md", ".markdown"):
        return "text"
    return "unknown"


def read_document(path: Path) -> RawDocument:
    """Read any supported file; raises `ReadError` with a kind and a message naming the problem."""
    with path.open("rb") as fh:
        head = fh.read(2048)
    if not head:
        raise ReadError("empty", "the file is empty (0 bytes)")
    kind = sniff_format(path, head)
    if kind == "pdf":
        return read_pdf(path)
    if kind == "html":
        return read_html(path)
    if kind == "text":
        return read_text(path)
    if kind == "zip":
        raise ReadError("unsupported", "the file is a ZIP archive, not a document: unpack it first")
    if kind == "not-pdf":
        raise ReadError("corrupt", "named .pdf but has no PDF header: it is not a PDF file")
    raise ReadError("unsupported", f"unsupported file type {path.suffix or '(no suffix)'}")
