"""Split a normalised document into its meeting header and agenda items.

Items need minutes evidence. They come from the body, never from the table of contents: a
numbered line counts as an item start only when the layout profile says so and, for bare
`N. Titel` layouts, when a case number or a section heading follows or the document's own agenda
list names it. A numbered point of a recommendation or decision list ("indstiller, at" / "1.
orienteringen godkendes") and a lowercase title are never items; numbered chapters of a document
with no case numbers, no meeting header and no minutes sections (an annex, a service standard)
are not items either. Unnumbered items are found from the case-number / `Åben sag` line under
their title. Documents without items (slides, e-mails, status notes) yield none.
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.records import AgendaItem, DocLine, Document, Section
from parsers.profiles import (
    CASE_NUMBER,
    CLOSED,
    DECISION_LINE,
    HEADER_LABEL,
    LIST_INTRO_AT,
    OPEN,
    OPEN_CLOSED_LINE,
    PROFILES,
    RECOMMENDATION_HEADING,
    SECTION_WORDS,
    Profile,
)
from parsers.structure import structure_items

_TOC_LINE = re.compile(r"(?:\.{3,}|…)\s*\t?\s*\d{1,4}\s*$|\t\s*\d{1,4}\s*$|\s\d{1,3}\s*$")
_TOC_LEADER = re.compile(r"(?:\.{3,}|…)\s*\t?\s*\d{1,4}\s*$")
_ATTENDANCE = re.compile(
    r"deltog ikke|havde forfald|var fraværende|Følgende deltog ikke|^Fraværende|^Afbud|inhabil", re.I)
_MARKUP = re.compile(r"^\s*#{1,6}\s*|\*\*|__")


def _plain(text: str) -> str:
    return _MARKUP.sub("", text).strip()


@lru_cache(maxsize=65536)
def section_kind(text: str) -> str | None:
    """Kind of section a heading line opens, or None for ordinary text."""
    plain = _plain(text)
    if not plain or len(plain) > 110:
        return None
    if DECISION_LINE.match(plain):
        return "decision"
    key = plain.rstrip(":").strip().lower()
    if key in SECTION_WORDS:
        return SECTION_WORDS[key]
    if RECOMMENDATION_HEADING.match(plain):
        return "recommendation"
    return None


_STRONG_SECTIONS = {"decision", "recommendation", "case", "summary", "process"}


def is_minutes(lines: list[DocLine]) -> bool:
    """Minutes evidence anywhere: a case number, a meeting-header label, a dated decision line,
    or two kinds of minutes section. An annex or a plan has numbered chapters but none of these."""
    kinds: set[str] = set()
    for line in lines:
        text = line.text
        if _case_number(text) or OPEN_CLOSED_LINE.match(_plain(text)) or HEADER_LABEL.match(_plain(text)):
            return True
        kind = section_kind(text)
        if kind == "decision" and DECISION_LINE.match(_plain(text)):
            return True
        if kind in _STRONG_SECTIONS:
            kinds.add(kind)
            if len(kinds) >= 2:
                return True
    return False


_POINT = re.compile(r"^\s*(\d{1,2})[.)]\s+\S")


def recommendation_points(lines: list[DocLine]) -> set[int]:
    """Line indexes of numbered points under "indstiller, at" / "Indstilling" / "Beslutning": never items.

    The list counts up from 1 straight after its intro; it ends at the next section heading,
    case number, or a number out of sequence.
    """
    points: set[int] = set()
    expect = 0  # next number the open list may take; 0 when no list is open
    budget = 0
    for i, line in enumerate(lines):
        text = _plain(line.text)
        if not text:
            continue
        kind = section_kind(text)
        m = _POINT.match(text)
        if expect and m and int(m.group(1)) == expect:
            points.add(i)
            expect += 1
            budget = 12
            continue
        if kind in ("recommendation", "decision") or LIST_INTRO_AT.search(text):
            expect, budget = 1, 6
            continue
        if expect and (kind or _case_number(text) or m):
            expect = 0
            continue
        budget -= 1
        if budget <= 0:
            expect = 0
    return points


def _entry_title(text: str) -> str:
    return re.sub(r"[^\wæøå]+", " ", _plain(text).lower()).strip()


def agenda_list(lines: list[DocLine], profile: Profile) -> dict[str, str]:
    """The document's own agenda list / table of contents: number → title, from runs of item lines."""
    entries: dict[str, str] = {}
    run: list[tuple[str, str]] = []

    def flush() -> None:
        if len(run) >= 2:
            for number, title in run:
                entries.setdefault(number, title)
        run.clear()

    for line in lines:
        text = _item_text(line)
        if text is None:
            continue
        if not text.strip():
            continue
        m = profile.item_start.match(re.sub(r"(?:\.{3,}|…)+\s*\d*\s*$|\s\d{1,3}\s*$", "", text).strip())
        if m:
            run.append((m.group(1), _entry_title(m.group(2))))
        else:
            flush()
    flush()
    return entries


