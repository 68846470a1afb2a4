"""Meeting header: municipality, body, date, time, place, participants, absentees.

Read from the lines before the first agenda item (the whole text when there are none),
with the decision lines ("Beslutning i <udvalg> den 29-08-2024") as a second source for the
body and date, because some systems print no header at all. The body is the committee's name
alone: portal titles around it (`- Dagsordener og referater`, `Referat. fra …`, `- Byrådssalen`)
are chrome. The municipality is canonicalised against the official list (`parsers/municipality.py`).
Vocabularies: `parsers/patterns/meeting.yaml`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from models.records import AgendaItem, DocLine, Document, Meeting
from parsers.municipality import detect, is_place_name, printed_in_text
from parsers.split import FLATTENED_LINE_CHARS, unflatten


@dataclass(frozen=True)
class _Vocab:
    months: dict[str, int]
    dates: tuple[re.Pattern[str], ...]
    weekday: str
    body_word: re.Pattern[str]
    prefix: re.Pattern[str]
    suffix: re.Pattern[str]
    place_suffix: re.Pattern[str]
    council_suffix: re.Pattern[str]
    date_suffix: re.Pattern[str]
    header_cut: re.Pattern[str]
    stale_date: re.Pattern[str]
    genitive: re.Pattern[str]
    genitive_suffix: re.Pattern[str]


@cache
def _vocab() -> _Vocab:
    data = yaml.safe_load((Path(__file__).parent / "patterns" / "meeting.yaml").read_text(encoding="utf-8"))
    months = {w: int(n) for n, words in data["months"].items() for w in words}
    alt = "|".join(sorted(months, key=len, reverse=True))
    dates = (
        re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:\b|(?=T\d))"),
        re.compile(r"\b(?P<d>\d{1,2})\.?[ \t-]*(?P<mon>" + alt + r")(?![a-zæøå])\.?,?[ \t-]*(?P<y>\d{4})\b", re.I),
        re.compile(r"\b(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})\b"),
        re.compile(r"\b(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[ ,]+(?P<y>\d{4})\b"),
    )
    body_words = data["body_words"]
    return _Vocab(months, dates, "|".join(data["weekdays"]),
                  re.compile(r"\b(?!områd)\w*" + body_words + r"\b", re.I),
                  re.compile(data["body_prefix"], re.I), re.compile(data["body_suffix"], re.I),
                  re.compile(data["body_place_suffix"], re.I), re.compile(data["body_council_suffix"]),
                  re.compile(data["body_date_suffix"], re.I), re.compile(data["header_cut"]),
                  re.compile(data["stale_date"], re.I), re.compile(data["body_genitive"]),
                  re.compile(data["body_genitive_suffix"]))


_TIME = re.compile(r"\bkl\.?\s*(\d{1,2})(?:[:.](\d{2}))?\b|\b(\d{1,2}):(\d{2})(?::\d{2})?\b", re.I)
_BODY_DATED = re.compile(
    r"^(?:REFERAT|DAGSORDEN)\s*[-–:]?\s*(?P<body>[A-ZÆØÅ].{2,80}?)\s+(?:d\.|den)\s+\d{1,2}[-./]", re.I)
_DECISION_BODY = re.compile(
    r"Beslutning(?:er)?\s+(?:i|på)\s+(?P<body>.+?)\s+(?:den|d\.)\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}", re.I)
_OWN_DECISION = re.compile(r"^(?P<body>.{3,80}?)s\s+beslutning\s+den\s+\d", re.I)
_MUNICIPALITY = re.compile(r"\b([A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)\s+Kommunes?\b")
_LABEL = re.compile(r"^\s*(?:\*\*)?(?P<label>Mødedato|Dato|Mødested|Sted|Starttidspunkt|Mødedeltagere|Deltagere|"
                    r"Tilstede|Til stede|Fraværende|Afbud(?:/Fraværende)?|Fravær|Medlemmer|Udvalg|STED|"
                    r"STARTTIDSPUNKT|UDVALG)(?![a-zæøåA-ZÆØÅ])(?:\*\*)?\s*:?\s*(?P<value>.*)$", re.I)
_BREADCRUMB = re.compile(r"\s+[>›»/]\s+")
_TITLE = re.compile(r"(?i)(?:dagsorden|referat|mødesager?|beslutningsprotokol)\b")
# A committee named in running text, for documents with no header (an annex, a working paper).
_PROSE_BODY = re.compile(r"\bUdvalget for (?:[A-ZÆØÅ][\w-]*(?:, | og ))*[A-ZÆØÅ][\w-]*"
                         r"|\b(?:[A-ZÆØÅ][\w]*-(?:,? [A-ZÆØÅ]?[\w]*-)* og )?[A-ZÆØÅ]\w*udvalget\b")


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first real date in `text` as ISO, with its span.

    `28. februar, 2025`, `8. oktober 2025`, `15-maj-2002`, `11.05.2023`, `d. 3/12 2024`, `2024-12-03`.
    """
    best: tuple[str, int, int] | None = None
    v = _vocab()
    for rx in v.dates:
        for m in rx.finditer(text):
            if best and m.start() >= best[1]:
                break
            g = m.groupdict()
            month = v.months[g["mon"].lower()] if g.get("mon") else int(g["m"])
            try:
                day = dt.date(int(g["y"]), month, int(g["d"]))
            except ValueError:
                continue
            if 1900 <= day.year <= 2100:
                best = (day.isoformat(), m.start(), m.end())
                break
    return best


