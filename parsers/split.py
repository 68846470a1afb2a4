"""Split a normalised document into its meeting header and agenda items.

Items need a reason, and each item records it (`AgendaItem.evidence`): the document's own agenda
list (a contents page, `Punkter på dagsordenen`, a `Pkt. | Tekst` table) names every item of the
meeting, so each listed item is stored, with its body where the document has one and
`listed_only` where it has none (a cut web page, a dagsorden whose item texts are separate files).
Body headings and list entries are paired by number and title. Numbered lines inside an item's
decision or recommendation, and participant lists, never start items. A PDF transcript flattened
to one line a page is first cut back into lines at item headings (number + title + a case-number
label), list entries and section words.

Body headings need minutes evidence. They come from the body, never from the table of contents: a
numbered line counts as an item start only when the layout profile says so and, for bare
`N. Titel` layouts, when a case number or a section heading follows or the document's own agenda
list names it. A numbered point of a recommendation or decision list ("indstiller, at" / "1.
orienteringen godkendes") and a lowercase title are never items; numbered chapters of a document
with no case numbers, no meeting header and no minutes sections (an annex, a service standard)
are not items either. Unnumbered items are found from the case-number / `Åben sag` line under
their title. `Punkt 12` alone on its line is joined to the title on the next line first. An unnumbered
contents page pairs with numbered body headings by title and numbers its other entries only where the
bodies show consecutive numbering in list order. Documents without items (slides, e-mails, status notes) yield none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from models.records import AgendaItem, DocLine, Document, Section
from parsers.profiles import (
    AGENDA_LIST_HEADING,
    AGENDA_LIST_SUBHEADING,
    CASE_NUMBER,
    CLOSED,
    CONTENTS_HEADING_WORDS,
    CONTROL_LINE_WORDS,
    CONTROL_WORDS,
    DECISION_LINE,
    FLATTENED_LINE_CHARS,
    HEADER_LABEL,
    ITEM_LABEL,
    LIST_ENTRY_NOT_TITLE,
    LIST_INTRO_AT,
    LONE_ITEM_NUMBER,
    OPEN,
    OPEN_CLOSED_LINE,
    PARTICIPANT_HEADING,
    PROFILES,
    RECOMMENDATION_HEADING,
    SECTION_WORDS,
    TITLE_TIME_SLOT,
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
    """Line indexes of numbered points under "indstiller, at" / "Indstilling" / "Beslutning" or a
    participant heading (`Deltagere`, `Fraværende`): never items.

    The list counts up from 1 straight after its intro; it ends at the next section heading,
    case number, a number out of sequence, or a numbered line with a case number under it (the
    next item's heading).
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
        if expect and m and int(m.group(1)) == expect and not _strong_body(lines, i):
            points.add(i)
            expect += 1
            budget = 12
            continue
        if kind in ("recommendation", "decision") or LIST_INTRO_AT.search(text) or PARTICIPANT_HEADING.match(text):
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


def clean_title(title: str) -> str:
    """An item title without what web pages print around it: control words, the item's time slot."""
    out = _plain(title).lstrip("-–: ").strip()  # "Punkt 3 - Titel"
    label = ITEM_LABEL.search(out)
    if label and label.start() >= 3:
        out = out[:label.start()]  # "1. Titel Sagsnr.: 24/1" printed on one line
    for _ in range(3):
        before = out
        out = CONTROL_WORDS.sub("", out).strip()
        out = TITLE_TIME_SLOT.sub("", out).strip()
        out = out.rstrip(" -–|").strip()
        if out == before:
            break
    return out or _plain(title)


def _is_control(text: str) -> bool:
    """A line that is only a web page's control words (`Udskriv`, `Til toppen`, `Hent som PDF`)."""
    if len(text) > 80:
        return False
    plain = _plain(text)
    if not plain or len(plain) >= 60:
        return False
    rest = CONTROL_WORDS.sub("", plain).strip(" |•·-–")
    return not rest or all(w in CONTROL_LINE_WORDS for w in re.split(r"[\s|•·]+", rest.lower()) if w)


def agenda_list(lines: list[DocLine], profile: Profile,
                listed: list[Entry] | None = None) -> dict[str, tuple[str, int]]:
    """Runs of item lines (an agenda list with or without its heading): number → (title, its line). They
    confirm body headings elsewhere; only a headed list (`agenda_entries`) makes items of its own."""
    entries: dict[str, tuple[str, int]] = {}
    run: list[tuple[str, str, int]] = []

    def flush() -> None:
        if len(run) >= 2:
            for number, title, index in run:
                entries.setdefault(number, (title, index))
        run.clear()

    for index, line in enumerate(lines):
        text = _item_text(line)
        if text is None:
            continue
        if not text.strip():
            continue
        if len(text) > 300:
            flush()
            continue
        m = profile.item_start.match(re.sub(r"(?:\.{3,}|…)+\s*\d*\s*$|\s\d{1,3}\s*$", "", text).strip())
        if m:
            run.append((m.group("num"), _entry_title(clean_title(m.group("title"))), index))
        else:
            flush()
    flush()
    for entry in agenda_entries(lines, is_minutes(lines)) if listed is None else listed:
        entries[entry.number] = (_entry_title(entry.title), entry.index)
    return entries


@dataclass(frozen=True)
class Entry:
    """An item the document's own agenda list names: its number, title and the list line(s)."""

    index: int
    last: int
    number: str
    title: str
    case_number: str | None = None  # the entry's row runs on into its case number (and body)


_LIST_ENTRY = re.compile(
    r"^(?:[•·▪◦●]|[-–](?=\s))?\s*(?:(?:Punkt|Pkt\.?)\s*)?(?P<num>\d{1,4})(?:\s*[.:)]?\s+|\.(?=(?-i:[A-ZÆØÅ])))"
    r"(?P<title>\S.*)$", re.I)
_PAGE_REF = re.compile(r"(?:\s*(?:\.{2,}|…|_{3,}))+\s*(?:\d{1,4}|[ivxlcdm]{1,7})?\s*$", re.I)
_TRAILING_ARABIC = re.compile(r"\s+\d{1,3}\s*$")
_TRAILING_ROMAN = re.compile(r"\s+[ivxlcdm]{1,7}\s*$", re.I)


def _entry_line(text: str) -> tuple[str, str] | None:
    m = _LIST_ENTRY.match(text)
    if not m or _plain(m.group("title"))[:1] in ("%", ")") or LIST_ENTRY_NOT_TITLE.match(m.group("title")):
        return None
    title = m.group("title")
    label = CASE_NUMBER.search(title) or ITEM_LABEL.search(title)
    if label and label.start() >= 3:
        title = title[:label.start()]  # a row that runs on into the item's case number and body
    return m.group("num"), title


def _list_text(line: DocLine) -> str:
    """A list line as text; a table row `N | Titel | …` as its number and title cells only."""
    if line.is_table_row:
        cells = [c.strip() for c in line.text.split("\t") if c.strip()]
        if len(cells) >= 2 and re.fullmatch(r"(?:Punkt\s+|Pkt\.?\s*)?\d{1,4}[.:)]?", cells[0], re.I):
            return _plain(f"{cells[0]} {cells[1]}")
    return _plain(line.text.replace("\t", " "))


def _read_list(lines: list[DocLine], i: int, rest: str) -> list[tuple[int, int, str, str]]:
    """Entries of the agenda list headed at line `i` (with `rest` glued to the heading):
    (first line, last line, number, raw title). Wrapped titles are joined; open/closed
    sub-headings are passed over; the list ends at the first other line or a number that does not rise."""
    raw: list[tuple[int, int, str, str]] = []
    if rest:
        got = _entry_line(rest)
        if not got:
            return []
        raw.append((i, i, *got))
        glued = True
    else:
        glued = False
    blanks = 0
    for j in range(i + 1, len(lines)):
        text = _list_text(lines[j])
        if not text or _is_control(text):
            blanks += 1
            if blanks > 3 and raw:
                break
            continue
        blanks = 0
        if AGENDA_LIST_SUBHEADING.match(text) or (not raw and AGENDA_LIST_HEADING.match(text)):
            continue
        got = _entry_line(text)
        if got and not (raw and int(got[0]) <= int(raw[-1][2])):
            raw.append((j, j, *got))
            if _label_next(lines, j) and not _PAGE_REF.search(text):
                break  # a body heading straight under the list heading: the list was the body
            continue
        if raw and not got and len(text) < 120 and not (
                section_kind(text) or _case_number(text) or ITEM_LABEL.search(text) or HEADER_LABEL.match(text)) and (
                text[:1].islower() or (_page_number(text) and not _page_number(raw[-1][3]))):
            first, _, number, title = raw[-1]
            raw[-1] = (first, j, number, f"{title} {text}")
            continue
        if raw and not got and not _body_line(text) and any(
                (e := _entry_line(_list_text(lines[k]))) and int(e[0]) == int(raw[-1][2]) + 1
                for k in _next_content(lines, j, 2)):
            continue  # a teaser line under an entry, the next entry right after it
        break
    return raw if len(raw) >= 2 or not glued else []


def _body_line(text: str) -> bool:
    """A line that belongs to an item's body or the meeting header, never to an agenda list."""
    return bool(section_kind(text) or _case_number(text) or ITEM_LABEL.search(text) or HEADER_LABEL.match(text)
                or PARTICIPANT_HEADING.match(text))


def _page_number(text: str) -> bool:
    return bool(_PAGE_REF.search(text) or _TRAILING_ARABIC.search(text) or re.search(r"\t\s*\d{1,4}\s*$", text))


def agenda_entries(lines: list[DocLine], minutes: bool) -> list[Entry]:
    """Every item the document's own headed agenda lists name, in list order, numbers unique.

    A generic contents heading (`Indholdsfortegnelse`) counts only in minutes: an annex or a plan
    lists numbered chapters under one too."""
    out: list[Entry] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if len(line.text) > 250:
            continue
        text = _list_text(line)
        m = AGENDA_LIST_HEADING.match(text)
        if not m:
            continue
        head = " ".join(m.group("head").lower().split())
        if head in CONTENTS_HEADING_WORDS and not minutes:
            continue
        rest = m.group("rest").strip()
        if rest and not _entry_line(rest) and (line.is_table_row or len(rest) <= 30 and not re.search(r"\d", rest)):
            rest = ""  # column words of a list's header row ("Pkt. | Tekst | Sag"), a heading's own words
        raw = _read_list(lines, i, rest)
        if not raw:
            continue
        arabic = sum(bool(_TRAILING_ARABIC.search(t)) for *_, t in raw) * 2 >= len(raw) >= 2 or (
            len(raw) == 1 and bool(re.search(r"\s\d{1,3}\s*$", raw[0][3])) and head in CONTENTS_HEADING_WORDS)
        roman = sum(bool(_TRAILING_ROMAN.search(t)) for *_, t in raw) * 2 >= len(raw) >= 2
        for first, last, number, title in raw:
            had_leader = bool(_PAGE_REF.search(title))
            title = _PAGE_REF.sub("", title)
            if not had_leader and arabic:
                title = _TRAILING_ARABIC.sub("", title)
            elif not had_leader and roman:
                title = _TRAILING_ROMAN.sub("", title)
            title = clean_title(title)
            if number in seen or not title:
                continue
            seen.add(number)
            out.append(Entry(first, last, number, title, _case_number(_list_text(lines[first]))))
    return out


_TAB_PAGE = re.compile(r"\t\s*\d{1,4}\s*$")


def unnumbered_entries(lines: list[DocLine], minutes: bool) -> list[tuple[int, str]]:
    """Entries of a headed contents page whose entries carry no numbers (FirstAgenda PDF contents: titles
    with dot leaders and page numbers): (line, title) in list order. Only in minutes; a title wrapped over
    two lines is joined; the list ends at the first line that is neither an entry nor its first half."""
    if not minutes:
        return []
    for i, line in enumerate(lines):
        if len(line.text) > 250:
            continue
        m = AGENDA_LIST_HEADING.match(_list_text(line))
        if not m or m.group("rest").strip():
            continue
        out: list[tuple[int, str]] = []
        pending: tuple[int, str] | None = None
        blanks = 0
        for j in range(i + 1, len(lines)):
            raw = lines[j].text
            text = _plain(raw.replace("\t", " "))
            if not text or _is_control(text):
                blanks += 1
                if blanks > 3 and out:
                    break
                continue
            blanks = 0
            if AGENDA_LIST_SUBHEADING.match(text) and not out:
                continue
            leader = bool(_PAGE_REF.search(text) and re.search(r"\d\s*$", text))  # dots and a page number
            if _entry_line(text) or _body_line(text):
                break
            if leader or _TAB_PAGE.search(raw):
                bare = _PAGE_REF.sub("", text) if leader else _plain(_TAB_PAGE.sub("", raw).replace("\t", " "))
                title = clean_title(bare)
                first = pending[0] if pending else j
                title = f"{pending[1]} {title}" if pending else title
                pending = None
                if title:
                    out.append((first, title))
                continue
            if pending is None and len(text) < 150:
                pending = (j, text)  # the first line of a wrapped entry
                continue
            break
        if len(out) >= 2:
            return out
    return []


def _number_unnumbered(listed: list[tuple[int, str]], hits: list[tuple[int, str, str]]) -> list[Entry]:
    """Numbers for the entries of an unnumbered contents page, from the numbered body headings it lists.
    Every body heading must pair with an entry by title; where two or more pairs agree that the items are
    numbered consecutively in list order (number − position constant), every entry takes the number its
    position implies; otherwise only the paired entries count (confirmation, no invented numbers)."""
    positions: list[tuple[int, int]] = []  # (list position, body number)
    used: set[int] = set()
    for _, number, title in hits:
        pos = next((k for k, (_, t) in enumerate(listed) if k not in used and _same_title(t, clean_title(title))),
                   None)
        if pos is None or not number.isdigit():
            return []  # a body item the list does not name: the list is not the meeting's agenda
        used.add(pos)
        positions.append((pos, int(number)))
    offsets = {n - pos for pos, n in positions}
    if len(positions) >= 2 and len(offsets) == 1 and min(offsets) >= 1:
        start = offsets.pop()
        return [Entry(index, index, str(start + k), title) for k, (index, title) in enumerate(listed)]
    numbers = dict(positions)
    return [Entry(listed[k][0], listed[k][0], str(numbers[k]), listed[k][1]) for k in sorted(numbers)]


_HEADLESS_ENTRY = re.compile(
    r"^(?:(?:[•·▪◦●]|[-–](?=\s))\s*(?:(?:Punkt|Pkt\.?)\s*)?(?P<bnum>\d{1,4})\.?|(?:(?:Punkt|Pkt\.?)\s*)?(?P<num>\d{1,4})\.)"
    r"\s+(?P<title>(?-i:[A-ZÆØÅ0-9«\"“]).*)$", re.I)


def headless_list(lines: list[DocLine], points: set[int]) -> list[Entry]:
    """An agenda list printed without its heading at the top of a minutes page: the longest run of three
    or more numbered lines counting up by one before the first section heading, case number or label
    (a numbered participant list is passed over)."""
    best: list[Entry] = []
    run: list[Entry] = []
    for i, line in enumerate(lines):
        text = _list_text(line)
        if not text or _is_control(text) or AGENDA_LIST_SUBHEADING.match(text):
            continue
        if section_kind(text) or _case_number(text) or ITEM_LABEL.search(text):
            break
        # an agenda title is a name, not a sentence: "1. Flere unge skal i uddannelse." is a goal of a list
        m = _HEADLESS_ENTRY.match(text) if i not in points and len(text) < 160 and not text.endswith(".") else None
        number = m and (m.group("num") or m.group("bnum"))
        if m and number and (not run or int(number) == int(run[-1].number) + 1):
            title = clean_title(_PAGE_REF.sub("", m.group("title")))
            run.append(Entry(i, i, number, title))
            continue
        if len(run) > len(best):
            best = run
        run = [Entry(i, i, number, clean_title(m.group("title")))] if m and number else []
    if len(run) > len(best):
        best = run
    return best if len(best) >= 3 else []


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
    """The next `n` lines with text, passing over a web page's control words (`Udskriv`, `Til toppen`)."""
    out = []
    j = i + 1
    while j < len(lines) and len(out) < n:
        if lines[j].text.strip() and not _is_control(lines[j].text):
            out.append(j)
        j += 1
    return out


def _has_body(lines: list[DocLine], i: int) -> bool:
    """A case number, or a section heading reached through short lines only, follows soon."""
    for j in _next_content(lines, i, 3):
        text = lines[j].text
        if _case_number(text) or section_kind(text) or ITEM_LABEL.search(text) and len(text) < 160:
            return True
        if len(text) > 120 or _POINT.match(_plain(text)) or any(p.item_start.match(text) for p in PROFILES):
            return False
    return False


def _strong_body(lines: list[DocLine], i: int) -> bool:
    """A case number or an item label (`Sagsnr.:`, `Dok.nr.:`, `Åben sag`) right under line `i`."""
    for j in _next_content(lines, i, 3):
        text = lines[j].text
        if _case_number(text) or (ITEM_LABEL.search(text) and len(text) < 160) or OPEN_CLOSED_LINE.match(_plain(text)):
            return True
        if len(text) > 120 or section_kind(text) or _POINT.match(_plain(text)) \
                or any(p.item_start.match(text) for p in PROFILES):
            return False  # a label under the next numbered line is that line's
    return False


def _label_next(lines: list[DocLine], i: int) -> bool:
    """The very next line with text is a case number or an item label (not the next entry of a list
    whose rows carry their case numbers)."""
    nxt = _next_content(lines, i, 1)
    text = lines[nxt[0]].text if nxt else ""
    return bool(nxt) and not _entry_line(_list_text(lines[nxt[0]])) and bool(
        _case_number(text) or (ITEM_LABEL.search(text) and len(text) < 160) or OPEN_CLOSED_LINE.match(_plain(text)))


def _candidates(lines: list[DocLine], profile: Profile, entries: list[Entry]) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    points = recommendation_points(lines)
    listed = agenda_list(lines, profile, entries) if profile.needs_body else {}
    # the agenda list's own lines are entries, not body headings (unless a case number stands under one:
    # a "Dagsorden" heading straight over the first item)
    in_list = {j for e in entries for j in range(e.index, e.last + 1) if not _label_next(lines, e.last)}
    zone = False  # inside an item's decision or recommendation, or a participant list
    last_number = 0
    for i, line in enumerate(lines):
        text = _item_text(line)
        if text is None:
            continue
        if len(text) > 250 or i in points or i in in_list:
            continue
        if profile.needs_body and len(text) <= 110 and (section_kind(text) in ("decision", "recommendation")
                                                        or PARTICIPANT_HEADING.match(_plain(text))):
            zone = True
        m = profile.item_start.match(text)
        if not m or re.search(r"\.{4,}|…\s*\d", text):
            continue
        title = clean_title(m.group("title"))
        number = m.group("num")
        named = number in listed and listed[number][0] == _entry_title(title) and listed[number][1] != i
        if title[:1].islower() and not named:
            continue  # "2. det drøftes at …": a point of a list, not an item title
        if profile.name != "firstagenda" and _TOC_LINE.search(text) and not named:
            continue
        following = _next_content(lines, i, 1)
        if following and _TOC_LEADER.search(lines[following[0]].text):
            continue  # a contents entry whose title wrapped onto its dot-leader line
        if following and (nxt := _item_text(lines[following[0]])) and profile.item_start.match(nxt) \
                and not _strong_body(lines, i):
            continue  # a run of item lines is a table of contents, not the body
        if profile.needs_body and not _has_body(lines, i) and not named:
            continue
        if zone and not _strong_body(lines, i) and not (
                (not last_number or int(number) in range(last_number + 1, last_number + 4) or named)
                and _has_body(lines, i)):
            continue  # a decision point, a reference to another item, a participant: not an item
        found.append((i, number, title))
        zone, last_number = False, int(number)

    def cased(i: int) -> bool:
        return any(_case_number(lines[j].text) for j in _next_content(lines, i, 3))

    if profile.name == "numbered" and any(lines[i].bold and cased(i) for i, _, _ in found):
        # where item headings are bold over their case number, a plain numbered line with no case
        # number of its own is a list point, not an item
        found = [f for f in found if lines[f[0]].bold or cased(f[0])]
    return _numbered_chain(found, set(listed)) if profile.name != "firstagenda" else found


def _numbered_chain(found: list[tuple[int, str, str]], listed: set[str] | None = None) -> list[tuple[int, str, str]]:
    """Longest run of item numbers that rises by small steps: drops stray `2013. Det …` lines. Where the
    agenda list names the number, any rise will do (a page with bodies for some items only)."""
    best: list[list[int]] = []
    for k, (_, number, _) in enumerate(found):
        chain = [k]
        for j in range(k):
            prev = int(found[j][1])
            step = int(number) - prev
            if (0 < step <= 3 or step > 0 and number in (listed or ())) and len(best[j]) + 1 > len(chain):
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


def choose_profile(lines: list[DocLine], entries: list[Entry] | None = None) -> tuple[str, list[tuple[int, str, str]]]:
    minutes = is_minutes(lines)
    if entries is None:
        entries = agenda_entries(lines, minutes)
    for profile in PROFILES:
        if profile.needs_body and not minutes:
            continue  # numbered chapters of an annex, a plan or a service standard are not items
        hits = _candidates(lines, profile, entries)
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
                or OPEN_CLOSED_LINE.match(_plain(text)) or _is_control(text) or ITEM_LABEL.search(text):
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


# --- PDF transcripts flattened to one line a page ---------------------------------------------

_FLAT_ITEM = re.compile(
    r"(?<!\S)(?P<num>\d{1,3})\.\s+(?P<title>(?-i:[A-ZÆØÅ0-9«\"“])(?:(?!\s\d{1,3}\.\s+(?-i:[A-ZÆØÅ])).){2,160}?)\s+(?="
    + ITEM_LABEL.pattern + ")", re.I)
# capitalised as a heading: "Godkendelse af dagsorden" in an entry is no list heading
_FLAT_LIST_HEAD = re.compile(
    r"(?<!\S)(?:Indholdsfortegnelse|INDHOLDSFORTEGNELSE|Punkter\s+på\s+dagsordenen|PUNKTER\s+PÅ\s+DAGSORDENEN|Dagsorden"
    r"|DAGSORDEN)(?![^\W\d_])(?:\s+(?:Side|SIDE|Pkt\.?|PKT\.?|Tekst|TEKST)\b\.?)*")
_FLAT_ENTRY = re.compile(r"(?<!\S)(\d{1,3})\.\s+(?-i:[A-ZÆØÅ0-9«\"“])", re.I)
_FLAT_SECTION = re.compile(
    r"(?<=[\s.:])(?-i:" + "|".join(sorted(
        (re.escape(w[:1].upper() + w[1:]).replace(r"\ ", r"\s+") for w, k in SECTION_WORDS.items()
         if k in ("decision", "recommendation", "case", "summary", "background")),
        key=len, reverse=True)) + r")(?=\s+(?-i:[A-ZÆØÅ0-9]))")


def _flat_cuts(text: str, flattened: bool = True) -> list[int]:
    """Where a one-line page breaks into lines: before item headings and their labels, before a list
    heading and each of its entries, around section words. In a document that is not flattened, only a
    line that starts with an item heading or a list heading is cut."""
    cuts: set[int] = set()
    if not flattened and not (_FLAT_ITEM.match(text) or _FLAT_LIST_HEAD.match(re.sub(r"^\d{1,3}\s+", "", text))):
        return []
    items = [m for m in _FLAT_ITEM.finditer(text) if flattened or m.start() == 0]
    for m in items:
        cuts.update((m.start("num"), m.end("title")))
    body_starts = [m.start("num") for m in items]
    for head in _FLAT_LIST_HEAD.finditer(text):
        stop = next((b for b in body_starts if b > head.end()), len(text))
        entries = [e for e in _FLAT_ENTRY.finditer(text, head.end(), stop)]
        expect = int(entries[0].group(1)) if entries else 0
        found = []
        for e in entries:
            if int(e.group(1)) == expect:
                found.append(e.start())
                expect += 1
        if len(found) >= 2 or found and head.end() == found[0] - 1:
            cuts.update((head.start(), head.end(), *found))
    if items and flattened:
        for m in _FLAT_SECTION.finditer(text, items[0].start()):
            cuts.update((m.start(), m.end()))
    return sorted(c for c in cuts if 0 < c < len(text))


def unflatten(lines: list[DocLine]) -> list[DocLine]:
    """Lines of a document whose pages were flattened to one line each, cut back into lines;
    every other line as it is. Offsets stay offsets into the document text."""
    flattened = any(len(ln.text) >= FLATTENED_LINE_CHARS for ln in lines)
    out: list[DocLine] = []
    for line in lines:  # a flattened document's short pages are one line too
        cuts = _flat_cuts(line.text, flattened) if len(line.text) >= 20 else []
        if not cuts:
            out.append(line)
            continue
        bounds = [0, *cuts, len(line.text)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            piece = line.text[a:b]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if piece and not (a == 0 and piece.isdigit()):  # the page's own number, printed first
                start = line.start + a + lead
                out.append(line.model_copy(update={"text": piece, "start": start, "end": start + len(piece)}))
    return out


def _lone_title(lines: list[DocLine], i: int) -> int | None:
    """The line holding the title under a lone `Punkt 12` line, if the next line with text can be one."""
    nxt = _next_content(lines, i, 1)
    if not nxt or nxt[0] - i > 3:
        return None
    text = _plain(lines[nxt[0]].text)
    if not text or len(text) > 200 or lines[nxt[0]].is_table_row or not re.match(r"[A-ZÆØÅ0-9«\"“]", text):
        return None
    if section_kind(text) or _case_number(text) or ITEM_LABEL.search(text) or OPEN_CLOSED_LINE.match(text) \
            or LONE_ITEM_NUMBER.match(text) or _TOC_LINE.search(text):
        return None
    return nxt[0]


def join_lone_numbers(lines: list[DocLine]) -> list[DocLine]:
    """`Punkt 12` alone on its line with the title on the next (PDF exports of several ESDH systems) joined
    to one `Punkt 12: Titel` line, so the item profiles read it as a heading. A pair counts when a case
    number or a section heading follows the title (or its second line), or when three or more such pairs
    count up by one: a lone number before a sentence or a contents entry stays as it is."""
    pairs: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        m = LONE_ITEM_NUMBER.match(line.text) if len(line.text) < 40 else None
        title = _lone_title(lines, i) if m else None
        if m and title is not None:
            pairs.append((i, title, m.group("num")))
    if not pairs:
        return lines
    numbers = [int(n) for *_, n in pairs]
    run = len(pairs) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    keep = {i: (t, n) for i, t, n in pairs
            if run or _has_body(lines, t) or any(_has_body(lines, j) for j in _next_content(lines, t, 1))}
    out: list[DocLine] = []
    skip: set[int] = set()
    for i, line in enumerate(lines):
        if i in skip:
            continue
        if i in keep:
            t, number = keep[i]
            title = lines[t]
            out.append(line.model_copy(update={
                "text": f"Punkt {number}: {_plain(title.text)}", "end": title.end, "bold": title.bold or line.bold}))
            skip.update(range(i + 1, t + 1))
            continue
        out.append(line)
    return out


# --- items --------------------------------------------------------------------------------------

def _same_title(a: str, b: str) -> bool:
    x, y = _entry_title(a), _entry_title(b)
    if not x or not y:
        return False
    if x == y or (min(len(x), len(y)) >= 12 and (x.startswith(y) or y.startswith(x))):
        return True
    return SequenceMatcher(None, x, y).ratio() >= 0.75


def _body_item(lines: list[DocLine], hits: list[tuple[int, str, str]], n: int, profile: str) -> AgendaItem:
    i, number, title = hits[n]
    end = hits[n + 1][0] if n + 1 < len(hits) else len(lines)
    extra, last = _title_continuation(lines, i, end)
    full_title = clean_title(f"{title} {extra}".strip())
    head_zone = " ".join(lines[j].text for j in _next_content(lines, last, 4))
    case = _case_number(head_zone)
    sections = _sections(lines, last + 1, end)
    closed = bool(CLOSED.match(full_title)) or (bool(CLOSED.search(head_zone)) and not OPEN.search(head_zone))
    tail = end - 1
    while tail > i and not lines[tail].text.strip():
        tail -= 1
    evidence = ["body_heading"]
    if case or ITEM_LABEL.search(head_zone):
        evidence.append("case_number")
    if sections:
        evidence.append("sections")
    evidence.append(f"profile:{profile}")
    return AgendaItem(
        number=number, title=full_title, case_number=case, closed=closed, sections=sections,
        decision=_decision_text(sections), start=lines[i].start, end=lines[tail].end,
        page_start=lines[i].page, page_end=lines[tail].page, evidence=evidence)


def _listed_item(lines: list[DocLine], entry: Entry) -> AgendaItem:
    first, last = lines[entry.index], lines[entry.last]
    evidence = ["agenda_list", "case_number"] if entry.case_number else ["agenda_list"]
    return AgendaItem(
        number=entry.number, title=entry.title, case_number=entry.case_number, closed=bool(CLOSED.match(entry.title)),
        start=first.start, end=last.end, page_start=first.page, page_end=last.page, evidence=evidence,
        listed_only=entry.case_number is None)


def _merge(lines: list[DocLine], body: list[AgendaItem], strong: list[bool], entries: list[Entry],
           generic: bool) -> list[AgendaItem]:
    """Body items and list entries paired by number and title (by title alone where the body printed no
    numbers); every entry is an item, with its body or `listed_only`. A body heading the list contradicts
    (same number, other title) without a case number under it is a list point or a reference: dropped."""
    by_number = {e.number: e for e in entries}
    paired: set[str] = set()
    kept: list[AgendaItem] = []
    for item, sure in zip(body, strong, strict=True):
        entry = next((e for e in entries if e.number not in paired and _same_title(e.title, item.title)), None) \
            if generic else by_number.get(item.number)
        if entry is not None and entry.number not in paired and (generic or _same_title(entry.title, item.title)):
            paired.add(entry.number)
            title = item.title
            if len(_entry_title(entry.title)) > len(_entry_title(title)) and _entry_title(entry.title).startswith(
                    _entry_title(title)):
                title = entry.title  # the body heading was cut; the list has the whole title
            kept.append(item.model_copy(update={
                "number": entry.number, "title": title, "evidence": ["agenda_list", *item.evidence]}))
        elif entry is not None and not sure and not generic:
            continue
        elif generic:
            continue  # an unnumbered heading the list does not name: its number would only be invented
        else:
            kept.append(item)
    numbers = {item.number for item in kept}  # a body heading with its case number outranks a list that disagrees
    kept += [_listed_item(lines, e) for e in entries if e.number not in paired and e.number not in numbers]
    order = {e.number: k for k, e in enumerate(entries)}

    def key(item: AgendaItem) -> tuple[float, int]:
        if item.number in order:
            return (order[item.number], item.start)
        before = [k for n, k in order.items() if n.isdigit() and item.number.isdigit() and int(n) < int(item.number)]
        return (max(before, default=-1) + 0.5, item.start)
    return sorted(kept, key=key) if entries else kept


def split_items(doc: Document) -> tuple[str, list[AgendaItem]]:
    structural = structure_items(doc)  # items the reader saw in the document's structure come first
    if structural is not None:
        return structural
    lines = join_lone_numbers(unflatten(doc.lines))
    minutes = is_minutes(lines)
    entries = agenda_entries(lines, minutes) or (headless_list(lines, recommendation_points(lines)) if minutes else [])
    profile, hits = choose_profile(lines, entries)
    if not entries and hits and profile != "generic":
        listed = [e for e in unnumbered_entries(lines, minutes) if e[0] < hits[0][0]]
        entries = _number_unnumbered(listed, hits) if len(listed) >= 2 else []
    if hits:  # an agenda list precedes the items; a numbered list under "Indhold" inside an item is no agenda
        entries = [e for e in entries if e.index <= hits[0][0]]
    body = [_body_item(lines, hits, n, profile) for n in range(len(hits))]
    strong = [_strong_body(lines, _title_continuation(lines, i, len(lines))[1]) or _strong_body(lines, i)
              for i, _, _ in hits]
    if not entries:
        return profile, body
    items = _merge(lines, body, strong, entries, generic=profile == "generic")
    if not body:
        profile = "agenda_list"
    return profile, items
