"""eDoc publication: `eDocAgendaPublishing.xml` beside the referat, one PDF per item and the bilag.

`Meeting` holds `Committee`, `MeetingDate` and one `MeetingAgendaType` per agenda (open, closed)
with the referat as `PDFDocument` and `MeetingAgendaItems/MeetingAgendaItem`: `AgendaItemNumber`,
the item's `PDFDocument`, `Document/Title`, the bilag as `Document/Attachments/Attachment`
(`Title`, `PDFDocument`) and the item text as `FullText`. Exports also carry each file under a
readable name (the title plus `.pdf`): those are the same documents, looked up second.
"""

from __future__ import annotations

import re
from pathlib import Path

from models.records import Meeting
from parsers.esdh.model import FileRef, PubItem, Publication
from parsers.esdh.xml import iso_date, parse_xml, text_of
from parsers.readers.errors import ReadError

_CASE = re.compile(r"Sags?nr\.?:?\s*([0-9][0-9A-Za-z./-]*[0-9])")
_NUMBER_TITLE = re.compile(r"^\s*\d+\.?\s*")


def _item_text(full: str, title: str) -> list[tuple[str, str]]:
    """eDoc's FullText is the item as printed, one paragraph a line; a line that is a section heading
    of Danish minutes (Sammendrag, Sagsfremstilling, Beslutning, …) starts a field of its own."""
    from parsers.split import section_kind

    lines = [" ".join(ln.split()) for ln in full.replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    if lines and lines[0].startswith(title):
        lines[0] = lines[0][len(title):].strip()
    fields: list[tuple[str, list[str]]] = [("", [])]
    for line in lines:
        if len(line) < 80 and section_kind(line):
            fields.append((line.rstrip(":"), []))
        elif line:
            fields[-1][1].append(line)
    return [(caption, "\n".join(body)) for caption, body in fields if body]


def read_edoc(path: Path) -> Publication:
    root, warnings = parse_xml(path.read_bytes())
    if root.tag != "Meeting" or root.find("MeetingAgendaTypes") is None:
        raise ReadError("corrupt", "an eDoc publication without Meeting/MeetingAgendaTypes: the export is "
                                   "incomplete; publish it again")
    committee = text_of(root, "Committee") or None
    date, time = iso_date(text_of(root, "MeetingDate"))
    meeting = Meeting(body=committee, date=date, time=time, profile="edoc")
    items: list[PubItem] = []
    files: list[FileRef] = []
    seen: set[str] = set()
    for agenda in root.findall("MeetingAgendaTypes/MeetingAgendaType"):
        closed = "lukket" in text_of(agenda, "AgendaType").lower()
        referat = text_of(agenda, "PDFDocument")
        if referat:
            files.append(FileRef(role="minutes", names=[referat] + ([f"{committee}.pdf"] if committee else []),
                                 title=committee))
        for mai in agenda.findall("MeetingAgendaItems/MeetingAgendaItem"):
            number = text_of(mai, "AgendaItemNumber")
            title = text_of(mai, "Document/Title") or text_of(mai, "Document/AgendaItems/AgendaItem/Name")
            if not number or number in seen:
                continue
            seen.add(number)
            full = (mai.findtext("FullText") or "").strip()
            case = _CASE.search(full)
            items.append(PubItem(number=number, title=_NUMBER_TITLE.sub("", title) if title[:1].isdigit() else title,
                                 case_number=case.group(1) if case else None, closed=closed, committee=committee,
                                 fields=_item_text(full, f"{number}. {title}") if full else []))
            pdf = text_of(mai, "PDFDocument")
            if pdf:
                files.append(FileRef(role="item", item=number, names=[pdf, f"{title}.pdf"], title=title))
            for att in mai.findall("Document/Attachments/Attachment"):
                att_title = text_of(att, "Title")
                names = [n for n in (text_of(att, "PDFDocument"), f"{att_title}.pdf" if att_title else "") if n]
                if names:
                    files.append(FileRef(role="attachment", item=number, names=names, title=att_title or None))
    items.sort(key=lambda i: (int(i.number) if i.number.isdigit() else 10**6, i.number))
    return Publication(system="edoc", path=str(path), meeting=meeting, items=items, files=files, warnings=warnings)
