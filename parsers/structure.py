"""Agenda items a reader saw in the document's structure (marked lines), before any text heuristics.

A reader that sees items in the tree (a FirstAgenda table row, a numbered heading on a municipal site)
marks each title line with an `ItemMark`: number, title, case number, and the evidence. Such marks are
stronger than any pattern on the text, so `split_items` honours them first and only falls back to the
text heuristics when a document carries none. Marks from a generic path (numbered headings on a page no
publishing system claimed) count only in a document that reads as minutes, so a plan's numbered chapters
published as a web page stay chapters, and only when the text heuristics do not find more items (numbered
sub-headings of one item are not its agenda).
"""

from __future__ import annotations

from models.records import AgendaItem, Document

_GENERIC = ("structure:generic",)


def structure_items(doc: Document) -> tuple[str, list[AgendaItem]] | None:
    """The items of a document whose reader marked them, with the evidence as the profile; else None."""
    from parsers import split  # split imports this module; the helpers are shared, not copied

    lines = doc.lines
    starts = [i for i, line in enumerate(lines) if line.item is not None]
    if not starts:
        return None
    evidence = lines[starts[0]].item.evidence if lines[starts[0]].item else "structure"
    if evidence.startswith(_GENERIC):
        if not split.is_minutes(lines):
            return None
        if len(split.choose_profile(lines)[1]) > len(starts):
            return None  # numbered headings inside one item ("1. Etape"); the text shows more items than they
    items: list[AgendaItem] = []
    for n, i in enumerate(starts):
        mark = lines[i].item
        assert mark is not None
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        head = split._next_content(lines, i, 4)
        head_zone = " ".join(lines[j].text for j in head if j < end)
        case = mark.case_number or split._case_number(head_zone)
        sections = split._sections(lines, i + 1, end)
        closed = mark.closed or bool(split.CLOSED.match(mark.title)) or (
            bool(split.CLOSED.search(head_zone)) and not split.OPEN.search(head_zone))
        tail = end - 1
        while tail > i and not lines[tail].text.strip():
            tail -= 1
        why = [mark.evidence, *(["case_number"] if case else []), *(["sections"] if sections else [])]
        items.append(AgendaItem(
            number=mark.number, title=mark.title, case_number=case, closed=closed, sections=sections,
            decision=split._decision_text(sections), start=lines[i].start, end=lines[tail].end,
            page_start=lines[i].page, page_end=lines[tail].page, evidence=why))
    return evidence, items
