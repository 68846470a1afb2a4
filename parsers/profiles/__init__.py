"""Layout profiles: how each minutes system marks where an agenda item starts.

A profile is data, not code: the item-start pattern and how confident a match must be
confirmed by what follows (a case number or a section heading). `choose_profile` picks the
profile whose pattern explains the document best; unknown layouts get the generic one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


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

MINUTES = yaml.safe_load((Path(__file__).resolve().parent.parent / "patterns" / "minutes.yaml").read_text("utf-8"))

SECTION_WORDS: dict[str, str] = {word: kind for kind, words in MINUTES["section_words"].items() for word in words}
RECOMMENDATION_HEADING = re.compile(MINUTES["recommendation_heading"], re.I)
LIST_INTRO_AT = re.compile(MINUTES["list_intro_at"], re.I)
HEADER_LABEL = re.compile(r"^\s*(?:" + "|".join(map(re.escape, MINUTES["header_labels"])) + r")\b", re.I)
OPEN_CLOSED_LINE = re.compile(MINUTES["open_closed_line"], re.I)

DECISION_LINE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*(?:Beslutning(?:er)?\s+(?:i|på|fra)\s+.+?(?:den|d\.)\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
    r"|.{3,80}?s\s+beslutning\s+den\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}.*)\s*(?:\*\*)?\s*$",
    re.I,
)

CASE_NUMBER = re.compile(
    r"(?:(?:Sagsnr|Sagsnummer|Sags\s+nr|Sag\s+nr|Journalnr|Journalnummer|J\.\s?nr)\.?\s*:?\s*"
    r"(?P<sagsnr>[\w./-]*\d[\w./-]*))"
    r"|(?P<emn>\b[A-ZÆØÅ]{2,5}-\d{4}-\d{4,8}\b)"
    r"|(?P<kle>\b\d{2}\.\d{2}(?:\.\d{2})?(?:[.-]?[A-ZÆØÅ]\d{2})(?:-\d+-\d{2}|(?:\s+-)?\s+\d{2,4}/\d+)?)"
)

CLOSED = re.compile(r"\b(?:Lukket(?:\s+(?:sag|punkt|referat))?|Fortrolig)\b", re.I)
OPEN = re.compile(r"\bÅben\s+sag\b|\bÅbent\s+punkt\b", re.I)
