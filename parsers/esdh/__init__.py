"""ESDH publications: the XML a case-management system (SBSYS, eDoc, Acadre) publishes beside the
meeting's PDFs and Word files. The XML is the answer key for the meeting and its items; the files
it names are that meeting's documents (referat, one PDF per item, bilag), never new meetings.

`detect` names the system from the file name and the first bytes; `read_publication` returns a
`Publication` (pure: no database, no reading of the other files); `publication_document` turns it
into the `ParsedDocument` the store writes for the XML itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from parsers.esdh.model import FileRef, PubItem, Publication
from parsers.readers.errors import ReadError

__all__ = ["FileRef", "PubItem", "Publication", "detect", "read_publication"]

_ACADRE_NAME = re.compile(r"^XML_\d+\.xml$", re.I)
_SBSYS_NAME = re.compile(r"^Publication\d*\.xml$", re.I)


def detect(path: Path, head: bytes | None = None) -> str | None:
    """"sbsys", "edoc" or "acadre" when `path` is a publication XML those systems write, else None.

    The name decides which system to expect and the first kilobytes confirm it, so a stray XML
    named like one (or a renamed publication) is not taken on the name alone.
    """
    name = path.name
    if path.suffix.lower() != ".xml":
        return None
    if head is None:
        try:
            with path.open("rb") as fh:
                head = fh.read(8192)
        except OSError:
            return None
    low = head.lower()
    if name.lower() == "edocagendapublishing.xml" or (b"<meetingagendatypes" in low and b"<meeting>" in low):
        return "edoc"
    if b"<publication" in low and (_SBSYS_NAME.match(name) or b"<agendas" in low):
        return "sbsys"
    if _ACADRE_NAME.match(name) and (b'name="producedagenda"' in low or b"<root>" in low):
        return "acadre"
    return None


def read_publication(path: Path, system: str | None = None) -> Publication:
    """Read one publication XML; raises `ReadError` (corrupt: not well-formed, unsupported: no system
    maalspor knows) with a message naming the fix."""
    system = system or detect(path)
    if system == "sbsys":
        from parsers.esdh.sbsys import read_sbsys

        return read_sbsys(path)
    if system == "edoc":
        from parsers.esdh.edoc import read_edoc

        return read_edoc(path)
    if system == "acadre":
        from parsers.esdh.acadre import read_acadre

        return read_acadre(path)
    raise ReadError("unsupported", "an XML file that is no ESDH publication maalspor knows (SBSYS Publication*.xml, "
                                   "eDoc eDocAgendaPublishing.xml, Acadre XML_<id>.xml)")
