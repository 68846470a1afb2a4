"""A publication as the document the store writes for its XML: the items' numbers, titles, case
numbers and text exactly as the XML holds them, laid out the way minutes print them, so the
goal extractor and the review app read it like any other document."""

from __future__ import annotations

from models.records import AgendaItem, DocLine, Document, Meeting, ParsedDocument, Section
from parsers.esdh.model import Publication


def _add(lines: list[DocLine], parts: list[str], pos: int, text: str, bold: bool = False) -> int:
    table = "\t" in text
    lines.append(DocLine(text=text, page=1, start=pos, end=pos + len(text), bold=bold, is_table_row=table))
    parts.append(text)
    return pos + len(text) + 1


def publication_document(pub: Publication, meeting: Meeting | None = None, goals: bool = True) -> ParsedDocument:
    """`goals=False` when the export holds the referat or the items' PDFs: the goals are found there
    (with pages to show), and finding them here too would count each goal twice."""
    from parsers.split import section_kind

    lines: list[DocLine] = []
    parts: list[str] = []
    pos = 0
    m = meeting or pub.meeting
    head = " ".join(filter(None, [m.body, m.date]))
    if head:
        pos = _add(lines, parts, pos, head, bold=True)
    items: list[AgendaItem] = []
    for item in pub.items:
        start = pos
        pos = _add(lines, parts, pos, f"{item.number}. {item.title}", bold=True)
        if item.case_number:
            pos = _add(lines, parts, pos, f"Sagsnr.: {item.case_number}")
        pos = _add(lines, parts, pos, "Lukket punkt" if item.closed else "Åbent punkt")
        sections: list[Section] = []
        for caption, content in item.fields:
            sec_start = pos
            if caption:
                pos = _add(lines, parts, pos, caption, bold=True)
            for line in content.split("\n"):
                pos = _add(lines, parts, pos, line)
            if caption:
                kind = section_kind(caption) or "other"
                sections.append(Section(heading=caption[:256], kind=kind, text=content, start=sec_start,
                                        end=pos - 1, page_start=1, page_end=1))
        decisions = [s.text for s in sections if s.kind == "decision" and s.text.strip()]
        items.append(AgendaItem(number=item.number, title=item.title, case_number=item.case_number,
                                closed=item.closed, sections=sections, decision=decisions[-1] if decisions else None,
                                start=start, end=max(start, pos - 1), page_start=1, page_end=1))
    text = "\n".join(parts)
    doc = Document(path=pub.path, format="xml", reader=f"esdh-{pub.system}", text=text, lines=lines, page_count=1,
                   warnings=list(pub.warnings))
    found, summaries = [], []
    if goals and text:
        from parsers.extract.goals import extract_goals

        found, summaries = extract_goals(doc, items)
    return ParsedDocument(document=doc, meeting=m.model_copy(update={"profile": pub.system}), items=items,
                          goals=found, summaries=summaries)