_SHORT_YEAR = re.compile(r"^(?:\w+\s+)?(?:den\s+|d\.\s*)?(\d{1,2})[-./](\d{1,2})[-./](\d{2})\b", re.I)


def _short_year(text: str) -> str | None:
    """`28-02-25` under a `Mødedato` label: a two-digit year, trusted only where the label says it is a date."""
    m = _SHORT_YEAR.match(text)
    try:
        return dt.date(2000 + int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat() if m else None
    except ValueError:
        return None


def _iso(text: str) -> str | None:
    found = find_date(text)
    return found[0] if found else None


def find_time(text: str) -> str | None:
    """`kl. 16.00`, `kl. 9`, `09:00:00` → `HH:MM`."""
    t = _TIME.search(text)
    if not t:
        return None
    hour, minute = int(t.group(1) or t.group(3)), int(t.group(2) or t.group(4) or 0)
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def clean_body(value: str, place: str | None = None) -> str | None:
    """The committee's name alone, without the portal's or the page's words around it."""
    v = _vocab()
    text = " ".join(value.replace("**", "").split()).strip(" -–|:,.·•")
    for _ in range(3):
        before = text
        text = v.prefix.sub("", text).strip(" -–|:,.·•")
        text = v.suffix.sub("", text).strip(" -–|:,·•")
        if place:
            text = re.sub(r"\s*[-–|,·•]\s*" + re.escape(place) + r"\s*$", "", text, flags=re.I)
        text = v.place_suffix.sub("", text).strip(" -–|:,·•")
        text = v.council_suffix.sub("", text).strip(" -–|:,·•")
        text = v.date_suffix.sub("", text).strip(" -–|:,·•")
        text = v.genitive_suffix.sub("", text).strip(" -–|:,·•")
        head, sep, last = text.rpartition(" | ") if " | " in text else text.rpartition(" - ")
        if sep and v.body_word.search(head) and is_place_name(last):  # `Byrådet | Aarhus`
            text = head.strip(" -–|:,·•")
        if text == before:
            break
    return text[:1].upper() + text[1:] if len(text) >= 3 else None


def _dated_title(text: str) -> tuple[str | None, str | None]:
    """The body and date of a header line that dates the meeting: `Norddjurs Beskæftigelsesråd
    29-08-2024 — …`, `Referat Økonomiudvalget d. 11.05.2023, kl. 18:30`, `Dagsorden 8. oktober 2025
    kl. 16.00`, `Onsdag den 15-maj-2002`. A date inside a sentence (`Pr. 1. januar 2022 var der …`)
    does not date the meeting."""
    found = find_date(text)
    if not found or found[1] > 120:
        return None, None
    head, tail = text[:found[1]], text[found[2]:].strip(" ,.-–")
    named = bool(_vocab().body_word.search(head)) or bool(_TITLE.match(head.strip(" #*")))
    dated = re.search(rf"(?i)\b(?:{_vocab().weekday}|den|d\.|dato|mødedato)(?:\s|:|$)", head)
    short = len(head.split()) <= 4 and (dated or len(tail) <= 30
                                        or re.match(r"(?i)(?:fra\s+)?kl\.?\s*\d|klokken", tail))
    if not (named or short):
        return None, None
    body = clean_body(head) if _vocab().body_word.search(head) else None
    return (body if body and _name_like(body) else None), found[0]


def _name_like(body: str) -> bool:
    """`Udvalget for klima og miljø`, `Børne- og ungeudvalget`, `Norddjurs Beskæftigelsesråd` are names;
    `Kommunalbestyrelsen vedtog` is the start of a sentence."""
    for word in body.split():
        if word.lower() in ("for", "om", "vedrørende"):
            return True  # the committee's field follows, in any case
        if not (word[:1].isupper() or word.endswith("-") or word in ("og", "i", "&", ",")
                or _vocab().body_word.search(word)):
            return False
    return True


def _names(value: str) -> list[str]:
    parts = re.split(r",|\bog\b|;", value)
    return [" ".join(p.split()) for p in parts if len(p.split()) >= 2 and len(p) < 60]


def _header_lines(doc: Document, items: list[AgendaItem]) -> list[str]:
    """The header's lines: everything before the first item with a body, the entries of an agenda list that
    stands at the top left out (a portal may print the list before or beside its title and date), a line an
    entry or the first item starts inside clipped where it starts rather than dropped. A page flattened to
    one line (a PDF transcript: letterhead, title, date, place and contents in one line) is cut back into
    lines, and a long header line at its labels and title words."""
    first_body = next((i.start for i in items if not i.listed_only), None)
    listed = [(i.start, i.end) for i in items if i.listed_only and (first_body is None or i.start < first_body)]
    if first_body is not None:
        header_end = first_body
    else:
        header_end = min(len(doc.text), max(3000, items[0].start)) if items else min(len(doc.text), 3000)
    out: list[str] = []
    flattened = any(len(ln.text) >= FLATTENED_LINE_CHARS for ln in doc.lines)
    for ln in unflatten(doc.lines):
        if ln.start >= header_end or len(out) >= 60:
            break
        stop = min([header_end, *(a for a, b in listed if b > ln.start)])
        if any(a <= ln.start < b for a, b in listed) or stop <= ln.start:
            continue  # an entry of the agenda list
        text = ln.text[: stop - ln.start] if ln.end > stop else ln.text
        if flattened or len(text) > _LONG_HEADER_LINE:
            cuts = [m.start() for m in _vocab().header_cut.finditer(text) if m.start() > 0]
            out += [p for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True) if (p := text[a:b].strip())]
        elif text.strip():
            out.append(text)
    return out