def _item_text(line: DocLine) -> str | None:
    """The text an item heading is matched on; a table row only when it is `N. | Titel` (HTML exports)."""
    if not line.is_table_row:
        return line.text
    cells = [c.strip() for c in line.text.split("\t") if c.strip()]
    if 2 <= len(cells) <= 4 and re.fullmatch(r"(?:Punkt\s+)?\d{1,4}\.?:?", cells[0], re.I):
        return " ".join(cells[:2])
    return None


def _case_number(text: str) -> str | None:
    m = CASE_NUMBER.search(text)
    if not m:
        return None
    value = m.group("sagsnr") or m.group("emn") or m.group("kle")
    return " ".join(value.split()) if value else None


def _next_content(lines: list[DocLine], i: int, n: int) -> list[int]:
    out = []
    j = i + 1
    while j < len(lines) and len(out) < n:
        if lines[j].text.strip():
            out.append(j)
        j += 1
    return out


def _has_body(lines: list[DocLine], i: int) -> bool:
    """A case number, or a section heading reached through short lines only, follows soon."""
    for j in _next_content(lines, i, 3):
        text = lines[j].text
        if _case_number(text) or section_kind(text):
            return True
        if len(text) > 120:
            return False
    return False


def _candidates(lines: list[DocLine], profile: Profile) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    points = recommendation_points(lines)
    listed = agenda_list(lines, profile) if profile.needs_body else {}
    for i, line in enumerate(lines):
        text = _item_text(line)
        if text is None or len(text) > 250 or i in points:
            continue
        m = profile.item_start.match(text)
        if not m or re.search(r"\.{4,}|…", text):
            continue
        title = m.group(2).strip()
        if _plain(title)[:1].islower():
            continue  # "2. det drøftes at …": a point of a list, not an item title
        if profile.name != "firstagenda" and _TOC_LINE.search(text):
            continue
        following = _next_content(lines, i, 1)
        if following and _TOC_LEADER.search(lines[following[0]].text):
            continue  # a contents entry whose title wrapped onto its dot-leader line
        if following and (nxt := _item_text(lines[following[0]])) and profile.item_start.match(nxt):
            continue  # a run of item lines is a table of contents, not the body
        if profile.needs_body and not _has_body(lines, i) and listed.get(m.group(1)) != _entry_title(title):
            continue
        found.append((i, m.group(1), title))
    def cased(i: int) -> bool:
        return any(_case_number(lines[j].text) for j in _next_content(lines, i, 3))

    if profile.name == "numbered" and any(lines[i].bold and cased(i) for i, _, _ in found):
        # where item headings are bold over their case number, a plain numbered line with no case
        # number of its own is a list point, not an item
        found = [f for f in found if lines[f[0]].bold or cased(f[0])]
    return _numbered_chain(found) if profile.name != "firstagenda" else found


