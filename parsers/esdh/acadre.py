"""Acadre publication: `XML_<id>.xml` (the manifest) and `Files_<id>_<docid>/` holding the agenda XML
`<xmlFusionID>.XML`, the referat (`<docID>.docx`, often also as PDF or under the meeting's name)
and the bilag.

The manifest's `producedAgenda` rows name the agenda XML, the referat and the folder (the
published one has `filesfolder`); the agenda XML holds `committee`, `meeting` (`name`, `date`,
`location`) and per item an `agendaitemparents` table whose `sort` field is the item's number,
with `agendaitem` (`name`, `caseno`, `accessname`, `comname`), its text as `bullet` tables
(`bulletname`, HTML `bulletcontent`) and its bilag as `enclosure` tables (`filename`, `name`).
This follows OS2dagsorden's Acadre importer, which reads the same exports.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

from models.records import Meeting
from parsers.esdh.model import FileRef, PubItem, Publication
from parsers.esdh.xml import html_text, iso_date, parse_xml
from parsers.readers.errors import ReadError


def _attr(fields: ET.Element, name: str) -> str:
    for f in fields.findall("field"):
        if name in f.attrib:
            return f.attrib[name].strip()
    return ""


def _named(table: ET.Element | None, name: str) -> str:
    if table is None:
        return ""
    for f in table.findall("fields/field"):
        if f.attrib.get("name") == name:
            return " ".join((f.text or "").split())
    return ""


def _raw_named(table: ET.Element, name: str) -> str:
    for f in table.findall("fields/field"):
        if f.attrib.get("name") == name:
            return f.text or ""
    return ""


def _find_ci(folder: Path, name: str) -> Path | None:
    """Acadre names files in upper case in the XML and mixed case on disk (`3687981.xml` is `3687981.XML`)."""
    direct = folder / name
    if direct.is_file():
        return direct
    try:
        for p in folder.iterdir():
            if p.name.lower() == name.lower() and p.is_file():
                return p
    except OSError:
        return None
    return None


def _produced(root: ET.Element) -> dict[str, str]:
    """The published agenda among the manifest's `producedAgenda` rows: the one with a files folder
    (the last such, the referat after the dagsorden), preferring one marked publish=1."""
    rows = [fields for table in root.findall("table") if table.attrib.get("name") == "producedAgenda"
            for fields in table.findall("fields")]
    keys = ("filesfolder", "xmlfilename", "docfilename", "pdffilename", "publish", "type", "access")
    infos = [{k: _attr(r, k) for k in keys} for r in rows]
    with_folder = [i for i in infos if i["filesfolder"]]
    published = [i for i in with_folder if i["publish"] == "1"] or with_folder
    return published[-1] if published else {}


def read_acadre(path: Path) -> Publication:
    manifest, warnings = parse_xml(path.read_bytes())
    info = _produced(manifest)
    if not info:
        raise ReadError("corrupt", "an Acadre manifest without a published agenda (producedAgenda with a "
                                   "filesfolder): the export is incomplete; publish it again")
    folder = path.parent / info["filesfolder"]
    agenda_xml = _find_ci(folder, info["xmlfilename"]) if info["xmlfilename"] else None
    if agenda_xml is None:
        raise ReadError("corrupt", f"the Acadre manifest names {info['filesfolder']}/{info['xmlfilename']}, which is "
                                   "missing: copy the whole export (the XML_ file and its Files_ folder)")
    root, more = parse_xml(agenda_xml.read_bytes())
    warnings += more
    tables: dict[str | None, ET.Element] = {}
    for t in root.iter("table"):  # the first of each name: the agenda's own committee and meeting, not an item's
        tables.setdefault(t.attrib.get("name"), t)
    committee = _named(tables.get("committee"), "name") or None
    meeting_t = tables.get("meeting")
    date, time = iso_date(_named(meeting_t, "date"))
    members = [_named(m, "name") for c in root.iter("table") if c.attrib.get("name") == "commember"
               for m in c.findall("table") if m.attrib.get("name") == "member"]
    absent = [_named(m, "name") for c in root.iter("table") if c.attrib.get("name") == "meetmember"
              for m in c.findall("table") if m.attrib.get("name") == "member" and _named(m, "absent") == "1"]
    meeting = Meeting(body=committee, date=date, time=time,
                      place=_named(meeting_t, "location") or _named(meeting_t, "address").replace("<br>", ", ") or None,
                      participants=[m for m in members if m], absentees=[a for a in absent if a], profile="acadre")
    rel = PurePosixPath(info["filesfolder"])
    items: list[PubItem] = []
    files: list[FileRef] = []
    doc = info["docfilename"]
    if doc:
        stem = PurePosixPath(doc).stem
        meeting_name = _named(meeting_t, "name")
        names = [str(rel / f"{stem}.pdf"), str(rel / doc)]
        if info["pdffilename"]:
            names.insert(0, str(rel / info["pdffilename"]))
        if meeting_name:
            names += [str(rel / f"{meeting_name}.pdf"), str(rel / f"{meeting_name}.docx")]
        files.append(FileRef(role="minutes", names=names, title=meeting_name or None))
    for parent in (t for t in root.iter("table") if t.attrib.get("name") == "agendaitemparents"):
        item = next((t for t in parent.findall("table") if t.attrib.get("name") == "agendaitem"), None)
        if item is None:
            continue
        number = _named(parent, "sort") or str(len(items) + 1)
        title = _named(item, "name")
        fields = []
        for bullet in (t for t in item.findall("table") if t.attrib.get("name") == "bullet"):
            content = html_text(_raw_named(bullet, "bulletcontent"))
            if content:
                fields.append((_named(bullet, "bulletname"), content))
        access = _named(item, "accessname").lower() or _named(item, "access")
        items.append(PubItem(number=number, title=title, case_number=_named(item, "caseno") or None,
                             closed=access in ("lukket", "2"), committee=_named(item, "comname") or committee,
                             fields=fields))
        for enc in (t for t in item.findall("table") if t.attrib.get("name") == "enclosure"):
            filename, name = _named(enc, "filename"), _named(enc, "name")
            ext = _named(enc, "EnclosureFileType") or (PurePosixPath(filename).suffix if filename else "")
            names = []
            if filename:
                names += [str(rel / f"{PurePosixPath(filename).stem}.PDF"), str(rel / filename)]
            if name:
                names += [str(rel / f"{name}.pdf"), str(rel / f"{name}{ext.lower()}")]
            if names:
                files.append(FileRef(role="attachment", item=number, names=names, title=name or None))
    if not items:
        warnings.append("the agenda XML holds no items (agendaitemparents)")
    return Publication(system="acadre", path=str(path), meeting=meeting, items=items, files=files,
                       warnings=warnings, sources=[str(agenda_xml)])