_LONG_HEADER_LINE = 100


_URL = re.compile(r"https?://[^\s/]+\S*")


def _site(doc: Document) -> dict[str, str]:
    """The page's publisher evidence: what the HTML reader kept (`Document.site`), else the page's own address
    where a browser prints it on a printed page: in the running header or footer, or on the first or last
    lines (`https://www.syddjurs.dk/politik/… 1/3`)."""
    site = dict(doc.site)
    if "url" not in site:
        edges = [*doc.running, *(ln.text for ln in doc.lines[:2]), *(ln.text for ln in doc.lines[-2:])]
        url = next((m.group(0) for text in edges if (m := _URL.search(text))), None)
        if url:
            site["url"] = url
    return site


def extract_meeting(doc: Document, items: list[AgendaItem], profile: str) -> Meeting:
    header_lines = [DocLine(text=t, page=1, start=0, end=0) for t in _header_lines(doc, items)]
    meeting = Meeting(profile=profile)
    bodies: list[tuple[float, str]] = []  # (rank, name): a labelled `Udvalg:` beats a guessed line
    plain: list[tuple[int, str, float]] = []  # short lines that name a committee, by position: a menu lists several
    # (rank, date, time): a labelled `Mødedato:` beats a dated title, which beats a short dated line
    dates: list[tuple[int, str, str | None]] = []
    label: str | None = None
    v = _vocab()
    # page 1's running header first: in many PDFs it is the only place the committee and date stand
    for at, raw_text in enumerate([*doc.running, *(ln.text for ln in header_lines)]):
        text = raw_text.strip().replace("**", "")
        if "\t" in text and _LABEL.match(text.split("\t", 1)[0]):  # `Udvalg:\tAarhus Byråd`, an HTML label row
            text = " ".join(text.split("\t"))
        gen = v.genitive.search(text) if len(text) < 160 else None
        if gen and v.body_word.search(gen.group("body")):  # `Dagsorden til regionsrådets møde den …`
            name = gen.group("body")
            bodies.append((1, name[:1].upper() + name[1:]))
        if _TITLE.match(text) and len(text) < 120 and "\t" not in text:
            body, date = _dated_title(text)
            if not date and v.body_word.search(text):  # `Dagsorden til Udvalget for Plan, Udvikling og Kulturs møde`
                named = clean_body(text)
                body = named if named and named != text and _name_like(named) else None
            if body:
                bodies.append((1, body))
            if date and not v.stale_date.search(text):
                dates.append((1, date, find_time(text)))
        if not text or text.startswith("#") or "\t" in text or re.search(r"\.{3,}", text) \
                or re.match(r"(?i)(sekretær|indholdsfortegnelse|punkter|dagsorden|åbent|lukket)", text):
            label = None
            if not text.startswith("#"):
                continue
            text = text.lstrip("# ")
        m = _LABEL.match(text)
        if m and m.group("label").lower() == "udvalg" and m.group("value").strip() \
                and ":" not in text[:m.start("value")]:
            m = None  # `Udvalg for regional udvikling` is a committee's name, not the `Udvalg:` label
        if m:
            label = m.group("label").lower()
            value = m.group("value").strip()
        else:
            value = text
        if not m and label and (re.search(r"\d", value) and label not in ("mødedato", "dato", "starttidspunkt")
                                or len(value) > 90):
            label = None
        if label in ("mødedato", "dato", "starttidspunkt") and value:
            if _iso(value) or _SHORT_YEAR.match(value):
                dates.append((0, _iso(value) or _short_year(value), find_time(value)))
            meeting.time = meeting.time or find_time(value)
        elif label in ("mødested", "sted") and value and not meeting.place:
            meeting.place = value
        elif label in ("mødedeltagere", "deltagere", "tilstede", "til stede", "medlemmer") and value:
            if not _LABEL.match(value):
                meeting.participants += _names(value) if "," in value else ([value] if len(value.split()) >= 2 else [])
        elif label and label.startswith(("fraværende", "afbud", "fravær")) and value:
            meeting.absentees += _names(value) if "," in value else ([value] if len(value.split()) >= 2 else [])
        elif label == "udvalg" and value:
            body = clean_body(value)
            if body and m:
                bodies.append((0, body))
            elif body:  # under a bare `Udvalg` line: a label's value, or the first entry of a committee menu
                plain.append((at, body, 0))
                label = None
        if not m:
            b = _BODY_DATED.match(text.lstrip("# "))
            body, date = _dated_title(text) if len(text) < 160 else (None, None)
            crumbs = _BREADCRUMB.split(text)
            if b:
                bodies.append((1, " ".join(b.group("body").split())))
            elif body:
                bodies.append((1, body))
            elif len(crumbs) >= 3 and v.body_word.search(crumbs[-1]):  # Forside > Politik > … > Økonomiudvalget
                bodies.append((1.5, crumbs[-1]))
            elif (len(text) < 70 and text[:1].isupper() and not re.search(r"\d|[.:]$", text)
                  and v.body_word.search(text)):
                if v.prefix.match(text) or v.suffix.search(text):  # `Referat. fra X`, `X - mødesager`: a title
                    bodies.append((1, text))
                else:
                    plain.append((at, text, 2))
            if date and not v.stale_date.search(text):
                dates.append((1 if body or b else 2, date, find_time(text)))
            if not meeting.time and "kl" in text.lower() and not v.stale_date.search(text):
                meeting.time = find_time(text)
    for at, text, rank in plain:  # three committees on consecutive lines are the site's menu, not the meeting's
        run = {a for a, _, _ in plain if abs(a - at) <= 2}
        menu = any({a, a + 1, a + 2} <= run for a in run)
        bodies.append((2.7 if menu else rank, text))
    title = doc.site.get("title", "")
    if v.body_word.search(title):  # the page's own title: `Økonomiudvalget - Referat | Aarhus Kommune`
        bodies.append((2.5, title))
    for ln in doc.lines:
        m = _DECISION_BODY.search(ln.text) or _OWN_DECISION.search(ln.text)
        if m:
            bodies.append((3, " ".join(m.group("body").split())))
            if _iso(ln.text):
                dates.append((3, _iso(ln.text), None))
            break
    if dates:
        _, meeting.date, time = min(dates, key=lambda d: d[0])
        meeting.time = time or meeting.time
    if not bodies:
        mentions = Counter(" ".join(x.group(0).split()) for x in _PROSE_BODY.finditer(doc.text))
        if mentions:
            bodies.append((4, mentions.most_common(1)[0][0]))
    for rank, name in sorted(bodies, key=lambda b: b[0]):
        body = clean_body(name, meeting.place)
        if body and (rank == 0 or _name_like(body)):
            meeting.body = body
            break
    full = "\n".join([*doc.running, doc.text])
    found = detect(full, doc.path, extra=[meeting.body] if meeting.body else None, site=_site(doc))
    if found:
        meeting.municipality = found.place.name
        meeting.municipality_code = found.place.code
        meeting.municipality_printed = printed_in_text(
            found, "\n".join([full, meeting.body or "", *doc.site.values()]))
    else:  # a name not on the official list (the demo's Eksempel Kommune) is kept as printed
        counts = Counter(m.group(1) for m in _MUNICIPALITY.finditer(full))
        if counts:
            name = counts.most_common(1)[0][0]
            if name.endswith("s") and re.search(rf"\b{re.escape(name[:-1])}\b", full):
                name = name[:-1]
            meeting.municipality = name
            meeting.municipality_printed = name
    meeting.participants = list(dict.fromkeys(meeting.participants))
    meeting.absentees = list(dict.fromkeys(meeting.absentees))
    return meeting
