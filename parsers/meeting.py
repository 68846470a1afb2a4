"""Meeting header: municipality, body, date, time, place, participants, absentees.

Read from the lines before the first agenda item (the whole text when there are none),
with the decision lines ("Beslutning i <udvalg> den 29-08-2024") as a second source for the
body and date, because some systems print no header at all.
"""

from __future__ import annotations

import re
from collections import Counter

from models.records import AgendaItem, Document, Meeting

_MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_NUM_DATE = re.compile(r"\b(\d{1,2})[-./](\d{1,2})[-./](\d{4})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.I)
_TIME = re.compile(r"\bkl\.?\s*(\d{1,2})[:.](\d{2})\b|\b(\d{1,2}):(\d{2})(?::\d{2})?\b")
_BODY_WORDS = r"(?:udvalg(?:et)?|råd(?:et)?|byråd|kommunalbestyrelse(?:n)?|bestyrelse(?:n)?|nævn(?:et)?|forum|" \
              r"borgerrepræsentation(?:en)?|magistrat(?:en)?|udvalget)"
_BODY_DATED = re.compile(
    r"^(?:REFERAT|DAGSORDEN)\s*[-–:]?\s*(?P<body>[A-ZÆØÅ].{2,80}?)\s+(?:d\.|den)\s+\d{1,2}[-./]", re.I)
_BODY_WORD = re.compile(r"\b\w*" + _BODY_WORDS + r"\b", re.I)
_DECISION_BODY = re.compile(
    r"Beslutning(?:er)?\s+(?:i|på)\s+(?P<body>.+?)\s+(?:den|d\.)\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}", re.I)
_OWN_DECISION = re.compile(r"^(?P<body>.{3,80}?)s\s+beslutning\s+den\s+\d", re.I)
_MUNICIPALITY = re.compile(r"\b([A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)\s+Kommunes?\b")
_LABEL = re.compile(r"^\s*(?:\*\*)?(?P<label>Mødedato|Dato|Mødested|Sted|Starttidspunkt|Mødedeltagere|Deltagere|"
                    r"Tilstede|Til stede|Fraværende|Afbud(?:/Fraværende)?|Fravær|Medlemmer|Udvalg|STED|"
                    r"STARTTIDSPUNKT|UDVALG)(?![a-zæøåA-ZÆØÅ])(?:\*\*)?\s*:?\s*(?P<value>.*)$", re.I)
_CITY_BODY = re.compile(r"^([A-ZÆØÅ][a-zæøå]+)\s+(?:Byråd|Kommunalbestyrelse)", re.I)


def _iso(text: str) -> str | None:
    m = _NUM_DATE.search(text)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = _WORD_DATE.search(text)
    if m:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return None


def _names(value: str) -> list[str]:
    parts = re.split(r",|\bog\b|;", value)
    return [" ".join(p.split()) for p in parts if len(p.split()) >= 2 and len(p) < 60]


def extract_meeting(doc: Document, items: list[AgendaItem], profile: str) -> Meeting:
    header_end = items[0].start if items else min(len(doc.text), 3000)
    header_lines = [ln for ln in doc.lines if ln.end <= header_end and ln.text.strip()][:60]
    meeting = Meeting(profile=profile)
    label: str | None = None
    for ln in header_lines:
        text = ln.text.strip().replace("**", "")
        if not text or text.startswith("#") or "\t" in text or re.search(r"\.{3,}", text) \
                or re.match(r"(?i)(sekretær|indholdsfortegnelse|punkter|dagsorden|åbent|lukket)", text):
            label = None
            if not text.startswith("#"):
                continue
            text = text.lstrip("# ")
        m = _LABEL.match(text)
        if m:
            label = m.group("label").lower()
            value = m.group("value").strip()
        else:
            value = text
        if not m and label and (re.search(r"\d", value) and label not in ("mødedato", "dato", "starttidspunkt")
                                or len(value) > 90):
            label = None
        if label in ("mødedato", "dato", "starttidspunkt") and value:
            meeting.date = meeting.date or _iso(value)
            t = _TIME.search(value)
            if t and not meeting.time:
                meeting.time = f"{int(t.group(1) or t.group(3)):02d}:{t.group(2) or t.group(4)}"
        elif label in ("mødested", "sted") and value and not meeting.place:
            meeting.place = value
        elif label in ("mødedeltagere", "deltagere", "tilstede", "til stede", "medlemmer") and value:
            if not _LABEL.match(value):
                meeting.participants += _names(value) if "," in value else ([value] if len(value.split()) >= 2 else [])
        elif label and label.startswith(("fraværende", "afbud", "fravær")) and value:
            meeting.absentees += _names(value) if "," in value else ([value] if len(value.split()) >= 2 else [])
        elif label == "udvalg" and value and not meeting.body:
            meeting.body = value
        if not m:
            if not meeting.body:
                b = _BODY_DATED.match(text.lstrip("# "))
                if b:
                    meeting.body = " ".join(b.group("body").split())
                elif (len(text) < 70 and text[:1].isupper() and not re.search(r"\d|[.:]$", text)
                      and _BODY_WORD.search(text)):
                    meeting.body = text
            if not meeting.date and (re.search(r"\bd\.\s*\d|\bden\s+\d|^Dato", text) or len(text) < 60):
                meeting.date = _iso(text)
            if not meeting.time:
                t = _TIME.search(text)
                if t and "kl" in text.lower():
                    meeting.time = f"{int(t.group(1) or t.group(3)):02d}:{t.group(2) or t.group(4)}"
    for ln in doc.lines:
        m = _DECISION_BODY.search(ln.text) or _OWN_DECISION.search(ln.text)
        if m:
            meeting.body = meeting.body or " ".join(m.group("body").split())
            meeting.date = meeting.date or _iso(ln.text)
            break
    counts = Counter(m.group(1) for m in _MUNICIPALITY.finditer(doc.text))
    if counts:
        name = counts.most_common(1)[0][0]
        if name.endswith("s") and re.search(rf"\b{re.escape(name[:-1])}\b", doc.text):
            name = name[:-1]  # "Københavns Kommune" is København's
        meeting.municipality = name
    if meeting.municipality is None and meeting.body:
        c = _CITY_BODY.match(meeting.body)
        meeting.municipality = c.group(1) if c else None
    meeting.participants = list(dict.fromkeys(meeting.participants))
    meeting.absentees = list(dict.fromkeys(meeting.absentees))
    return meeting
