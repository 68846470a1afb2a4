"""Layout profiles: how each minutes system marks where an agenda item starts.

A profile is data, not code: the item-start pattern and how confident a match must be
confirmed by what follows (a case number or a section heading). `choose_profile` picks the
profile whose pattern explains the document best; unknown layouts get the generic one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    item_start: re.Pattern[str]
    needs_body: bool  # a match counts only when a case number or section heading follows
    min_hits: int


_MD = r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*"
_END = r"\s*(?:\*\*|__)?\s*$"

PROFILES: tuple[Profile, ...] = (
    # FirstAgenda (Aarhus, Randers …): "Punkt 123: Titel", also as a Markdown heading
    Profile("firstagenda", re.compile(_MD + r"Punkt\s+(\d{1,4})\s*[:.]\s*(\S.*?)" + _END, re.I), False, 2),
    # Single-item web pages: "Punkt 3 Titel"
    Profile("punkt_plain", re.compile(_MD + r"Punkt\s+(\d{1,4})\s+(\S.*?)" + _END, re.I), True, 1),
    # eDoc (Ballerup …) and Acadre (Norddjurs, Holbæk …): "1. Titel", "123. Titel"
    Profile("numbered", re.compile(_MD + r"(\d{1,4})\.\s+(?!at\b)(\S.*?)" + _END), True, 1),
)

SECTION_WORDS: dict[str, str] = {
    "resumé": "summary", "resume": "summary", "sagsresume": "summary", "sammendrag": "summary",
    "beslutningstema": "summary",
    "sagsfremstilling": "case", "beskrivelse af sagen": "case", "problemstilling": "case", "løsning": "case",
    "baggrund": "background", "sagsgang": "process", "sagsgang og sagstype": "process",
    "indstilling": "recommendation", "forslag": "recommendation",
    "beslutning": "decision", "beslutninger": "decision", "afgørelse": "decision",
    "økonomi": "economy", "økonomiske konsekvenser": "economy", "økonomiske konsekvenser og finansiering": "economy",
    "økonomiske og erhvervsmæssige konsekvenser": "economy",
    "lovgrundlag": "legal", "retsgrundlag": "legal",
    "bilag": "attachments", "bilag:": "attachments",
    "sammenhæng til andre politikker/strategier og fagområder": "context",
    "beslutningen træffes af": "authority", "sagen afgøres i": "authority",
    "co2-konsekvensvurdering": "climate", "høring": "hearing", "kommunikation": "communication",
}

DECISION_LINE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*(?:Beslutning(?:er)?\s+(?:i|på|fra)\s+.+?(?:den|d\.)\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
    r"|.{3,80}?s\s+beslutning\s+den\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}.*)\s*(?:\*\*)?\s*$",
    re.I,
)

CASE_NUMBER = re.compile(
    r"(?:Sagsnr\.?\s*:?\s*(?P<sagsnr>[\w./-]*\d[\w./-]*))"
    r"|(?P<emn>\b[A-ZÆØÅ]{2,5}-\d{4}-\d{4,8}\b)"
    r"|(?P<kle>\b\d{2}\.\d{2}(?:\.\d{2})?(?:[.-]?[A-ZÆØÅ]\d{2})(?:-\d+-\d{2}|(?:\s+-)?\s+\d{2,4}/\d+)?)"
)

CLOSED = re.compile(r"\b(?:Lukket(?:\s+(?:sag|punkt|referat))?|Fortrolig)\b", re.I)
OPEN = re.compile(r"\bÅben\s+sag\b|\bÅbent\s+punkt\b", re.I)
