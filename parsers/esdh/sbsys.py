"""SBSYS (Netpublicator-style) publication: `PublicationNN.xml` beside `Enclosures/N.pdf`.

`Publication/Agendas/Agenda` holds the meeting (`Meeting/When`, `Where`, members), the
committee (`Committee/Name`) and `Items/Item` with `Number`, `Caption`, `Case/Number`,
`IsPublic`, the item text as `Fields/ItemField` (`Caption`, HTML `Content`) and its bilag as
`Enclosures/Enclosure` (`InstantiationFilePathRelative`, the original `FileName`).
"""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

from models.records import Meeting
from parsers.esdh.model import FileRef, PubItem, Publication
from parsers.esdh.xml import html_text, iso_date, parse_xml, text_of
from parsers.readers.errors import ReadError


def read_sbsys(path: Path) -> Publication:
    root, warnings = parse_xml(path.read_bytes())
    agendas = root.findall("Agendas/Agenda") if root.tag == "Publication" else []
    if not agendas:
        raise ReadError("corrupt", "an SBSYS publication without Agendas/Agenda: the export is incomplete; "
                                   "publish it again")
    agenda = agendas[0]
    if len(agendas) > 1:
        warnings.append(f"the publication holds {len(agendas)} agendas; only the first is read")
    date, time = iso_date(text_of(agenda, "Meeting/When"))
    committee = text_of(agenda, "Committee/Name") or text_of(agenda, "Name") or None
    members = [text_of(m, "Name") for m in agenda.findall("Meeting/Members/MeetingMember")]
    absent = [text_of(m, "Name") for m in agenda.findall("Meeting/Members/MeetingMember")
              if text_of(m, "ParticipationStatusAsText").lower() in ("absent", "notparticipating", "fraværende")]
    meeting = Meeting(body=committee, date=date, time=time, place=text_of(agenda, "Meeting/Where") or None,
                      participants=[m for m in members if m], absentees=[m for m in absent if m], profile="sbsys")
    items: list[PubItem] = []
    files: list[FileRef] = []
    for item in agenda.findall("Items/Item"):
        number = text_of(item, "Number")
        title = text_of(item, "Caption")
        if not number and not title:
            continue
        fields = []
        for field in item.findall("Fields/ItemField"):
            content = html_text(field.findtext("Content") or "")
            if content:
                fields.append((text_of(field, "Caption"), content))
        items.append(PubItem(number=number or str(len(items) + 1), title=title,
                             case_number=text_of(item, "Case/Number") or None,
                             closed=text_of(item, "IsPublic").lower() == "false", committee=committee,
                             fields=fields))
        for enc in item.findall("Enclosures/Enclosure"):
            rel = text_of(enc, "InstantiationFilePathRelative")
            names = [PureWindowsPath(rel).as_posix()] if rel else []
            inst = text_of(enc, "InstantiationFileName")
            if inst:
                names.append(f"Enclosures/{inst}")
            original = PureWindowsPath(text_of(enc, "FileName")).name
            if original:
                names.append(original)
            if names:
                files.append(FileRef(role="attachment", item=items[-1].number, names=names,
                                     title=original or None))
    return Publication(system="sbsys", path=str(path), meeting=meeting, items=items, files=files, warnings=warnings)
