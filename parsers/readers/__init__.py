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
from parsers.readers.doc import read_doc
from parsers.readers.errors import ReadError
from parsers.readers.html import read_html
from parsers.readers.text import read_text


def read_pdf(path: Path) -> RawDocument:
    """pdfplumber and pypdfium2 are imported on the first PDF: an ingest of text files never waits for them."""
    from parsers.readers.pdf import read_pdf as read

    return read(path)


def read_docx(path: Path) -> RawDocument:
    from parsers.readers.docx import read_docx as read

    return read(path)


SUPPORTED_SUFFIXES = {".pdf", ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".doc"}
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Compound File Binary: Word 97-2003 (.doc) and every password-protected Office file, .docx included.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office packages other than Word documents, named so the message can say what the file is.
_OTHER_PACKAGES = {
    "xl/workbook.xml": "an Excel workbook",
    "ppt/presentation.xml": "a PowerPoint presentation",
}


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
    if head.startswith(_OLE_MAGIC):
        return "ole"
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
    if suffix == ".docx":
        return "not-docx"
    return "unknown"


def _zip_kind(path: Path) -> str:
    """What an Office-style ZIP holds: docx, odt, another package, or a plain archive ("zip", "bad")."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and zf.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
                return "odf"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError):
        return "bad"
    if "word/document.xml" in names:
        return "docx"
    for member, what in _OTHER_PACKAGES.items():
        if member in names:
            return what
    return "zip"


def _ole_error(path: Path) -> ReadError:
    """An OLE file is either an encrypted Office package or a pre-2007 binary; the fixes differ."""
    with path.open("rb") as fh:
        data = fh.read(4 * 1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ReadError("encrypted", "the Office file is password-protected: open it with the password and save "
                                      "it again without one (or as PDF), then ingest that")
    return ReadError("unsupported", f"a Word 97-2003 or other legacy Office file ({path.suffix or 'no suffix'}): "
                                    "open it in Word or LibreOffice and save it as .docx or PDF")


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
        package = _zip_kind(path)
        if package == "docx":
            return read_docx(path)
        if package == "bad" and suffix == ".docx":
            raise ReadError("corrupt", "named .docx but its ZIP package is damaged (often a download cut short): "
                                       "download it again, or open it in Word and save it again")
        if package == "odf":
            raise ReadError("unsupported", "an OpenDocument file (LibreOffice/OpenOffice): save it as .docx or PDF "
                                           "and ingest that")
        if package not in ("zip", "bad"):
            raise ReadError("unsupported", f"{package}, not minutes: save the minutes as .docx or PDF")
        raise ReadError("unsupported", f"the file is a ZIP archive{_zip_members(path)}, not a document: "
                                       "unpack it and ingest the files inside")
    if kind == "ole":
        error = _ole_error(path)
        if error.kind == "unsupported" and suffix in (".doc", ".dot"):
            return read_doc(path)
        raise error
    if kind == "not-docx":
        raise ReadError("corrupt", "named .docx but it is not a Word package (no ZIP header): it is damaged or "
                                   "another format; download it again")
    if kind == "not-pdf":
        raise ReadError("corrupt", "named .pdf but it has no PDF header: it is not a PDF (or badly damaged); "
                                   "download it again")
    if suffix == ".xml":
        raise ReadError("unsupported", "an XML file that is no ESDH publication maalspor knows (SBSYS "
                                       "Publication*.xml, eDoc eDocAgendaPublishing.xml, Acadre XML_<id>.xml): "
                                       "ingest the export's PDFs or Word files instead")
    raise ReadError("unsupported", f"unsupported file type {path.suffix or '(no suffix)'}: "
                                   f"convert it to PDF, Word (.docx), HTML or text")