def _numbered_chain(found: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Longest run of item numbers that rises by small steps: drops stray `2013. Det …` lines."""
    best: list[list[int]] = []
    for k, (_, number, _) in enumerate(found):
        chain = [k]
        for j in range(k):
            prev = int(found[j][1])
            if 0 < int(number) - prev <= 3 and len(best[j]) + 1 > len(chain):
                chain = best[j] + [k]
        best.append(chain)
    longest = max(best, key=len, default=[])
    return [found[k] for k in longest]


def _bare_headings(lines: list[DocLine]) -> list[tuple[int, str, str]]:
    """Unnumbered item headings: a short heading line whose next line is a case number.

    Numbers are given in reading order, since the source prints none.
    """
    found: list[tuple[int, str, str]] = []
    for i, line in enumerate(lines):
        text = _plain(line.text)
        if not text or len(text) > 150 or text.endswith((".", ":", ",")) or line.is_table_row:
            continue
        if section_kind(text) or _case_number(text) or not text[:1].isupper():
            continue
        following = _next_content(lines, i, 1)
        if not following:
            continue
        nxt = _plain(lines[following[0]].text)
        m = CASE_NUMBER.match(nxt) or re.match(r"^(?:Sagsnr|Sags\s*nr|Journalnr|J\.\s*nr)\.?", nxt, re.I) \
            or OPEN_CLOSED_LINE.match(nxt)
        if m and len(nxt) < 80:
            found.append((i, str(len(found) + 1), text))
    return found


def choose_profile(lines: list[DocLine]) -> tuple[str, list[tuple[int, str, str]]]:
    minutes = is_minutes(lines)
    for profile in PROFILES:
        if profile.needs_body and not minutes:
            continue  # numbered chapters of an annex, a plan or a service standard are not items
        hits = _candidates(lines, profile)
        if len(hits) >= profile.min_hits or len(hits) == 1 and _has_body(lines, _title_continuation(
                lines, hits[0][0], len(lines))[1]):
            return profile.name, hits  # one item is enough when its case number or a section follows
    bare = _bare_headings(lines)
    if len(bare) >= 2 or len(bare) == 1 and _has_body(lines, _next_content(lines, bare[0][0], 1)[0]):
        return "generic", bare
    return "generic", []


def _title_continuation(lines: list[DocLine], i: int, end: int) -> tuple[str, int]:
    """Join a title that wraps onto following lines; return it and the last line used."""
    title_line = lines[i]
    parts: list[str] = []
    last = i
    for j in range(i + 1, min(end, i + 3)):
        text = lines[j].text.strip()
        if not text or _case_number(text) or section_kind(text) or lines[j].is_table_row \
                or OPEN_CLOSED_LINE.match(_plain(text)):
            break
        following = _next_content(lines, j, 1)
        ends_title = bool(following) and (
            _case_number(lines[following[0]].text) is not None or section_kind(lines[following[0]].text) is not None
            or bool(OPEN_CLOSED_LINE.match(_plain(lines[following[0]].text))))
        both_bold = title_line.bold and lines[j].bold
        if not (both_bold or ends_title) or text.endswith(".") and not both_bold:
            break
        parts.append(_plain(text))
        last = j
        if ends_title:
            break
    return " ".join(parts), last


def _sections(lines: list[DocLine], first: int, end: int) -> list[Section]:
    heads = [(j, section_kind(lines[j].text)) for j in range(first, end)]
    heads = [(j, k) for j, k in heads if k and not lines[j].is_table_row]
    sections = []
    for n, (j, kind) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else end
        text = "\n".join(ln.text for ln in lines[j + 1:stop]).strip()
        start = lines[j].start
        stop_off = lines[stop - 1].end if stop - 1 > j else lines[j].end
        sections.append(Section(
            heading=_plain(lines[j].text), kind=kind or "other", text=text, start=start, end=stop_off,
            page_start=lines[j].page, page_end=lines[stop - 1].page if stop - 1 >= j else lines[j].page))
    return sections


def _decision_text(sections: list[Section]) -> str | None:
    for sec in sections:
        if sec.kind == "decision":
            kept = []
            for line in sec.text.split("\n"):
                if _ATTENDANCE.search(line):
                    break
                kept.append(line)
            text = "\n".join(kept).strip()
            return text or None
    return None


def split_items(doc: Document) -> tuple[str, list[AgendaItem]]:
    structural = structure_items(doc)  # items the reader saw in the document's structure come first
    if structural is not None:
        return structural
    lines = doc.lines
    profile, hits = choose_profile(lines)
    items: list[AgendaItem] = []
    for n, (i, number, title) in enumerate(hits):
        end = hits[n + 1][0] if n + 1 < len(hits) else len(lines)
        extra, last = _title_continuation(lines, i, end)
        full_title = _plain(f"{title} {extra}".strip())
        head_zone = " ".join(lines[j].text for j in _next_content(lines, last, 4))
        case = _case_number(head_zone)
        sections = _sections(lines, last + 1, end)
        closed = bool(CLOSED.match(full_title)) or (bool(CLOSED.search(head_zone)) and not OPEN.search(head_zone))
        tail = end - 1
        while tail > i and not lines[tail].text.strip():
            tail -= 1
        items.append(AgendaItem(
            number=number, title=full_title, case_number=case, closed=closed, sections=sections,
            decision=_decision_text(sections), start=lines[i].start, end=lines[tail].end,
            page_start=lines[i].page, page_end=lines[tail].page))
    return profile, items
