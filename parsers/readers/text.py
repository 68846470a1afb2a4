"""Plain text and Markdown: one page unless the text carries form feeds."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from models.records import Line, Page, RawDocument
from parsers.readers.errors import ReadError

_BOLD = re.compile(r"^\s*(?:<b>|\*\*)(.+?)(?:</b>|\*\*)\s*$")


UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
UNICODE_BOMS = (*UTF32_BOMS, b"\xff\xfe", b"\xfe\xff")


def decode_bytes(data: bytes) -> str:
    """UTF-32 or UTF-16 when a byte-order mark says so (Windows "Unicode" exports), else UTF-8
    (with or without BOM), then cp1252, which is what older Danish exports use. The UTF-32
    marks come first: the little-endian one begins with UTF-16's, and read as UTF-16 the text
    turns into NULs between the letters, which later stages drop as blank."""
    if data.startswith(UTF32_BOMS):
        return data.decode("utf-32", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def text_to_pages(text: str, reader: str) -> list[Page]:
    """Split on form feeds into pages; tabs mark table cells as in a spreadsheet export."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    pages = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        lines = []
        for raw in chunk.split("\n"):
            bold = bool(_BOLD.match(raw))
            cells = None
            if "\t" in raw.strip("\t ") or raw.rstrip(" ").endswith("\t"):
                parts = [c.strip() for c in raw.split("\t")]
                while parts and not parts[-1]:
                    parts.pop()
                if len(parts) >= 1:
                    cells = tuple(parts)
            lines.append(Line(text=raw, page=number, bold=bold, cells=cells))
        pages.append(Page(number=number, lines=lines, chars=len(chunk), reader=reader))
    return pages


def read_text(path: Path) -> RawDocument:
    """Plain text or Markdown; blank files and binary files under a text name are refused."""
    data = path.read_bytes()
    utf16 = data.startswith(UNICODE_BOMS)  # UTF-16 or UTF-32: NUL bytes are part of the text
    if not data.strip() or (utf16 and not decode_bytes(data).strip()):
        raise ReadError("empty", "the file holds no text (only blanks): export it again")
    if b"\x00" in data[:4096] and not utf16:
        raise ReadError("unsupported", "binary content in a text file (NUL bytes): it is not a text document; "
                                       "check what program wrote it and export it as text or PDF")
    text = decode_bytes(data)
    fmt = "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"
    return RawDocument(path=str(path), format=fmt, pages=text_to_pages(text, "text"), reader="text")
